#!/usr/bin/env bash
# End-to-end test of the explorer: drives the real binary inside a private tmux server and
# asserts on the captured screen text, the exit status and the terminal state after exit.
# Usage: Tests/e2e/explorer_tmux.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
# Every wait has a deadline and the whole script a time limit, so it never hangs.
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e explorer" convscope-e2e 300 10 "$@"

# start W H LANG ARGS...: a fresh session running the explorer.
start() { open_in "$@"; }

# wait_exit STATUS: the binary exited with STATUS and the terminal is back to normal.
wait_exit() { terminal_restored "$@"; }

# The harness's seen and gone under the names this script's checks use.
wait_for() { seen "$@"; }
wait_gone() { gone "$@"; }
status_line() { capture; grep -E '^[│|] [0-9]+/[0-9]+' "$SCREEN" | head -1; }

# --- start-up, movement, expand/collapse, search, help, a step, resize, quit with q ----------
start 100 30 C.UTF-8 resnet50 --first-frame-report "$WORK/first-frame"
check "start: header and tree of resnet50" wait_for '┌ resnet50 · 25,557,032 params · 4\.09 G MACs · input 1×3×224×224'
check "start: opens expanded to the blocks" wait_for '▸ 0 +Bottleneck'
check "start: status bar with position and theme" wait_for '1/[0-9]+ .*theme default'
keys j
check "move: j selects conv1" wait_for '^[│] 2/[0-9]+'
check "move: details show the conv" wait_for 'hyper-parameters'
keys j k
check "move: k goes back up" wait_for '^[│] 2/[0-9]+'
keys / l a y e r 2 . 0 Enter
check "search: prompt jumps to layer2.0" wait_for 'match 1 of [0-9]+ for "layer2\.0"'
keys l
check "expand: l opens the block" wait_for '▾ 0 +Bottleneck'
# Names longer than the name column are shortened in the middle (params and MACs come first).
check "expand: its layers show" wait_for 'down(sample|…mple) +Sequential'
keys h
check "collapse: h closes it again" wait_gone 'down(sample|…mple) +Sequential'
keys / c o n v 2 Enter
# The search starts from the selection (layer2.0), so the first hit is layer2.0.conv2, the 4th of 16.
check "search: conv2 has 16 matches, from the selection on" wait_for 'match 4 of 16 for "conv2"'
keys n
check "search: n goes to the next match" wait_for 'match 5 of 16'
keys g n N
check "search: N goes back, wrapping around" wait_for 'match 16 of 16'
keys '?'
check "help: the overlay lists the keys" wait_for 'keys \(\? or Esc closes\)'
check "help: generated from the table" wait_for 'switch the focus between the tree and the details pane'
# tmux sends Home and End as ESC[1~ and ESC[4~, which xterm's terminfo lacks: they closed the help
# (the ESC) and typed "[1~".
keys End
check "help: End scrolls to the bottom and keeps the help open" wait_for 'quit \(q from anywhere but a text prompt'
keys Home
check "help: Home scrolls back to the top" wait_for '↑↓ j k +move the selection'
check "help: still open, nothing typed" wait_gone 'does nothing here'
keys Escape
check "help: Esc closes it" wait_gone 'keys \(\? or Esc closes\)'
keys s
check "s: steps the forward pass (Tests/e2e/explorer_run_tmux.sh covers live runs)" wait_for '· seeded weights \(seed 0\)'
keys Tab
check "tab: the details pane takes the focus" wait_for 'Tab tree'
keys Tab
tm resize-window -t e2e -x 50 -y 12
check "resize: below 60x16 says too small" wait_for 'Terminal too small'
check "resize: names the sizes" wait_for '50×12: convscope needs at least 60×16'
tm resize-window -t e2e -x 120 -y 40
check "resize: above the minimum draws again" wait_for '┌ resnet50 · 25,557,032 params'
check "resize: uses the new width" wait_for '^└─{118}┘$'
keys q
check "quit with q: exit 0 and terminal restored" wait_exit 0
FIRST_FRAME=$(cat "$WORK/first-frame" 2>/dev/null)

