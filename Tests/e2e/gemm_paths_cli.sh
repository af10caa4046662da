#!/usr/bin/env bash
# End-to-end test of CONVSCOPE_GEMM: bad values and kernels the CPU lacks are refused with one line; every path
# the CPU has runs, names itself in `bench`, and gives the same logits as OpenBLAS to float rounding.
# Usage: Tests/e2e/gemm_paths_cli.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"

flags=$(grep -m1 '^flags' /proc/cpuinfo)
has() { [[ " $flags " == *" $1 "* ]]; }

CONVSCOPE_GEMM=avx expect_error_line "unknown path" \
  "^convscope: error: CONVSCOPE_GEMM must be one of automatic, avx512, avx2, openblas, got 'avx'$" list
CONVSCOPE_GEMM=OpenBLAS timeout 60 "$BIN" list >/dev/null
check "names in any case" test $? -eq 0

paths="automatic openblas"
for kernel in avx512 avx2; do
  if { [ "$kernel" = avx512 ] && has avx512f; } || { [ "$kernel" = avx2 ] && has avx2 && has fma; }; then
    paths="$paths $kernel"
  else
    CONVSCOPE_GEMM=$kernel expect_error "$kernel refused on this CPU" "CONVSCOPE_GEMM=$kernel: this CPU has no" list
  fi
done

timeout 60 "$BIN" export-weights resnet18 "$WORK/r18.safetensors" --seed 5 >/dev/null 2>&1
CONVSCOPE_GEMM=openblas timeout 60 "$BIN" run resnet18 --weights "$WORK/r18.safetensors" --input-size 64 \
  --format json >"$WORK/reference.run" 2>/dev/null
# The top-5 classes (the logits differ only by summation order).
top() { grep -oE '"class":[0-9]+' "$1" | head -5 | tr '\n' ' '; }
check "reference run has 5 classes" test "$(top "$WORK/reference.run" | wc -w)" -eq 5
for path in $paths; do
  CONVSCOPE_GEMM=$path timeout 60 "$BIN" bench resnet18 --input-size 32 --repeat 1 --warmup 0 --format json \
    >"$WORK/$path.json"
  check "$path: bench exits 0" test $? -eq 0
  check "$path: bench names the CPU" grep -q '"cpu":"' "$WORK/$path.json"
  case $path in
    openblas) check "$path: bench names OpenBLAS" grep -q '"gemm":"OpenBLAS ' "$WORK/$path.json" ;;
    avx512) check "$path: bench names the kernel" grep -q '"gemm":"TensorCore AVX-512F' "$WORK/$path.json" ;;
    avx2) check "$path: bench names the kernel" grep -q '"gemm":"TensorCore AVX2+FMA' "$WORK/$path.json" ;;
    *) check "$path: bench names a path" grep -qE '"gemm":"(TensorCore|OpenBLAS) ' "$WORK/$path.json" ;;
  esac
  CONVSCOPE_GEMM=$path timeout 60 "$BIN" run resnet18 --weights "$WORK/r18.safetensors" --input-size 64 \
    --format json >"$WORK/$path.run" 2>/dev/null
  check "$path: run exits 0" test $? -eq 0
  check "$path: same top-5 as OpenBLAS" test "$(top "$WORK/$path.run")" = "$(top "$WORK/reference.run")"
done

echo "gemm_paths_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
