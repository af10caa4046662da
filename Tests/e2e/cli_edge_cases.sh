#!/usr/bin/env bash
# End-to-end edge cases of the headless commands found in QA: non-square and non-finite inputs, inputs too
# large to count or to run, bad --dump-dir, errors raised while running (one line, no usage block, no
# partial output file).
# Usage: Tests/e2e/cli_edge_cases.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"

# npy_fill FILE WORD N C H W: a <f4 .npy whose every element is the 4 bytes WORD (printf escapes).
npy_fill() {
  local file=$1 word=$2 count=$(($3 * $4 * $5 * $6))
  local header="{'descr': '<f4', 'fortran_order': False, 'shape': ($3, $4, $5, $6), }"
  while [ $(((10 + ${#header} + 1) % 64)) -ne 0 ]; do header="$header "; done
  {
    printf '\x93NUMPY\x01\x00'
    printf "\\x$(printf %02x $(((${#header} + 1) % 256)))\\x$(printf %02x $(((${#header} + 1) / 256)))"
    printf '%s\n' "$header"
    for ((i = 0; i < count; i++)); do printf "$word"; done
  } >"$file"
}

# Non-square input: H ≠ W come from the array, through static analysis and the executor.
npy_fill "$WORK/wide.npy" '\x00\x00\x80\x3f' 1 3 24 40  # 1.0
timeout 60 "$BIN" run resnet18 --input "$WORK/wide.npy" --format json --output "$WORK/wide_logits.npy" >"$WORK/wide.json"
check "non-square input runs" test $? -eq 0
check "non-square input shape" grep -q '"input_shape":\[1,3,24,40\]' "$WORK/wide.json"
check "non-square stem output" grep -q '"path":"stem","ms":[0-9.e-]*,"output_shape":\[1,64,6,10\]' "$WORK/wide.json"
check "non-square logits written" test "$(stat -c %s "$WORK/wide_logits.npy")" -eq $((128 + 1000 * 4))
expect_error "too small at batch 3" "features.transition3.pool (AvgPool2d) gets 3×512×1×1" \
  summary densenet121 --input-size 17 --batch 3
timeout 60 "$BIN" summary resnest14d --input-size 97 --batch 3 --format json >"$WORK/s97.json"
check "summary at 97, batch 3" grep -q '"input_shape": \[3, 3, 97, 97\]' "$WORK/s97.json"

expect_error "explorer: non-square input refused" "--input $WORK/wide.npy is 24×40: the explorer takes square inputs" \
  resnet18 --input "$WORK/wide.npy"

npy_fill "$WORK/square.npy" '\x00\x00\x00\x00' 1 3 16 16
expect_error "explorer: --input with --batch, no usage block" "drop --input-size and --batch$" \
  resnet18 --input "$WORK/square.npy" --batch 2
expect_error "explorer: --input with --image, no usage block" "exclude each other; give one$" \
  resnet18 --input "$WORK/square.npy" --image "$WORK/none.png"

# NaN input: NaN logits and statistics print as nan / null instead of trapping.
npy_fill "$WORK/nan.npy" '\x00\x00\xc0\x7f' 1 3 16 16
timeout 60 "$BIN" run sknet_cifar --input "$WORK/nan.npy" --stats --attention >"$WORK/nan.txt" 2>"$WORK/nan.err"
check "NaN input: exit 0" test $? -eq 0
check "NaN input: one warning naming the count" grep -qx 'convscope: warning: input: 768 of 768 values are NaN or infinite' "$WORK/nan.err"
check "NaN input: nan probabilities" grep -qE '^  1  +[0-9] .* nan$' "$WORK/nan.txt"
timeout 60 "$BIN" run senet18 --input "$WORK/nan.npy" --stats --attention --format json >"$WORK/nan.json"
check "NaN input, JSON: exit 0" test $? -eq 0
check "NaN input, JSON: null probability" grep -q '"probability":null' "$WORK/nan.json"
npy_fill "$WORK/inf.npy" '\x00\x00\x80\x7f' 1 3 16 16
timeout 60 "$BIN" run resnet18 --input "$WORK/inf.npy" --stats >/dev/null 2>"$WORK/inf.err"
check "inf input: exit 0" test $? -eq 0
check "inf input: one warning" test "$(grep -c '^convscope: warning: input: ' "$WORK/inf.err")" -eq 1
expect_error "inf input with --strict" "input: 768 of 768 values are NaN or infinite; --strict refuses it" \
  run resnet18 --input "$WORK/inf.npy" --strict
npy_fill "$WORK/huge.npy" '\xff\xff\x7f\x7e' 1 3 16 16  # 8.5e37
timeout 60 "$BIN" run resnet18 --input "$WORK/huge.npy" --stats >"$WORK/huge.txt" 2>"$WORK/huge.err"
check "huge values: exit 0" test $? -eq 0
check "huge values: statistics in exponent form" grep -q 'e+3[0-9]' "$WORK/huge.txt"

# Inputs too large to count or to run: one line, before anything is allocated.
expect_error "summary: side too large" "input too large: 1×3×9999999999×9999999999: height and width are limited" \
  summary resnet18 --input-size 9999999999
expect_error "summary: batch overflows" "batch 100,000,000,000 makes the counts overflow 64 bits" \
  summary resnet152 --batch 100000000000
timeout 60 "$BIN" summary resnet152 --batch 1000000 --depth 0 >/dev/null
check "summary: a batch of a million is counted" test $? -eq 0
expect_error "run: batch too large for memory" "input too large: 100000×3×224×224: a forward pass needs about .* GB of memory" \
  run resnet18 --batch 100000
expect_error "run: side too large" "height and width are limited to 65,536" run resnet18 --input-size 100000
expect_error "bench: too large for memory" "needs about .* GB of memory" bench resnet50 --input-size 60000
expect_error "run --image: too large for memory" "needs about .* GB of memory" \
  run resnet18 --image "$WORK/none.png" --input-size 60000

# --dump-dir problems are found before the run, and no --output file is left behind.
printf 'x' >"$WORK/file"
expect_error "dump-dir is a file" "--dump-dir $WORK/file is a file, not a directory" \
  run resnet18 --input-size 32 --dump all --dump-dir "$WORK/file" --output "$WORK/partial.npy"
check "no output file after a dump-dir error" test ! -e "$WORK/partial.npy"
expect_error "dump-dir under a file" "cannot create --dump-dir $WORK/file/sub: $WORK/file/sub: Not a directory" \
  run resnet18 --input-size 32 --dump layer1 --dump-dir "$WORK/file/sub"
expect_error "empty dump-dir" "--dump-dir needs a directory name" run resnet18 --dump layer1 --dump-dir ""
timeout 60 "$BIN" run resnet18 --input-size 32 --dump layer1 --dump-dir "$WORK/new/deep/dir" >/dev/null
check "dump-dir created with parents" test -s "$WORK/new/deep/dir/layer1.npy"

# --output that cannot be written is refused before the run.
expect_error "output into a missing directory" "--output $WORK/nodir/y.npy: directory $WORK/nodir does not exist" \
  run resnet18 --input-size 32 --output "$WORK/nodir/y.npy"
expect_error "output is a directory" "--output $WORK is a directory" run resnet18 --input-size 32 --output "$WORK"
expect_error "empty output" "--output needs a file name" run resnet18 --output ""
(cd "$WORK" && timeout 60 "$BIN" run resnet18 --input-size 32 --top 0 --output rel.npy >/dev/null)
check "output relative to the current directory" test -s "$WORK/rel.npy"

# Errors found while running carry no usage block (that is for option errors).
npy_fill "$WORK/c1.npy" '\x00\x00\x00\x00' 1 1 8 8
expect_error "wrong channels: the array's shape" "--input $WORK/c1.npy must be N×3×H×W, got \[1, 1, 8, 8\]$" \
  run resnet18 --input "$WORK/c1.npy"
printf 'not a numpy file' >"$WORK/text.npy"
expect_error "bad .npy: names the file" "--input $WORK/text.npy: .npy file does not start with" \
  run resnet18 --input "$WORK/text.npy"
printf '\x02\x00\x00\x00\x00\x00\x00\x00[]' >"$WORK/list.safetensors"
expect_error "bad safetensors: names the file" "--weights $WORK/list.safetensors: safetensors header is not a JSON object" \
  run resnet18 --weights "$WORK/list.safetensors"
expect_error "missing weights file" "$WORK/none.safetensors: No such file" run resnet18 --weights "$WORK/none.safetensors"
npy_fill "$WORK/nhwc.npy" '\x00\x00\x00\x00' 1 8 8 3
expect_error "channels last: a hint" "got \[1, 8, 8, 3\] (channels last? use x.transpose(0, 3, 1, 2))$" \
  run resnet18 --input "$WORK/nhwc.npy"
expect_error "unknown dump node: no usage block" "has no node 'layer9' (paths as in .convscope summary resnet18.)$" \
  run resnet18 --dump layer9 --dump-dir "$WORK/d9"
check "no dump-dir created for an unknown node" test ! -e "$WORK/d9"
npy_fill "$WORK/pixel.npy" '\x00\x00\x00\x00' 1 3 1 1
expect_error "input too small for the array" "input too small: features.transition1.pool (AvgPool2d) gets 1×128×1×1" \
  run densenet121 --input "$WORK/pixel.npy"

timeout 60 "$BIN" run resnet18 --input-size 32 --attention --top 0 >"$WORK/noattn.txt"
check "no attention blocks: one line says so" \
  test "$(tail -n 1 "$WORK/noattn.txt")" = "attention: resnet18 has no SE, SK or split-attention blocks"

# A negative number is the option's value, refused with the range (not "Missing value").
expect_error "negative --top" "--top must be 0 or more, got -1" run resnet18 --top -1
expect_error "negative --batch" "--batch must be 1 or more, got -2" summary resnet18 --batch -2
expect_error "negative --input-size" "--input-size must be 1 or more, got -5" run resnet18 --input-size -5
expect_error "negative --seed" "The value '-1' is invalid for '--seed <seed>'" export-weights resnet18 "$WORK/w.st" --seed -1
expect_error "negative --depth" "--depth must be 0 or more, got -1" summary resnet18 --depth -1

echo "cli_edge_cases: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