# --- mouse: a click selects a row -------------------------------------------------------------
start 100 30 C.UTF-8 resnet50
wait_for '▸ 0 +Bottleneck' >/dev/null
# SGR report, 1-based: left button pressed on row 5 (screen row 4 = conv1's row + 2) then released.
keys -l $'\e[<0;12;6M\e[<0;12;6m'
check "mouse: a click selects the row under it" wait_for '^[│] 4/[0-9]+'
keys -l $'\e[<65;12;8M'
check "mouse: the wheel scrolls the tree" wait_gone '▾ resnet50'
keys C-c
check "quit with the Ctrl-C key: exit 130 (as SIGINT) and terminal restored" wait_exit 130

# --- model picker, compare view, input size, themes, mouse in the new views ---------------------
start 100 30 C.UTF-8 resnet50 --theme dark
check "theme: --theme dark shows in the status bar" wait_for 'theme dark'
keys m
check "picker: m opens it with every model" wait_for 'filter .* 32 of 32 models'
check "picker: grouped by family with params and MACs" wait_for 'resnet101 +44,549,160 +7\.80 G'
keys d e n s e
check "picker: typing filters" wait_for 'filter dense.* 5 of 32 models'
check "picker: only the matches stay" wait_gone 'resnet101 +44,549,160'
keys Down Enter
check "picker: Enter opens the chosen model" wait_for '┌ densenet161 · 28,681,000 params'
check "picker: the theme stays" wait_for 'theme dark'
keys c
# densenet161 is outside the default five: it joins them, selected (g goes back to the first column).
check "compare: c opens the default set and the open model" wait_for '┌ compare · 6 models'
keys g
check "compare: models side by side" wait_for 'resnet50 +seresnet50 +skresnext50_32x4d'
check "compare: per-stage shapes" wait_for 'layer1 1×256×56×56 +layer1 1×256×56×56'
check "compare: depth in weighted layers" wait_for 'depth +54 conv\+linear layers +86 conv'
keys +
check "compare: + opens the picker to add" wait_for 'add a model to the comparison'
keys r e s n e t 1 8 Enter
check "compare: + adds the model" wait_for '┌ compare · 7 models'
check "compare: says what it added" wait_for 'added resnet18'
keys -
check "compare: - removes the selected one" wait_for '┌ compare · 6 models'
check "compare: says what it removed" wait_for 'removed resnet18'
# g scrolls back to the first column; an SGR click on the second column (x = 1 + 10 + 28 + 3, 1-based).
keys g
wait_for '^│ 1/6 ' >/dev/null
keys -l $'\e[<0;44;3M\e[<0;44;3m'
check "mouse: a click selects a compare column" wait_for '^│ 2/6 '
keys Escape
check "compare: Esc closes it" wait_for '┌ densenet161 · '
keys i 1 6 0 Enter
check "input size: every figure recomputed" wait_for '┌ densenet161 · 28,681,000 params · 3\.94 G MACs · input 1×3×160×160'
keys i 1 6 Enter
check "input size: an impossible size is refused with the reason" wait_for 'input size refused: densenet161: input too small: features\.transition'
check "input size: the old size is kept" wait_for 'input 1×3×160×160'
keys m
check "picker: figures at the chosen size" wait_for 'resnet50 +25,557,032 +2\.09 G +160×160'
# X10-style wheel and click would be the same through ncurses; SGR wheel down over the list.
keys -l $'\e[<65;30;10M'
check "mouse: the wheel scrolls the picker" wait_gone '^│ *│ ResNet +│'
keys Escape
capture_colours() { tm capture-pane -e -p -t e2e > "$SCREEN" 2>/dev/null; }
has_256_colours() { capture_colours; grep -q $'\e\[[0-9;]*38;5;[0-9]' "$SCREEN"; }
check "theme: dark in 256 colours on xterm-256color" has_256_colours
keys t
check "theme: t cycles to the next (alphabetical)" wait_for 'theme default \(2 of 4\)'
keys t t
check "theme: ... light, then mono" wait_for 'theme mono \(4 of 4\)'
no_colours() { capture_colours; ! grep -q $'\e\[[0-9;]*3[0-9];5;' "$SCREEN" && ! grep -q $'\e\[[0-9;]*3[0-7]m' "$SCREEN"; }
check "theme: mono draws no colours" no_colours
keys q
check "themes: quit" wait_exit 0

