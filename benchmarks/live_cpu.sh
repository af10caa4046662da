#!/usr/bin/env bash
# The explorer's observed live pass against an unobserved one-thread pass, before and after a change, interleaved
# (issue #16 target 5), in CPU time as perf's cpu-clock samples (4000 Hz) count it, which other tenants' load moves
# far less than wall time. Per model and binary: `convscope MODEL --bench-live` (three observed passes on the
# worker's thread) and `CONVSCOPE_THREADS=1 convscope bench MODEL --repeat 3 --warmup 1` (four passes), each under
# `perf record -g`; "steps cpu" is the samples whose call chain holds Executor.runNextStep, per pass; "gemm" the
# self samples of the GEMM kernels and their packing (symbols holding "sgemm"), per pass. The per-GEMM ratio,
# (live steps / live GEMM) / (bench steps / bench GEMM), is the observed pass's cost over the unobserved one's for
# the same GEMM work, so a slower second (a busy machine) cancels out.
# Usage: BEFORE=BIN AFTER=BIN [MODELS="resnet50 …"] [ROUNDS="1 2"] benchmarks/live_cpu.sh   (needs perf)
set -u
B=${BEFORE:?the binary before}
A=${AFTER:?the binary after}
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
samples() { perf report -i "$1" --no-children --sort comm -F sample -g none 2>/dev/null | awk '!/^#/ && NF {s += $1} END {print s}'; }
steps_ms() {  # perf data, passes
  local pct
  pct=$(perf report -i "$1" --children --sort symbol -g none 2>/dev/null | grep 'ExecutorC11runNextStep' | head -1 |
    awk '{print $1}' | tr -d '%')
  echo "$(samples "$1") ${pct:-0} $2" | awk '{printf "%.1f", $1 * $2 / 100 / 4000 / $3 * 1000}'
}
gemm_ms() {  # perf data, passes
  perf report -i "$1" --no-children --sort symbol -F sample,symbol -g none 2>/dev/null | grep -v '^#' | grep sgemm |
    awk -v p="$2" '{s += $1} END {printf "%.1f", s / 4000 / p * 1000}'
}
for round in ${ROUNDS:-1}; do
  for m in ${MODELS:-resnet50 densenet121 seresnet50 resnest50d}; do
    line="$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) $m r$round"
    for tag in before after; do
      bin=$B
      [ "$tag" = after ] && bin=$A
      perf record -q -g -o "$DATA/live.data" "$bin" "$m" --bench-live >"$DATA/live.txt" 2>/dev/null
      CONVSCOPE_THREADS=1 perf record -q -g -o "$DATA/bench.data" "$bin" bench "$m" --repeat 3 --warmup 1 \
        >"$DATA/bench.txt" 2>/dev/null
      lv=$(steps_ms "$DATA/live.data" 3)
      bv=$(steps_ms "$DATA/bench.data" 4)
      lg=$(gemm_ms "$DATA/live.data" 3)
      bg=$(gemm_ms "$DATA/bench.data" 4)
      wall=$(grep -o 'steps [0-9.]* s a pass' "$DATA/live.txt" | grep -o '[0-9.]*')
      med=$(grep -o 'median [0-9.]*' "$DATA/bench.txt" | grep -o '[0-9.]*')
      line="$line | $tag: live steps wall ${wall}s cpu ${lv}ms, bench median ${med}ms cpu ${bv}ms, cpu ratio $(
        echo "$lv $bv" | awk '{printf "%.2f", $1 / $2}'); gemm live ${lg} bench ${bg}ms, per-GEMM ratio $(
        echo "$lv $lg $bv $bg" | awk '{printf "%.2f", ($1 / $2) / ($3 / $4)}')"
    done
    echo "$line"
  done
done
