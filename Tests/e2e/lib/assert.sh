# Shared helpers of the end-to-end scripts: `source "$(dirname "$0")/lib/assert.sh"` after setting BIN.
# Provides WORK (a temp dir removed on exit), PASS/FAIL counters, check and expect_error.
PASS=0
FAIL=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

check() {  # check NAME CONDITION...
  local name=$1
  shift
  if "$@"; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL: $name"; fi
}

# expect_error NAME PATTERN ARGS...: exit status 1, nothing on stdout, exactly one stderr line matching PATTERN.
expect_error() {
  local name=$1 pattern=$2
  shift 2
  timeout 60 "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"
  local status=$?
  check "$name: exit 1 (got $status)" test "$status" -eq 1
  check "$name: empty stdout" test ! -s "$WORK/out"
  check "$name: one stderr line" test "$(wc -l <"$WORK/err")" -eq 1
  check "$name: message" grep -q -- "^convscope: error: .*$pattern" "$WORK/err"
}

