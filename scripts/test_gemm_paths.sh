#!/usr/bin/env bash
# Runs the exactness tests (GEMM, conv kernels, every zoo family against PyTorch) once per CONVSCOPE_GEMM path
# this CPU supports, so that each path is checked whole, observed passes included, not only where a test
# switches the backend itself.
# Usage: scripts/test_gemm_paths.sh [BINARY]   after `swift build -c release --build-tests --scratch-path .build-tests`
# (BINARY, default .build/release/convscope, tells which paths the CPU supports).
set -u
bin=${1:-.build/release/convscope}
filter='GEMMTests|Conv2dTests|BatchNormTests|ExecutorExactnessTests|ExecutorTests'
status=0
for path in automatic avx512 avx2 openblas; do
  if ! CONVSCOPE_GEMM=$path "$bin" list >/dev/null 2>&1; then
    echo "== CONVSCOPE_GEMM=$path: not supported on this CPU, skipped"
    continue
  fi
  echo "== CONVSCOPE_GEMM=$path"
  CONVSCOPE_GEMM=$path swift test -c release --skip-build --disable-swift-testing --scratch-path .build-tests \
    --filter "$filter" 2>&1 | grep -E "Executed|error|failed" | tail -5
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
exit $status
