#!/usr/bin/env bash
# End-to-end test of live forward passes in the explorer: steps blocks, runs to the end, cancels,
# opens the activation and attention views, driving the real binary in a private tmux server and
# asserting on the captured screen text.
# Usage: Tests/e2e/explorer_run_tmux.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
# Every wait has a deadline and the whole script a time limit, so it never hangs.
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e live runs" convscope-run-e2e 420 15 "$@"


# --- seresnet50: step, run to the selected block, run to the end, views ----------------------
open seresnet50
check "seresnet50: opens" seen '┌ seresnet50 · '
keys s
check "s: the stem runs and the header names the source" seen 'seeded weights \(seed 0\) · synthetic input'
check "s: the stem's wall time shows in the tree" seen '· conv1 +[0-9.]+m?s'
keys s s
check "s s: pressed during a step, the second s extends the run (layer1.1 has a time)" seen '▸ 1 +[0-9.]+m?s +Bottleneck'
keys j
check "details: statistics of the selected node's output" seen 'min +-?[0-9.]+(e-?[0-9]+)? +max'
check "details: the histogram" seen 'histogram \(64 bins, log counts\)'
keys / l a y e r 2 . 0 Enter .
check ".: runs up to the selected block (layer2.0 gets a time)" seen '▸ 0 +[0-9.]+m?s +Bottleneck' 60
check "details: residual norms of the block" seen 'shortcut +[0-9.e-]+ +branch'
keys r
check "r: runs to the end (the head gets a time)" seen '[·▸] global_pool +[0-9.]+m?s' 120
keys g
check "root: top-5 classes after the run" seen 'top-5 classes'
keys v
check "v: the activation view" seen 'activations per step \(v or Esc closes\)'
check "v: all 18 steps ran" seen '18/18 steps run'
check "v: mean, std and zeros charts" seen '^.{0,40}zeros +[0-9.]+ % … [0-9.]+ %'
keys Up
check "v: ↑ moves the highlighted step" seen 'selected layer4\.2'
keys Escape a
check "a: the attention view lists the SE blocks" seen '16 attention blocks, 16 run'
check "a: SE gates with mean and spread" seen 'layer1\.0\.se +· SE gates · 256 ch'
check "a: mean and spread line" seen 'mean [0-9.]+ +spread ±[0-9.]+'
keys Escape x
check "x: resets the run" seen 'run reset: back to the input'
check "x: step times are gone" gone 'global_pool +[0-9.]+m?s'
keys q
check "quit: exit 0" quits

# --- skresnext50_32x4d: run, cancel, run again, SK branch shares -----------------------------
open skresnext50_32x4d
check "skresnext50_32x4d: opens" seen '┌ skresnext50_32x4d · '
keys a
check "a before a run: says none has run" seen 'None has run yet'
keys Escape r
check "r: the status bar shows progress" seen 'step [0-9]+/18 .* x cancels' 30
keys x
check "x during the run: cancelled, nothing kept" seen 'run reset: back to the input'
keys r
check "r again: runs to the end (the head gets a time)" seen '[·▸] global_pool +[0-9.]+m?s' 120
keys a
check "a: SK blocks with their branch shares" seen 'layer1\.0\.conv2 +· SK branch softmax · 2×128'
check "a: shares of the 3×3 and the dilated 3×3 branch" seen 'branch share 3×3 [0-9.]+ · 3×3 d2 [0-9.]+'
check "a: per-channel selection legend" seen 'per channel: low = 3×3, high = 3×3 d2'
keys Escape
keys v
check "v: activation view on the SK net" seen '18/18 steps run'
keys q
check "quit: exit 0" quits

# --- resnet18: no attention blocks -------------------------------------------------------------
open resnet18
check "resnet18: opens" seen '┌ resnet18 · '
keys a
check "a: a model without attention says so in one line" seen 'resnet18 has no attention blocks \(SE, SK or split attention\)\.'
keys q
check "quit: exit 0" quits

