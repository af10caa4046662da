#!/usr/bin/env bash
# End-to-end test of `convscope bench MODEL`: table, --per-block, the JSON keys, option errors.
# Usage: Tests/e2e/bench_cli.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"

timeout 60 "$BIN" bench resnet18 --input-size 32 --repeat 3 --warmup 1 --threads 1 >"$WORK/table"
check "bench exits 0" test $? -eq 0
check "bench header" grep -q "^convscope bench resnet18 · input 1×3×32×32 · threads 1 · 3 timed passes after 1 warm-up$" \
  "$WORK/table"
check "bench summary" grep -qE "^median [0-9.]+ ms · min [0-9.]+ ms · max [0-9.]+ ms · [0-9.]+ GFLOP/s · peak RSS [0-9.]+ MB$" \
  "$WORK/table"

timeout 60 "$BIN" bench densenet_bc_100 --repeat 2 --batch 2 --per-block --format json >"$WORK/bench.json"
check "bench json exits 0" test $? -eq 0
check "bench json keys" grep -qE '^\{"model":"densenet_bc_100","median_ms":[0-9.]+,"min_ms":[0-9.]+,"max_ms":[0-9.]+,"runs":2,"warmup":2,"threads":[0-9]+,"batch":2,"input_size":32,"peak_rss_mb":[0-9.]+,"macs":575859384,' \
  "$WORK/bench.json"
check "bench json steps" test "$(grep -o '"path":' "$WORK/bench.json" | wc -l)" -eq 52
timeout 60 "$BIN" bench resnet18 --input-size 32 --repeat 1 --per-block >"$WORK/blocks"
check "per-block rows" test "$(grep -cE '^(stem|layer[1-4]\.[01]|head) +[0-9.]+ ' "$WORK/blocks")" -eq 10

# --backward: a backward pass after each forward pass, its median and ratio to the forward's, and what the tape kept.
timeout 60 "$BIN" bench resnet18 --input-size 32 --repeat 2 --warmup 0 --backward >"$WORK/backward"
check "bench --backward exits 0" test $? -eq 0
check "bench --backward line" grep -qE \
  "^backward median [0-9.]+ ms \([0-9.]+× the forward\) · taped forward [0-9.]+ ms · kept for backward [0-9.]+ MiB$" \
  "$WORK/backward"
check "bench --backward CPU line" grep -qE \
  "^CPU time, all threads: forward [0-9.]+ ms · backward [0-9.]+ ms \([0-9.]+× the forward\)$" "$WORK/backward"
timeout 60 "$BIN" bench resnet18 --input-size 32 --repeat 2 --warmup 0 --backward --format json >"$WORK/backward.json"
check "bench --backward json" grep -qE \
  '"backward":\{"median_ms":[0-9.]+,"ratio":[0-9.]+,"taped_forward_median_ms":[0-9.]+,"saved_bytes":[0-9]+,"runs_ms":\[[0-9.]+,[0-9.]+\],"forward_cpu_median_ms":[0-9.]+,"cpu_median_ms":[0-9.]+,"cpu_ratio":[0-9.]+\}' \
  "$WORK/backward.json"
expect_error "bench --backward without a model" "--backward needs a MODEL" bench --backward

expect_error "bench unknown model" "unknown model 'resnet19'" bench resnet19
expect_error "bench repeat" "--repeat must be at least 1" bench resnet18 --repeat 0
# Negative numbers are values, not options: each names its range.
expect_error "bench negative repeat" "--repeat must be at least 1, got -1" bench resnet18 --repeat -1
expect_error "bench negative threads" "--threads must be at least 1, got -1" bench resnet18 --threads -1
expect_error "bench negative warmup" "--warmup must be 0 or more, got -1" bench resnet18 --warmup -1
expect_error "bench model and ops" "give a MODEL or --ops, not both" bench resnet18 --ops
expect_error "bench nothing" "nothing to time" bench

echo "bench_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
