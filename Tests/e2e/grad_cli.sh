#!/usr/bin/env bash
# End-to-end: `convscope grad` (tables, JSON, gradient dumps) and `convscope cam` (JSON, PNG), and their refusals.
# Usage: Tests/e2e/grad_cli.sh PATH/TO/convscope
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"
IMAGES="$(cd "$(dirname "$0")/../Fixtures/images" && pwd)"

timeout 120 "$BIN" grad resnet18 --input-size 32 --batch 2 --class 3 >"$WORK/grad.txt"
check "grad runs" test $? -eq 0
check "grad table: steps" grep -q '^layer4.1 ' "$WORK/grad.txt"
check "grad table: nodes" grep -q '^layer1.0.conv1 ' "$WORK/grad.txt"
check "grad table: residuals" grep -q '^residual block' "$WORK/grad.txt"
check "grad table: objective" grep -q 'objective class 3' "$WORK/grad.txt"

timeout 120 "$BIN" grad resnet18 --input-size 32 --label 7 --format json --dump-grads "$WORK/g.safetensors" \
  --dump-input-grad "$WORK/dx.npy" >"$WORK/grad.json"
check "grad json runs" test $? -eq 0
check "grad json: objective" grep -q '"objective": "cross-entropy, label 7"' "$WORK/grad.json"
check "grad json: residuals" grep -q '"path": "layer4.1", "shortcut": ' "$WORK/grad.json"
check "input gradient written" test "$(stat -c %s "$WORK/dx.npy")" -eq $((128 + 3 * 32 * 32 * 4))
check "parameter gradients keyed by state-dict key" grep -aq '"layer4.1.bn2.bias":{"dtype":"F32"' "$WORK/g.safetensors"
check "no buffers in the dump" bash -c "! grep -aq running_mean '$WORK/g.safetensors'"

timeout 120 "$BIN" grad seresnet50 --input-size 32 --ablate layer1.0.se --plain --format json >"$WORK/ab.json"
check "grad with interventions" test $? -eq 0

timeout 120 "$BIN" cam resnet18 --image "$IMAGES/photo_300x230.jpg" --output "$WORK/cam.png" >"$WORK/cam.txt"
check "cam writes a PNG" bash -c "file '$WORK/cam.png' | grep -q 'PNG image data, 224 x 224'"
check "cam table" grep -q 'Grad-CAM of class' "$WORK/cam.txt"
timeout 120 "$BIN" cam densenet121 --image "$IMAGES/photo_300x230.jpg" --layer features.denseblock4 --class 1 \
  --format json --output "$WORK/cam2.png" >"$WORK/cam.json"
check "cam json keys" grep -q '^{"class":1,"layer":"features.denseblock4","alpha":\[' "$WORK/cam.json"
check "cam json map" grep -q '"cam":\[\[' "$WORK/cam.json"

expect_error "grad: class out of range" "--class 1000 is out of range: the model has 1000 classes" \
  grad resnet18 --input-size 32 --class 1000
expect_error "grad: class and label" "--class and --label exclude each other" grad resnet18 --class 1 --label 2
expect_error "grad: bad dump path" "--dump-grads /nonexistent/g.safetensors: directory /nonexistent does not exist" \
  grad resnet18 --input-size 32 --dump-grads /nonexistent/g.safetensors
expect_error "cam: needs an image" "cam needs --image F" cam resnet18
expect_error "cam: unknown layer" "--layer: resnet18 has no node 'layer9'" \
  cam resnet18 --image "$IMAGES/photo_300x230.jpg" --layer layer9 --output "$WORK/x.png"

echo "grad_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
