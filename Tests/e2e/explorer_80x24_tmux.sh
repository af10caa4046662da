#!/usr/bin/env bash
# End-to-end test of the explorer on a laptop-sized 80×24 terminal (issue #17): the tree keeps params and
# MACs, the details pane of a block after a run shows min, max, mean and std without scrolling, search
# opens the tree, notices read in full with !, and the Ctrl-C key exits 130 with the terminal restored.
# Usage: Tests/e2e/explorer_80x24_tmux.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
# Every wait has a deadline and the whole script a time limit, so it never hangs.
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e explorer 80x24" convscope-80x24-e2e 300 15 "$@"

# start ARGS...: a fresh 80×24 session running the explorer.
start() { open_in 80 24 C.UTF-8 "$@"; }
wait_exit() { terminal_restored "$@"; }

# details_has LABEL...: each label starts a row of the details pane (right of the divider), with a number.
details_has() {
  capture
  local label
  for label in "$@"; do
    grep -Eq -- "│ +$label +-?[0-9.]+(e-?[0-9]+)? *│" "$SCREEN" || { echo "  no '$label' row"; return 1; }
  done
}

start resnet50
check "80x24: header of resnet50" seen '┌ resnet50 · 25,557,032 params'
check "80x24: the tree has params and MACs columns" seen '│ name +kind +params +MACs │'
check "80x24: a block row shows its params and MACs" seen '▸ 0 +Bottleneck +[0-9,]+ +[0-9.]+ [MG] │'
keys r
check "r: the pass runs to the end (top-5 classes in the root's details)" seen 'top-5 classes' 180
keys / l a y e r 3 . 5 Enter
check "/layer3.5 Enter: selects the block" seen '│ layer3\.5 +│'
check "layer3.5 after the run: min, max, mean and std without scrolling" details_has min max mean std
check "layer3.5: the residual rows keep branch" details_has shortcut branch
check "layer3.5: the histogram title is whole" seen 'histogram \(64 bins, log' 2
keys '!'
check "!: the last notices in a box" seen 'last notices \(! or Esc closes\)'
check "!: the search notice, whole" seen 'match 1 of [0-9]+ for "layer3\.5" \(n next, N previous\)'
keys Escape / z z z Enter n
check "n after a search without match: says so" seen 'no match for "zzz"'
keys / b n 3 Enter
check "search: the tree opens to the deep matches" seen '· bn3 +BatchNorm2d'
keys C-c
check "quit with the Ctrl-C key: exit 130 (as SIGINT) and terminal restored" wait_exit 130

# --- attention view at 80×24: legend with swatches, a channel axis, the ←→ cursor --------------
start resnest14d --input-size 64
check "resnest14d: opens" seen '┌ resnest14d · '
keys r
check "r: runs to the end" seen 'top-5 classes' 120
keys a
check "a: the legend has coloured swatches with their values" seen 'colours ██ 0-\.2  ██ \.2-\.4'
check "a: strips have a channel axis" seen 'ch 0 +16 +32 +48'
check "a: the cursor reads out channel 0 of each split" seen '▲ c0 split 1 [0-9.]+ · split 2 [0-9.]+'
keys Right Right
check "a: → moves the cursor (channel 2)" seen '▲ c2 split 1 [0-9.]+ · split 2 [0-9.]+'
keys q
check "quit: exit 0 and terminal restored" wait_exit 0

echo "e2e explorer 80x24: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
