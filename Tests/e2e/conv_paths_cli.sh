#!/usr/bin/env bash
# End-to-end test of CONVSCOPE_CONV: a bad value is refused with one line listing the choices; direct, automatic
# and winograd each run, name themselves in `bench`, and give the same top-5 classes; direct is bit-reproducible.
# Usage: Tests/e2e/conv_paths_cli.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"

CONVSCOPE_CONV=fast expect_error_line "unknown algorithm" \
  "^convscope: error: CONVSCOPE_CONV must be one of automatic, direct, winograd, got 'fast'$" list
CONVSCOPE_CONV=Direct timeout 60 "$BIN" list >/dev/null
check "names in any case" test $? -eq 0

timeout 60 "$BIN" export-weights resnet18 "$WORK/r18.safetensors" --seed 5 >/dev/null 2>&1
top() { grep -oE '"class":[0-9]+' "$1" | head -5 | tr '\n' ' '; }
for algorithm in direct automatic winograd; do
  CONVSCOPE_CONV=$algorithm timeout 60 "$BIN" bench resnet18 --input-size 64 --repeat 1 --warmup 0 --format json \
    >"$WORK/$algorithm.json"
  check "$algorithm: bench exits 0" test $? -eq 0
  check "$algorithm: bench names the setting" grep -q "\"conv\":\"$algorithm\"" "$WORK/$algorithm.json"
  CONVSCOPE_CONV=$algorithm timeout 60 "$BIN" run resnet18 --weights "$WORK/r18.safetensors" --input-size 96 \
    --batch 2 --format json >"$WORK/$algorithm.run" 2>/dev/null
  check "$algorithm: run exits 0" test $? -eq 0
done
check "reference run has 5 classes" test "$(top "$WORK/direct.run" | wc -w)" -eq 5
for algorithm in automatic winograd; do
  check "$algorithm: same top-5 as direct" test "$(top "$WORK/$algorithm.run")" = "$(top "$WORK/direct.run")"
done
CONVSCOPE_CONV=direct timeout 60 "$BIN" run resnet18 --weights "$WORK/r18.safetensors" --input-size 96 --batch 2 \
  --format json >"$WORK/direct2.run" 2>/dev/null
logits() { grep -oE '"logit":[-0-9.e]+' "$1" | tr '\n' ' '; }
check "direct: bit-identical logits run to run" test "$(logits "$WORK/direct.run")" = "$(logits "$WORK/direct2.run")"
CONVSCOPE_CONV=winograd timeout 60 "$BIN" bench --winograd --repeat 1 >"$WORK/table.md"
check "bench --winograd exits 0" test $? -eq 0
check "bench --winograd lists the shapes" test "$(grep -cE '^\| [0-9]+→' "$WORK/table.md")" -eq 10

echo "conv_paths_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
