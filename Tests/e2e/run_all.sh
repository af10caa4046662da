#!/usr/bin/env bash
# Runs every end-to-end script in Tests/e2e with the binary path, then prints one closing line
# that sums their "N passed, M failed" lines. Exits non-zero if any script fails.
set -u
bin=${1:?usage: run_all.sh PATH/TO/convscope}
dir=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0; status=0
for script in "$dir"/*.sh; do
  [ "$(basename "$script")" = run_all.sh ] && continue
  echo "== $script"
  log=$(mktemp)
  bash "$script" "$bin" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  rm -f "$log"
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    passed=$((passed + p)); failed=$((failed + f))
  fi
  if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
    echo "e2e: $(basename "$script") exited $rc"
    status=1
    # Count the script once when its own line is missing or shows no failure.
    if [ -z "$line" ] || [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
done
echo "e2e: $passed passed, $failed failed"
exit $status