# --- --weights and --input: the header names the files; a run on a file input shows the top class --
# npy WIDTH FILE [HEIGHT]: a 1×3×HEIGHT×WIDTH (HEIGHT defaults to WIDTH) float32 array of zeros in NumPy's
# format (v1.0; magic, version and header length take 10 bytes, the header is padded with spaces to a
# multiple of 64 and ends in \n).
npy() {
  local header="{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, ${3:-$1}, $1), }"
  local total=$(( (10 + ${#header} + 1 + 63) / 64 * 64 ))
  local length=$((total - 10))
  { printf '\x93NUMPY\x01\x00'
    printf "\\x$(printf %02x $((length % 256)))\\x$(printf %02x $((length / 256)))"
    printf '%s%*s\n' "$header" $((length - ${#header} - 1)) ""
    head -c $((12 * $1 * ${3:-$1})) /dev/zero; } > "$2"
}
npy 32 "$WORK/zeros.npy"
timeout 60 "$BIN" export-weights senet18 "$WORK/senet18.safetensors" --seed 3 >/dev/null
open senet18 --weights "$WORK/senet18.safetensors" --input "$WORK/zeros.npy"
check "files: the header names the weights and the input" seen 'weights senet18\.safetensors · input zeros\.npy'
keys r
check "files: after the run the header shows the top classes" seen 'top-5 [a-z]+ [0-9.]+ %, ' 60
keys q
check "quit: exit 0" quits
IMAGE=$(realpath "$(dirname "$0")/../Fixtures/images/grey_57x81.jpg")
open resnet18 --image "$IMAGE" --input-size 64
check "image: the header names it" seen 'seeded weights \(seed 0\) · input grey_57x81\.jpg'
keys r
check "image: after the run the header shows the top classes by name" seen 'top-5 [a-zA-Z].* [0-9.]+ %' 60
keys q
check "quit: exit 0" quits
check_bad_image() {
  local err rc
  err=$(timeout 30 "$BIN" resnet18 --image "$WORK/zeros.npy" 2>&1 < /dev/null)
  rc=$?
  [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == "convscope: error: "* ]] \
    || { echo "  rc=$rc [$err]"; return 1; }
}
check "image: not an image: one error line, exit 1, before the screen opens" check_bad_image
check_bad_weights() {
  local err rc
  err=$(timeout 30 "$BIN" resnet18 --weights "$WORK/senet18.safetensors" 2>&1 < /dev/null)
  rc=$?
  [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == "convscope: error: "* ]] \
    || { echo "  rc=$rc [$err]"; return 1; }
}
check "files: weights of another model: one error line, exit 1, before the screen opens" check_bad_weights

check_non_square_input() {
  local err rc
  npy 48 "$WORK/wide.npy" 64
  err=$(timeout 30 "$BIN" resnet18 --input "$WORK/wide.npy" 2>&1 < /dev/null)
  rc=$?
  [ $rc -eq 1 ] && [[ $err == "convscope: error: --input $WORK/wide.npy is 64×48: the explorer takes square inputs"* ]] \
    || { echo "  rc=$rc [$err]"; return 1; }
}
check "files: a non-square --input: one error line, exit 1 (it was silently replaced by the synthetic input)" \
  check_non_square_input

# --- an input too large for memory is refused (the allocation aborted the process) ------------
open resnet50
seen '┌ resnet50 · ' >/dev/null
keys i
keys -l '4096 1024'
keys Enter
check "huge input: i accepts 1024×3×4096×4096 for the static figures" seen 'input 1024×3×4096×4096'
keys r
check "huge input: r is refused with the memory it needs" seen 'needs about 4398\.0 GB of memory'
# One batch of keys: the r after Enter was dropped with the old input's run state.
keys i 6 4 Space 1 Enter r
check "i 64 1 then r in one batch: the run goes at the new size (the head gets a time)" seen '· avgpool +[0-9.]+m?s' 60
keys q
check "huge input: quit: exit 0 (no abort)" quits

# --- quitting while a step runs: the worker stops first (the exit could crash with status 139) --
for model in densenet201 resnet152; do
  open $model
  seen "┌ $model · " >/dev/null
  keys r
  sleep 0.3
  keys q
  check "$model: q right after r: exit 0" quits
done

echo "e2e live runs: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
