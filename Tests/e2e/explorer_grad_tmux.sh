#!/usr/bin/env bash
# End-to-end test of the backward pass in the explorer: b takes a class (Enter: top-1) and opens the gradient
# view; P then b draws the clean curve beside the plain one; with --image the root's details show the image and
# its Grad-CAM. Drives the real binary in a private tmux server (small inputs keep it quick).
# Usage: Tests/e2e/explorer_grad_tmux.sh PATH/TO/convscope
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e gradients" convscope-grad-e2e 300 15 "$@"

# --- resnet50: b Enter, the view; x while it runs; P b Enter, both curves -----------------------------
open resnet50 --input-size 64
check "resnet50: opens" seen '┌ resnet50 · '
keys b
check "b: the class prompt" seen 'backward pass: which class\?'
check "b: Enter alone is the top-1 class" seen '› top-1 of sample 0'
keys t a b b y
check "typing filters the ImageNet names" seen '› 281 tabby'
keys Escape
check "Esc: the prompt is cancelled" seen 'no backward pass: the class prompt was cancelled'
keys b Enter
check "Enter: the gradient view opens" seen 'gradients along depth \(Esc closes\)'
check "the pass finishes: L and the step curve" seen '‖∂L/∂x‖₂ per step along depth \(log scale\)' 120
check "decades on the axis" seen '1e-?[0-9]+ ┤'
check "the layer ratios" seen '‖∂L/∂W‖₂ / ‖W‖₂ per parameterised layer \(107, log scale\)'
check "the selected step's numbers" seen 'step 18/18 head · ‖∂L/∂x‖ [0-9]\.[0-9]{4}e[-+][0-9]+'
keys Up
check "↑ moves the highlighted step" seen 'step 17/18 layer4\.2 · ‖∂L/∂x‖ [0-9.e+-]+'
check "residual blocks: shortcut and branch" seen 'into the block: ‖∂L/∂·‖ shortcut [0-9.e+-]+ · branch [0-9.e+-]+'
keys Escape
check "Esc closes the view" gone 'gradients along depth'
check "node details: the block's gradients" seen '‖∂L/∂output‖₂ +[0-9]\.[0-9]{4}e'
keys P
check "P: plain mode" seen 'plain mode on'
keys b Enter
check "P b: the clean curve beside the plain one" seen '█ clean network  ● with plain' 120
keys q
check "quit: exit 0" quits

# --- --image: the root's details show the image and its Grad-CAM ------------------------------------
open resnet18 --input-size 64 --image "$(dirname "$0")/../Fixtures/images/photo_120x90.jpg"
check "resnet18 --image: opens" seen '┌ resnet18 · '
keys b Enter
check "b Enter: the pass finishes" seen 'L = Σₙ logit\[n, [0-9]+\]' 120
keys Escape g
check "root details: the image beside its Grad-CAM" seen 'input +Grad-CAM' 
check "root details: half-block pixels" seen '▀▀▀▀'
check "root details: ‖∂L/∂input‖" seen '‖∂L/∂input‖₂ +[0-9]\.[0-9]{4}e'
keys q
check "quit: exit 0" quits

echo "e2e gradients: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
