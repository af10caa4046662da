#!/usr/bin/env bash
# Explorer benchmark: frame render time of a fully expanded tree, and start-up to the first frame
# (process start → first frame on screen, measured by the binary itself inside a tmux pane).
# Usage: benchmarks/explorer.sh [PATH/TO/convscope]    (default .build/release/convscope)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
SOCKET="convscope-bench-$$"
WORK=$(mktemp -d)
trap 'timeout 10 tmux -L "$SOCKET" -f /dev/null kill-server >/dev/null 2>&1; rm -rf "$WORK"' EXIT

for model in resnet152 densenet201; do
  timeout 60 "$BIN" "$model" --bench-render | grep '^render'
done

for model in resnet50 resnet152 densenet201 resnest101e; do
  for run in 1 2 3; do
    rm -f "$WORK/first"
    timeout 10 tmux -L "$SOCKET" -f /dev/null new-session -d -s b -x 160 -y 48 \
      "env TERM=xterm-256color LANG=C.UTF-8 $BIN $model --first-frame-report $WORK/first"
    deadline=$((SECONDS + 10))
    while [ ! -s "$WORK/first" ] && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    timeout 10 tmux -L "$SOCKET" -f /dev/null send-keys -t b q
    sleep 0.2
    timeout 10 tmux -L "$SOCKET" -f /dev/null kill-server >/dev/null 2>&1
    echo "start-up $model run $run: $(sed 's/first_frame_ms=//' "$WORK/first" 2>/dev/null) ms to the first frame"
  done
done
