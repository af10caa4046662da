#!/usr/bin/env bash
# Hostile inputs to the explorer under a real terminal (tmux): a theme file with a 10 MB line or of 10 MB opens
# promptly with a warning in the status bar; SIGINT, SIGTERM and SIGHUP during start-up and later end it with
# 130, 143 and 129 and the terminal restored (README's exit-code table).
# Usage: Tests/e2e/hostile_explorer_tmux.sh PATH/TO/convscope
set -u
source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e hostile explorer" convscope-hostile 240 15 "$@"

# start ARGS...: a fresh 120×30 session running the explorer.
start() { open_in 120 30 C.UTF-8 "$@"; }
restored() { terminal_restored "$@"; }
# signal_app SIG: sends SIG to the explorer (the child of the pane's shell), waiting up to 5 s for it to exist.
signal_app() {
  local pane app deadline=$((SECONDS + 5))
  pane=$(tm display-message -p -t e2e '#{pane_pid}')
  while [ $SECONDS -lt $deadline ]; do
    app=$(pgrep -P "$pane" -f "$BIN" | head -1)
    [ -n "$app" ] && { kill "-$1" "$app"; return 0; }
    sleep 0.05
  done
  return 1
}

# Themes: one 10 MB line (a file over the size limit), and a 900 KB line in a file under it.
{ printf 'theme[main_fg]="'; head -c 10000000 /dev/zero | tr '\0' x; printf '"\n'; } >"$WORK/huge.theme"
{ printf 'theme[title]="#102030"\n'; head -c 900000 /dev/zero | tr '\0' y; printf '\ntheme[hi_fg]="#ff0000"\n'; } \
  >"$WORK/longline.theme"

start resnet18 --theme "$WORK/huge.theme"
check "10 MB theme: opens within 5 s" seen '┌ resnet18 · ' 5
check "10 MB theme: the status bar says the file is over the limit" seen 'bytes is over the 1048576-byte limit' 2
keys q
check "10 MB theme: q exits 0, terminal restored" restored 0

start resnet18 --theme "$WORK/longline.theme"
check "900 KB line: opens within 5 s" seen '┌ resnet18 · ' 5
check "900 KB line: the status bar names the line" seen 'longline.theme:2: a line of 900000 bytes' 2
keys q
check "900 KB line: q exits 0" restored 0

# Signals during start-up (as soon as the process exists) and once the explorer shows.
for pair in INT:130 TERM:143 HUP:129; do
  sig=${pair%%:*} code=${pair##*:}
  start resnet152 --theme "$WORK/huge.theme"
  signal_app "$sig"
  check "SIG$sig during start-up: exit $code within 10 s, terminal restored" restored "$code"
  start resnet18
  seen '┌ resnet18 · ' 10
  signal_app "$sig"
  check "SIG$sig in the explorer: exit $code, terminal restored" restored "$code"
done

# A theme that is a FIFO: refused at once with one line, before the screen opens.
mkfifo "$WORK/fifo.theme"
fifo_refused() {
  local err rc
  err=$(timeout 10 "$BIN" resnet18 --theme "$WORK/fifo.theme" 2>&1 </dev/null)
  rc=$?
  [ $rc -eq 1 ] && [[ $err == "convscope: error: cannot read theme file $WORK/fifo.theme: not a regular file" ]] \
    || { echo "  rc=$rc [$err]"; return 1; }
}
check "--theme FIFO: not a regular file, exit 1 at once" fifo_refused

echo "hostile_explorer_tmux: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
