#!/usr/bin/env bash
# End-to-end test of `convscope list` and `convscope summary`: outputs, JSON schema, one-line errors, exit codes.
# Usage: Tests/e2e/zoo_cli.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
E2E_TIMEOUT=20
source "$(dirname "$0")/lib/assert.sh"

# expect_error NAME PATTERN ARGS...: here PATTERN must start the message, right after `convscope: error: `.
expect_error() {
  local name=$1 pattern=$2
  shift 2
  expect_error_line "$name" "^convscope: error: $pattern" "$@"
}

timeout 20 "$BIN" list >"$WORK/list"
check "list exits 0" test $? -eq 0
check "list has 20 models + header" test "$(wc -l <"$WORK/list")" -eq 21
check "list shows resnet50" grep -q "^resnet50 .* 25,557,032 .* 4,089,184,256" "$WORK/list"

timeout 20 "$BIN" list --format json >"$WORK/list.json"
check "list json parses" grep -q '"name": "resnest101e", "family": "ResNeSt", "input_size": 224, "num_classes": 1000, "params": 48275016, "macs": 10200565760' "$WORK/list.json"

timeout 20 "$BIN" summary resnet50 >"$WORK/table"
check "summary exits 0" test $? -eq 0
check "summary totals" grep -q "^Total params: 25,557,032" "$WORK/table"
check "summary depth 3 row" grep -q "│  │  ├─ conv1 " "$WORK/table"
check "summary depth 3 only" test "$(grep -c "downsample" "$WORK/table")" -ge 1

timeout 20 "$BIN" summary densenet121 --depth 1 --format markdown >"$WORK/md"
check "markdown header" grep -q "^| Layer | Kind | Output shape | Params | MACs | % MACs |" "$WORK/md"
check "markdown depth 1" test "$(grep -c '^| `' "$WORK/md")" -eq 2

timeout 20 "$BIN" summary resnet18 --format json --batch 2 --input-size 64 >"$WORK/json"
check "json input shape" grep -q '"input_shape": \[2, 3, 64, 64\]' "$WORK/json"
check "json root node" grep -q '{"path": "", "kind": "ResNet", "depth": 0, "output_shape": \[2, 1000\]' "$WORK/json"
check "json deep node" grep -q '"path": "layer4.1.bn2", "kind": "BatchNorm2d", "depth": 3, "output_shape": \[2, 512, 2, 2\]' "$WORK/json"

expect_error "unknown model" "unknown model 'resnet51' (choose from: resnet18, .*resnest101e)$" summary resnet51
expect_error "bad format" ".*'xml'.*'table', 'markdown' or 'json'" summary resnet50 --format xml
expect_error "unknown option" "Unknown option '--bogus'.*usage: convscope summary" summary resnet50 --bogus
expect_error "bad batch" "--batch must be 1 or more, got 0" summary resnet50 --batch 0
expect_error "too small" "input too small: features.transition3.pool (AvgPool2d) gets 1×512×1×1" summary densenet121 --input-size 16
expect_error "list format" ".*'yaml'.*'table' and 'json'" list --format yaml

echo "e2e zoo cli: $PASS passed, $FAIL failed"
test "$FAIL" -eq 0
