#!/usr/bin/env bash
# End-to-end test of taking things out of the explorer: `w` writes the tree as markdown and the activation
# view as CSV (their contents checked), `M` turns mouse capture off and on (the header and tmux's mouse flag
# say so), `T` shows per-node times after a run, and `W` draws a block's wiring, driving the real binary in
# a private tmux server.
# Usage: Tests/e2e/explorer_export_tmux.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e export" convscope-export-e2e 300 20 "$@"

# clear_prompt: Backspace over the prompt's default file name.
clear_prompt() { for _ in $(seq 1 60); do keys BSpace; done; }
mouse_flag() { tm display-message -p -t e2e '#{mouse_any_flag}'; }

open resnet18
check "resnet18: opens" seen '┌ resnet18 · '

# --- w: the tree as markdown -------------------------------------------------------------------
keys w
check "w: the prompt offers a file name in the working directory" seen 'write to resnet18-tree\.md'
clear_prompt
keys -l "$WORK/tree.md"
keys Enter
check "w: the written path is shown" seen "wrote $WORK/tree\\.md"
check "tree.md: a markdown table like summary's" grep -q '^| Layer | Kind | Output shape | Params | MACs | % MACs |$' "$WORK/tree.md"
check "tree.md: the root row with its params" grep -q '^| resnet18 | ResNet | 1×1000 | 11,689,512 | 1,814,073,344 | 100.00 |$' "$WORK/tree.md"
check "tree.md: a conv row by path" grep -q '^| `layer1.0.conv1` | Conv2d | 1×64×56×56 | 36,864 | 115,605,504 | 6.37 |$' "$WORK/tree.md"
check "tree.md: the totals" grep -q '^- \*\*Total params\*\*: 11,689,512$' "$WORK/tree.md"

# --- M: mouse capture off and on ---------------------------------------------------------------
check "mouse: captured at the start" test "$(mouse_flag)" = 1
keys M
check "M: the header says the mouse is off" seen '· mouse off'
check "M: the notice says the terminal selects text" seen 'mouse capture off: the terminal selects text'
check "M: tmux sees mouse reporting off" test "$(mouse_flag)" = 0
keys M
check "M again: the header mark is gone" gone '· mouse off'
check "M again: tmux sees mouse reporting on" test "$(mouse_flag)" = 1

# --- W: a block's wiring -----------------------------------------------------------------------
keys / l a y e r 2 . 0 Enter W
check "W: the wiring view of layer2.0" seen 'wiring \(W or Esc closes\)'
check "W: the downsample shortcut beside the branch" seen 'conv1 +Conv2d 3×3 s2 +1×128×28×28 │ downsample\.0 +Conv2d 1×1 s2 +1×128×28×28'
check "W: the sum joins at ⊕" seen '⊕─+┘'
keys Escape

# --- r, then T: per-node times -----------------------------------------------------------------
keys T
check "T before a run: says how to get times" seen 'T shows per-node times after a run'
keys r
check "r: runs to the end" seen '· avgpool +[0-9.]+m?s' 120
keys g T
check "T: the tree's columns are time and GFLOP/s" seen 'time +GFLOP/s'
check "T: the root has a time and a rate" seen '▾ resnet18 .* [0-9.]+m?s +[0-9]+\.[0-9]'
keys T
check "T again: params and MACs come back" seen 'params +MACs'

# --- w in the activation view: CSV of its numbers ----------------------------------------------
keys v w
check "w in the activation view: a CSV name" seen 'write to resnet18-activations\.csv'
clear_prompt
keys -l "$WORK/act.csv"
keys Enter
check "w: the CSV's path is shown" seen "wrote $WORK/act\\.csv"
check "act.csv: the header" test "$(head -n 1 "$WORK/act.csv" | tr -d '\r')" = 'step,name,mean,std,zeros,seconds'
check "act.csv: one row per step (stem, 8 blocks, head)" test "$(wc -l < "$WORK/act.csv")" -eq 11
check "act.csv: the stem's row has numbers" grep -Eq '^1,stem,[-0-9.e]+,[0-9.e-]+,[0-9.e-]+,[0-9.e-]+' "$WORK/act.csv"
check "act.csv: the head's row" grep -Eq '^10,head,' "$WORK/act.csv"
keys Escape q
check "quit: exit 0" quits

# --- the same figures from the command line ----------------------------------------------------
timeout 120 "$BIN" bench resnet18 --per-layer --input-size 64 --repeat 2 --warmup 1 --format json >"$WORK/bench.json"
check "bench --per-layer: exits 0" test $? -eq 0
check "bench --per-layer: conv1 timed with its MACs" grep -Eq '"path": ?"conv1", ?"kind": ?"Conv2d", ?"median_ms": ?[0-9.]+, ?"macs": ?9633792' "$WORK/bench.json"
check "bench --per-layer: bn1 fused into conv1" grep -Eq '"path": ?"bn1", ?"kind": ?"BatchNorm2d", ?"median_ms": ?null, ?"macs": ?0, ?"gflops": ?null, ?"fused_into": ?"conv1"' "$WORK/bench.json"
timeout 120 "$BIN" summary resnet18 --input-size 64 --format json >"$WORK/summary.json"
check "summary json: input_bytes" grep -q '"input_bytes": 49152,' "$WORK/summary.json"
check "summary json: a measured activation peak" grep -Eq '"activation_peak_bytes": [1-9][0-9]+,' "$WORK/summary.json"
check "summary json: a measured backward figure" grep -Eq '"backward_bytes": [1-9][0-9]+,' "$WORK/summary.json"
"$BIN" summary resnet18 --input-size 64 --format json --no-measure >"$WORK/static.json"
check "summary --no-measure: the measured figures are null" grep -q '"activation_peak_bytes": null,' "$WORK/static.json"

echo "e2e export: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