# Truecolor through a direct-colour terminfo entry, and NO_COLOR.
start_env() {
  local envs=$1
  shift
  fresh_server
  tm new-session -d -s e2e -x 100 -y 30 \
    "env $envs LANG=C.UTF-8 LC_ALL=C.UTF-8 NCURSES_NO_UTF8_ACS=1 $BIN $*; echo \"EXIT=\$?\" > $WORK/status; echo AFTER-EXIT; sleep 600"
}
if infocmp xterm-direct >/dev/null 2>&1; then
  start_env "TERM=xterm-direct COLORTERM=truecolor" resnet50 --theme dark
  wait_for 'theme dark' >/dev/null
  has_truecolour() { capture_colours; grep -q $'\e\[[0-9;]*38;2;213;216;224' "$SCREEN"; }
  check "truecolor: xterm-direct + COLORTERM gives the theme's exact RGB" has_truecolour
  keys q
  wait_exit 0 >/dev/null
else
  echo "skip truecolor: no xterm-direct terminfo (apt-get install ncurses-term)"
fi
start_env "TERM=xterm" resnet50 --theme dark
wait_for 'theme dark' >/dev/null
has_8_colours() { capture_colours; ! grep -q $'\e\[[0-9;]*38;[25];' "$SCREEN" && grep -q $'\e\[[0-9;]*3[0-7]m' "$SCREEN"; }
check "8 colours: TERM=xterm gets the nearest ANSI colours" has_8_colours
keys q
wait_exit 0 >/dev/null
start_env "TERM=xterm-256color NO_COLOR=1" resnet50 --theme dark
wait_for 'theme dark' >/dev/null
check "NO_COLOR: no colours at all" no_colours
keys q
wait_exit 0 >/dev/null

# X10 mouse reports (tmux-256color's kmous): a click on a tree row, the wheel, two clicks on a picker row.
start_env "TERM=tmux-256color" resnet50
wait_for '▸ 0 +Bottleneck' >/dev/null
keys -l $'\e[M ,&\e[M#,&'
check "mouse X10: a click selects the row under it" wait_for '^│ 4/[0-9]+'
keys -l $'\e[Ma,('
check "mouse X10: the wheel scrolls the tree" wait_gone '▾ resnet50'
keys m
wait_for 'open a model' >/dev/null
# The picker's list starts on screen row 4 (0-based) with the ResNet heading: resnet18 is row 5.
keys -l $'\e[M 5&\e[M#5&'
sleep 0.3
check "mouse X10: a click on another row only chooses it (the picker stays)" wait_for 'open a model'
keys -l $'\e[M 5&\e[M#5&'
check "mouse X10: a second click on the chosen row opens it" wait_for '┌ resnet18 · 11,689,512 params'
keys q
wait_exit 0 >/dev/null

# A malformed theme file still applies, with a one-line warning naming file and line.
printf 'theme[main_fg]="#ff0000"\nnot a theme line\n' > "$WORK/broken.theme"
start 100 30 C.UTF-8 resnet50 --theme "$WORK/broken.theme" --input-size 192
check "theme file: warning names file and line" wait_for 'broken\.theme:2: expected theme\[key\]'
check "--input-size: the explorer starts at that size" wait_for 'input 1×3×192×192'
keys q
wait_exit 0 >/dev/null
check_unknown_theme() {
  local err rc
  err=$(timeout 10 "$BIN" resnet50 --theme nosuch 2>&1 > /dev/null)
  rc=$?
  [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] \
    && [[ $err == 'convscope: error: no theme named "nosuch": available themes are dark, default, light, mono'* ]] \
    || { echo "  rc=$rc [$err]"; return 1; }
}
check "unknown theme: exit 1 listing the available themes" check_unknown_theme

