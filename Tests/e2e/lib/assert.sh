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

# expect_error_line NAME REGEX ARGS...: exit status 1, nothing on stdout, exactly one stderr line matching
# REGEX (the whole line's regex, `^convscope: error: ` included). The run is bounded by E2E_TIMEOUT seconds.
expect_error_line() {
  local name=$1 regex=$2
  shift 2
  timeout "${E2E_TIMEOUT:-60}" "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"
  local status=$?
  check "$name: exit 1 (got $status)" test "$status" -eq 1
  check "$name: empty stdout" test ! -s "$WORK/out"
  check "$name: one stderr line" test "$(wc -l <"$WORK/err")" -eq 1
  check "$name: message" grep -q -- "$regex" "$WORK/err"
}

# expect_error NAME PATTERN ARGS...: as expect_error_line, with PATTERN anywhere in the error message.
expect_error() {
  local name=$1 pattern=$2
  shift 2
  expect_error_line "$name" "^convscope: error: .*$pattern" "$@"
}
