#!/usr/bin/env bash
# End-to-end test of interventions in the explorer: d marks a block and the header compares with the clean
# pass, L runs the lesion view to its table, P changes the top-5, u shows DenseNet's reuse maps, d on an SE
# and an SK node. Drives the real binary in a private tmux server and asserts on the captured screen text.
# Usage: Tests/e2e/explorer_ablate_tmux.sh PATH/TO/convscope
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e interventions" convscope-ablate-e2e 600 15 "$@"

# top5: the root's top-5 lines in the details pane (the classes with their probabilities).
top5() { capture; grep -Eo '[0-9.]+ %  [^│]*\([0-9]+\)' "$SCREEN"; }

# --- resnet50: d on layer3.2, r, the comparison; L; P then r ------------------------------------
open resnet50
check "resnet50: opens" seen '┌ resnet50 · '
keys / l a y e r 3 . 2 Enter
keys d
check "d: the tree marks layer3.2 (branch off)" seen '▸ 2 ✗ branch'
check "d: the header counts one intervention" seen '┌ resnet50 · ✗ 1 intervention · '
keys r
check "r: the header compares with the clean pass" seen 'vs clean: KL [0-9.e-]+, top-1 (same|changed)' 180
keys g
check "root: this pass's top-5 beside the clean pass's" seen 'with interventions vs the clean pass'
check "root: KL and top-1" seen 'KL\(clean ‖ now\) [0-9.e-]+ +top-1 (same|changed)'
keys L
check "L: the lesion view opens" seen 'lesion study \(L or Esc closes\)'
check "L: the study runs to its table" seen '# intervention +KL +top-1' 300
check "L: KL along depth on a log scale" seen 'KL\(p_clean ‖ p\) along depth, log scale'
keys Enter
check "Enter: selects the table's first block in the tree" seen 'selected layer[0-9]\.[0-9]+'
keys g
before=$(top5)
keys P
check "P: plain mode in the header" seen '✗ 1 intervention \+ plain'
keys r
check "P r: reruns and compares again" seen 'vs clean: KL [0-9.e-]+, top-1' 180
sleep 0.5
after=$(top5)
check "P r: the top-5 changed" test -n "$after" -a "$before" != "$after"
keys q
check "quit: exit 0" quits

# --- densenet121: u shows one heat map per dense block -------------------------------------------
open densenet121
check "densenet121: opens" seen '┌ densenet121 · '
keys u
check "u: the reuse view opens" seen 'feature reuse \(u or Esc closes\)' 60
check "u: four heat maps" seen 'block1 7x7 +block2 13x13 +block3 25x25 +block4 17x17'
check "u: a legend of swatches" seen 'legend █ ≤20 %'
check "u: the value under the cursor" seen 'cursor features\.denseblock1\.denselayer1\.conv1 ← input: mean \|w\|'
keys Tab Down
check "Tab ↓: the cursor moves into block 2" seen 'cursor features\.denseblock2\.denselayer2\.conv1 ← input'
keys Escape q
check "quit: exit 0" quits

# --- seresnet50's SE node and skresnext50_32x4d's SK node ---------------------------------------
open seresnet50
check "seresnet50: opens" seen '┌ seresnet50 · '
keys / l a y e r 1 . 0 . s e Enter
keys d
check "d on an SE node: gates 1" seen '[▸·] se ✗ gates'
check "d on an SE node: the header counts it" seen '✗ 1 intervention'
keys d
check "d again: none" gone '✗ 1 intervention'
keys q
check "quit: exit 0" quits

open skresnext50_32x4d
check "skresnext50_32x4d: opens" seen '┌ skresnext50_32x4d · '
keys / l a y e r 1 . 0 . c o n v 2 Enter
keys d
check "d on an SK node: uniform weights" seen 'conv2 ✗ uniform'
keys d
check "d again: branch 0 only" seen 'conv2 ✗ branch=0'
keys r
check "r: the pass compares with the clean one" seen 'vs clean: KL [0-9.e-]+, top-1' 180
keys D
check "D: every intervention cleared" seen '1 intervention cleared'
keys q
check "quit: exit 0" quits

echo "e2e interventions: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
