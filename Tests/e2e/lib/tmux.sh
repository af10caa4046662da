# Shared harness of the tmux end-to-end scripts: the binary runs in a private tmux server (a new socket per
# session) and the checks poll the captured screen text. Every wait has a deadline and the whole script a
# time limit, so it never hangs.
# Usage, first thing in the script:
#   source "$(dirname "$0")/lib/tmux.sh"
#   tmux_harness NAME SOCKET_PREFIX LIMIT_SECONDS WAIT_SECONDS "$@"
# NAME prefixes the harness's own messages; WAIT_SECONDS is the default deadline of seen and gone.
# Provides BIN, WORK (removed on exit), SCREEN, PASS/FAIL and tm, fresh_server, capture, seen, gone,
# exit_status_is, check, keys, open_in (a session of any size and locale), open (a 160×48 one: open MODEL
# ARGS...), quits and terminal_restored. Sessions are named e2e.

tmux_harness() {
  E2E_NAME=$1 E2E_SOCKET=$2
  local limit=$3
  E2E_WAIT=$4
  shift 4
  # Re-run the whole script under the limit, whatever happens (cleanup still runs on TERM).
  if [ -z "${CONVSCOPE_E2E_LIMITED:-}" ]; then
    CONVSCOPE_E2E_LIMITED=1 exec timeout -k 10 "$limit" bash "$0" "$@"
  fi
  BIN=$(realpath "${1:-.build/release/convscope}")
  SOCKET="$E2E_SOCKET-$$"
  WORK=$(mktemp -d)
  PASS=0
  FAIL=0
  SCREEN="$WORK/screen"
  SESSIONS=0
  trap tmux_cleanup EXIT
  trap 'echo "$E2E_NAME: interrupted or over its time limit"; exit 1' INT TERM HUP
  if ! command -v tmux >/dev/null; then echo "$E2E_NAME: tmux is not installed"; exit 1; fi
  if [ ! -x "$BIN" ]; then echo "$E2E_NAME: no binary at $BIN"; exit 1; fi
}

tm() { timeout 10 tmux -L "$SOCKET" -f /dev/null "$@"; }

tmux_cleanup() {
  tm kill-server >/dev/null 2>&1
  rm -rf "$WORK"
}

# fresh_server: ends the previous server and moves to a new socket, so a new session never races
# with a server that is still shutting down. Also clears the exit status of the previous session.
fresh_server() {
  tm kill-server >/dev/null 2>&1
  SESSIONS=$((SESSIONS + 1))
  SOCKET="$E2E_SOCKET-$$-$SESSIONS"
  rm -f "$WORK/status"
}

capture() { tm capture-pane -p -t e2e > "$SCREEN" 2>/dev/null; }

# seen REGEX [SECONDS]: polls the screen until REGEX shows or the deadline passes.
seen() {
  local deadline=$((SECONDS + ${2:-$E2E_WAIT}))
  while [ $SECONDS -lt $deadline ]; do
    capture
    grep -Eq -- "$1" "$SCREEN" && return 0
    sleep 0.1
  done
  return 1
}

# gone REGEX [SECONDS]: polls until REGEX is no longer on screen.
gone() {
  local deadline=$((SECONDS + ${2:-$E2E_WAIT}))
  while [ $SECONDS -lt $deadline ]; do
    capture
    grep -Eq -- "$1" "$SCREEN" || return 0
    sleep 0.1
  done
  return 1
}

# exit_status_is STATUS: within 10 s the session wrote EXIT=STATUS to $WORK/status.
exit_status_is() {
  local deadline=$((SECONDS + 10))
  while [ $SECONDS -lt $deadline ] && [ ! -s "$WORK/status" ]; do sleep 0.1; done
  [ "$(cat "$WORK/status" 2>/dev/null)" = "EXIT=$1" ]
}

# check NAME COMMAND...: counts and prints the result; a failure also dumps the screen.
check() {
  local what=$1
  shift
  if "$@"; then
    PASS=$((PASS + 1))
    echo "ok   $what"
  else
    FAIL=$((FAIL + 1))
    echo "FAIL $what"
    capture
    sed 's/^/     | /' "$SCREEN"
  fi
}

keys() { tm send-keys -t e2e "$@"; }

# open_in WIDTH HEIGHT LOCALE ARGS...: a fresh WIDTH×HEIGHT session running the explorer in LOCALE; its exit status
# goes to $WORK/status, then the pane's shell prints AFTER-EXIT (what terminal_restored waits for).
open_in() {
  local width=$1 height=$2 locale=$3
  shift 3
  fresh_server
  tm new-session -d -s e2e -x "$width" -y "$height" \
    "env TERM=xterm-256color LANG=$locale LC_ALL=$locale NCURSES_NO_UTF8_ACS=1 $BIN $*; echo \"EXIT=\$?\" > $WORK/status; echo AFTER-EXIT; sleep 600"
}

# open MODEL ARGS...: a fresh 160×48 UTF-8 session running the explorer.
open() { open_in 160 48 C.UTF-8 "$@"; }
quits() { exit_status_is 0; }

# terminal_restored STATUS: the explorer exited with STATUS, the shell after it ran, and the terminal's modes
# (alternate screen, cursor, mouse reporting, keypad) are back to normal.
terminal_restored() {
  exit_status_is "$1" || { echo "  status: $(cat "$WORK/status" 2>/dev/null)"; return 1; }
  seen 'AFTER-EXIT' 5 || return 1
  local flags
  flags=$(tm display-message -p -t e2e '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}')
  [ "$flags" = "0 1 0 0" ] || { echo "  terminal flags (alternate cursor mouse keypad): $flags"; return 1; }
}
