#!/usr/bin/env bash
# Responsiveness of the explorer while the forward pass runs (issue 8): frames drawn on the real
# terminal (ncurses in a 160×48 tmux pane) while resnet50 runs to the end three times on the worker
# thread, at batch 1 (224×224) and batch 16 (long steps); then the same in memory for more models.
# Usage: benchmarks/live.sh [PATH/TO/convscope]      (needs tmux; every wait has a deadline)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
OUT=$(mktemp)
trap 'rm -f "$OUT"; tmux -L convscope-live-bench kill-server >/dev/null 2>&1' EXIT
for args in "resnet50" "resnet50 --batch 16"; do
  rm -f "$OUT"
  tmux -L convscope-live-bench -f /dev/null new-session -d -x 160 -y 48 \
    "env TERM=xterm-256color LANG=C.UTF-8 $BIN $args --bench-live --bench-live-report $OUT"
  for _ in $(seq 240); do [ -s "$OUT" ] && break; sleep 0.5; done
  echo "ncurses: $(cat "$OUT" 2>/dev/null || echo "no report within 120 s")"
  tmux -L convscope-live-bench kill-server >/dev/null 2>&1
done
for model in resnet50 resnet152 densenet201 resnest101e seresnet50 skresnext50_32x4d; do
  echo "memory:  $(timeout 300 "$BIN" "$model" --bench-live)"
done
