#!/usr/bin/env bash
# Explorer monkey test under a real terminal (tmux): seeded random keys, mouse reports (SGR and X10) and resizes
# from 1×1 to 300×100 on several models, while runs start (r, s) and are cancelled (x, another model, a resize).
# After every batch the process must be alive; every few batches it must answer (back at 100×30, Esc closes what
# is open and the frame is redrawn within 10 s); at the end q exits 0 with the terminal restored.
# Usage: Tests/e2e/monkey_tmux.sh PATH/TO/convscope [EVENTS=1000] [SEED=18]
# (make test runs 1,000 events through run_all.sh; make soak runs 10,000.)
set -u
source "$(dirname "$0")/lib/tmux.sh"
EVENTS=${2:-1000}
SEED=${3:-18}
tmux_harness "e2e monkey" convscope-monkey $((300 + EVENTS / 4)) 10 "$@"

MODELS=("sknet_cifar" "resnet18 --input-size 64" "densenet121 --input-size 32" "resnest14d --input-size 32")
# Keys of the binding table and a few a user hits by accident; q and Ctrl-C are left out (they end the session).
KEYS=(j k h l g G n N / ? r r s s x x v a m c i t d D P L u e E b w M T W 0 1 5 9 " " Enter Escape Escape Tab BTab
  BSpace DC Up Down Left Right PageUp PageDown Home End)
RANDOM=$SEED

start() {
  fresh_server
  tm new-session -d -s e2e -x 100 -y 30 -c "$WORK" \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $BIN $*; echo \"EXIT=\$?\" > $WORK/status; echo AFTER-EXIT; sleep 600"
  tm set-option -t e2e window-size manual >/dev/null 2>&1
}
chr() { local n=$1; [ "$n" -eq 113 ] && n=114; printf "\\x$(printf %02x "$n")"; }
app_alive() {
  local pane
  pane=$(tm display-message -p -t e2e '#{pane_pid}') && pgrep -P "$pane" -f "$BIN" >/dev/null
}
# answers: at 100×30 with every prompt and overlay closed, the frame (its top-left corner) is drawn again.
answers() {
  tm resize-window -t e2e -x 100 -y 30 >/dev/null
  keys Escape Escape Escape
  local deadline=$((SECONDS + 10))
  while [ $SECONDS -lt $deadline ]; do
    capture
    head -n 1 "$SCREEN" | grep -q '^┌' && return 0
    sleep 0.2
  done
  return 1
}
restored() {
  exit_status_is 0 || { echo "  status: $(cat "$WORK/status" 2>/dev/null)"; return 1; }
  seen 'AFTER-EXIT' 5 || return 1
  local flags
  flags=$(tm display-message -p -t e2e '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}')
  [ "$flags" = "0 1 0 0" ] || { echo "  terminal flags (alternate cursor mouse keypad): $flags"; return 1; }
}

per_model=$((EVENTS / ${#MODELS[@]}))
sent=0
width=100 height=30
for model in "${MODELS[@]}"; do
  start "$model"
  check "monkey $model: opens" seen '^┌' 20
  done_here=0 batch=0 alive=1
  while [ $done_here -lt "$per_model" ] && [ $alive -eq 1 ]; do
    batch=$((batch + 1))
    for _ in $(seq 1 20); do
      roll=$((RANDOM % 100))
      if [ $roll -lt 70 ]; then
        key=${KEYS[RANDOM % ${#KEYS[@]}]}
        echo "key $key" >>"$WORK/events"
        keys "$key"
      elif [ $roll -lt 80 ]; then
        event=$(printf '\e[<%d;%d;%dM' $(((RANDOM % 3 == 0) ? 64 + RANDOM % 2 : 0)) $((1 + RANDOM % (width + 2))) \
          $((1 + RANDOM % (height + 2))))
        echo "sgr-mouse ${event:1}" >>"$WORK/events"
        keys -l "$event"
      elif [ $roll -lt 84 ]; then
        # X10: ESC [ M, then button, column and row, each + 32 as one byte. Under xterm-256color's terminfo (SGR
        # mouse) these arrive as Esc and stray characters, so the bytes skip q, which would end the session.
        event="$(printf '\e[M')$(chr $((32 + RANDOM % 4)))$(chr $((33 + RANDOM % 90)))$(chr $((33 + RANDOM % 60)))"
        echo "x10-mouse ${event:1}" >>"$WORK/events"
        keys -l "$event"
      elif [ $roll -lt 92 ]; then
        event=$(printf '%s' "abc 12x/.*[" | cut -c$((1 + RANDOM % 11)))
        echo "text '$event'" >>"$WORK/events"
        keys -l "$event"
      else
        case $((RANDOM % 4)) in
          0) width=1 height=1 ;;
          1) width=300 height=100 ;;
          *) width=$((1 + RANDOM % 300)) height=$((1 + RANDOM % 100)) ;;
        esac
        echo "resize $width×$height" >>"$WORK/events"
        tm resize-window -t e2e -x $width -y $height >/dev/null
      fi
      done_here=$((done_here + 1))
    done
    if ! app_alive; then
      alive=0
      sleep 0.5
      echo "  $model: the explorer ended ($(cat "$WORK/status" 2>/dev/null)) by event $((sent + done_here)); last events:"
      tail -n 25 "$WORK/events" | tr '\n' ' ' | sed 's/^/    /'
      echo
      break
    fi
    if [ $((batch % 10)) -eq 0 ]; then
      answers || { echo "  $model: no frame 10 s after event $((sent + done_here))"; alive=0; }
      width=100 height=30
    fi
  done
  sent=$((sent + done_here))
  [ $alive -eq 1 ] && ! answers && { echo "  $model: no frame 10 s after the last event"; alive=0; }
  check "monkey $model: alive and answering after $done_here events" test $alive -eq 1
  keys q
  check "monkey $model: q exits 0, terminal restored" restored
done
echo "monkey: $sent events (seed $SEED)"
echo "monkey_tmux: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
