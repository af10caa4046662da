#!/usr/bin/env bash
# End-to-end test of `convscope run` and `convscope export-weights`: seeded weights = exported weights,
# .npy input/output, JSON schema, statistics, attention, dumps, one-line errors and exit codes.
# Usage: Tests/e2e/run_cli.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"

# npy_zeros FILE N C H W: a float32 .npy of zeros, written by hand (no Python in CI).
npy_zeros() {
  local header="{'descr': '<f4', 'fortran_order': False, 'shape': ($2, $3, $4, $5), }"
  while [ $(( (10 + ${#header} + 1) % 64 )) -ne 0 ]; do header="$header "; done
  { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(( (${#header} + 1) % 256 )))\\x$(printf %02x $(( (${#header} + 1) / 256 )))";
    printf '%s\n' "$header"; head -c $(( $2 * $3 * $4 * $5 * 4 )) /dev/zero; } >"$1"
}

# export-weights writes exactly the weights run --seed uses.
timeout 60 "$BIN" export-weights resnet18 "$WORK/r18.safetensors" --seed 3 >"$WORK/out"
check "export exits 0" test $? -eq 0
check "export reports tensors" grep -q "122 tensors" "$WORK/out"
timeout 60 "$BIN" run resnet18 --seed 3 --input-size 64 --batch 2 --output "$WORK/a.npy" >"$WORK/table"
check "run --seed exits 0" test $? -eq 0
timeout 60 "$BIN" run resnet18 --weights "$WORK/r18.safetensors" --input-size 64 --batch 2 --output "$WORK/b.npy" >/dev/null
check "run --weights exits 0" test $? -eq 0
check "seeded and exported weights give the same logits" cmp -s "$WORK/a.npy" "$WORK/b.npy"
check "logits are 2×1000" test "$(stat -c %s "$WORK/a.npy")" -eq $((128 + 2 * 1000 * 4))
check "table lists 10 steps" test "$(grep -cE '^(stem|layer[1-4]\.[01]|head) ' "$WORK/table")" -eq 10
check "table prints the forward time" grep -q "^forward pass: [0-9.]* ms (10 steps)" "$WORK/table"
check "table prints top-5" grep -q "^top-5 of sample 1: " "$WORK/table"

# .npy input: batch and size come from the array.
npy_zeros "$WORK/x.npy" 2 3 32 32
timeout 60 "$BIN" run densenet_bc_100 --input "$WORK/x.npy" --format json --stats >"$WORK/run.json"
check "run --input exits 0" test $? -eq 0
check "json input shape" grep -q '"input_shape":\[2,3,32,32\]' "$WORK/run.json"
check "json step entry" grep -q '{"path":"features.denseblock1.denselayer1","ms":[0-9.e-]*,"output_shape":\[2,36,32,32\],"stats":{"min":' "$WORK/run.json"
check "json 52 steps" test "$(grep -o "\"path\":" "$WORK/run.json" | wc -l)" -eq 52
check "json histogram" grep -q '"histogram":\[' "$WORK/run.json"
check "json output shape" grep -q '"output_shape":\[2,10\],"top":\[\[{"class":' "$WORK/run.json"

# Attention: every SE gate, with the summary.
timeout 60 "$BIN" run skresnet18 --input-size 32 --attention --format json >"$WORK/att.json"
check "attention json" grep -q '"attention":\[{"path":"layer1.0.conv1","kind":"sk","shape":\[1,2,64\],"weights":\[' "$WORK/att.json"
check "attention summary" grep -q '"summary":{"branch_share":\[' "$WORK/att.json"
timeout 60 "$BIN" run senet18 --attention >"$WORK/att.txt"
check "attention table" grep -qE '^  layer1\.0 +se +1×64 +gate mean 0\.[0-9]{3} min' "$WORK/att.txt"

# Dumps, named by module path.
timeout 60 "$BIN" run resnet18 --input-size 32 --dump layer2.0.conv1 --dump-dir "$WORK/d1" >/dev/null
check "dump one node" test -s "$WORK/d1/layer2.0.conv1.npy"
check "dump only that node" test "$(ls "$WORK/d1" | wc -l)" -eq 1
timeout 60 "$BIN" run resnet18 --input-size 32 --dump all --dump-dir "$WORK/d2" >/dev/null
check "dump all" test "$(ls "$WORK/d2" | wc -l)" -ge 60
check "dump all has the fc" test -s "$WORK/d2/fc.npy"
check "dump all has a stage" test -s "$WORK/d2/layer2.npy"
check "dump all has the model output" cmp -s <(tail -c 4000 "$WORK/d2/model.npy") <(tail -c 4000 "$WORK/d2/fc.npy")

# Errors: one line, exit 1.
expect_error "unknown model" "unknown model 'resnet19'" run resnet19
expect_error "missing weights" "No such file" run resnet18 --weights "$WORK/none.safetensors"
printf 'garbage!' >"$WORK/bad.safetensors"
expect_error "corrupt weights" "safetensors header length" run resnet18 --weights "$WORK/bad.safetensors"
timeout 60 "$BIN" export-weights resnet34 "$WORK/r34.safetensors" >/dev/null
expect_error "wrong model's weights" "weights do not fit resnet18: .* unexpected: layer1.2.conv1.weight \[64, 64, 3, 3\]" \
  run resnet18 --weights "$WORK/r34.safetensors"
npy_zeros "$WORK/x1.npy" 1 1 32 32
expect_error "input channels" "must be N×3×H×W" run resnet18 --input "$WORK/x1.npy"
expect_error "dump without dir" "--dump needs --dump-dir" run resnet18 --dump all
expect_error "dump unknown node" "no node 'layer9'" run resnet18 --dump layer9 --dump-dir "$WORK/d3"
expect_error "too small input" "input too small: features.transition2.pool (AvgPool2d) gets 1×256×1×1" run densenet121 --input-size 8
expect_error "export into missing dir" "$WORK/nodir/w.safetensors" export-weights resnet18 "$WORK/nodir/w.safetensors"

# What run writes besides its report is said on stderr: the logits file, the dump count, and where a dump failed.
timeout 60 "$BIN" run resnet18 --input-size 32 --top 0 --output "$WORK/said.npy" >/dev/null 2>"$WORK/said.err"
check "--output says what it wrote" grep -qx "convscope: wrote logits 1×1000 to $WORK/said.npy (4,128 bytes)" "$WORK/said.err"
timeout 60 "$BIN" run resnet18 --input-size 32 --top 0 --dump all --dump-dir "$WORK/said" >/dev/null 2>"$WORK/dump.err"
check "--dump says how many files" grep -qE "^convscope: wrote [0-9]+ files \([0-9,]+ bytes\) to $WORK/said$" "$WORK/dump.err"
mkdir -p "$WORK/blocked/layer2.npy"
expect_error "--dump failing part-way names what it wrote" "--dump: writing layer2.npy failed after [0-9]* (conv1.npy … .*) of [0-9]* files: .*not a regular file" \
  run resnet18 --input-size 32 --top 0 --dump all --dump-dir "$WORK/blocked"

echo "run_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