# --- SIGTERM and SIGINT restore the terminal too ----------------------------------------------
# signal_app SIG: sends SIG to the explorer (the child of the pane's shell).
signal_app() {
  local pane app
  pane=$(tm display-message -p -t e2e '#{pane_pid}')
  app=$(pgrep -P "$pane" -f "$BIN" | head -1)
  [ -n "$app" ] && kill "-$1" "$app"
}
start 100 30 C.UTF-8 densenet121
check "densenet121: opens on its dense layers" wait_for 'dens(elayer|…yer)1 '
signal_app TERM
check "SIGTERM: exit 143 and terminal restored" wait_exit 143
start 100 30 C.UTF-8 seresnet50
check "seresnet50: opens" wait_for '┌ seresnet50 · '
signal_app INT
check "SIGINT: exit 130 and terminal restored" wait_exit 130

# --- ASCII fallback when the locale is not UTF-8 ---------------------------------------------
start 100 30 C resnet50
check "ascii: plain frame and shapes" wait_for '^\+ resnet50 \| 25,557,032 params \| 4\.09 G MACs \| input 1x3x224x224'
check "ascii: collapsed glyph" wait_for '\+ 0 +Bottleneck'
keys q
check "ascii: quit" wait_exit 0

# --- an unknown model: one error line, exit 1, screen untouched -------------------------------
check_unknown_model() {
  local out err rc
  out=$(timeout 10 "$BIN" nosuchnet 2> "$WORK/err")
  rc=$?
  err=$(cat "$WORK/err")
  [ $rc -eq 1 ] && [ -z "$out" ] && [ "$(wc -l < "$WORK/err")" -eq 1 ] && [[ $err == "convscope: error: "* ]] \
    || { echo "  rc=$rc stdout=[$out] stderr=[$err]"; return 1; }
}
check "unknown model: one error line and exit 1" check_unknown_model
# A mistyped command lands on the default (explorer) command: the line names the models and the commands.
check_mistyped_command() {
  timeout 10 "$BIN" lis > /dev/null 2> "$WORK/err"
  [ $? -eq 1 ] && [ "$(wc -l < "$WORK/err")" -eq 1 ] \
    && grep -q "^convscope: error: unknown model 'lis' (choose from: resnet18, .*) — or a command: .*list.*summary" "$WORK/err" \
    || { echo "  stderr=[$(cat "$WORK/err")]"; return 1; }
}
check "mistyped command: names the models and the commands" check_mistyped_command

check_not_a_tty() {
  local err rc
  err=$(timeout 10 "$BIN" resnet50 < /dev/null 2>&1 > /dev/null)
  rc=$?
  [ $rc -eq 1 ] && [[ $err == "convscope: error: the explorer needs a terminal"* ]] || { echo "  rc=$rc [$err]"; return 1; }
}
check "not a terminal: one error line and exit 1" check_not_a_tty

# An unknown TERM: newterm fails, the explorer says so in one line instead of exiting inside curses.
fresh_server
tm new-session -d -s e2e -x 100 -y 30 \
  "env TERM=nosuchterm $BIN resnet50; echo \"EXIT=\$?\" > $WORK/status; sleep 600"
check "unknown TERM: one error line" wait_for '^convscope: error: cannot open the terminal: unknown terminal type TERM=nosuchterm'
check_status_1() { wait_for 'error' 5 && [ "$(cat "$WORK/status" 2>/dev/null)" = "EXIT=1" ]; }
check "unknown TERM: exit 1" check_status_1

[ -n "$FIRST_FRAME" ] && echo "start-up to first frame (resnet50, 100x30): ${FIRST_FRAME#first_frame_ms=} ms"
echo "e2e explorer: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
