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
check "list has 32 models + header" test "$(wc -l <"$WORK/list")" -eq 33
check "list shows a preset with its overrides" \
  grep -q "^resnext50_32x4d .* 25,028,904 .*= resnet50 · groups=32 width_per_group=4$" "$WORK/list"
check "list shows resnet50" grep -q "^resnet50 .* 25,557,032 .* 4,089,184,256" "$WORK/list"

timeout 20 "$BIN" list --format json >"$WORK/list.json"
check "list json parses" grep -q '"name": "resnest101e", "family": "ResNeSt", "input_size": 224, "num_classes": 1000, "params": 48275016, "macs": 10200565760}' "$WORK/list.json"
check "list json preset" grep -q '"name": "resnest269e", .*"params": 110929480, .*"base": "resnest101e", "overrides": {"layers": \[3, 30, 48, 8\]}}' "$WORK/list.json"

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

expect_error "unknown model" "unknown model 'resnet51' (choose from: resnet18, .*resnest269e); did you mean 'resnet50'?$" summary resnet51
expect_error "bad format" ".*'xml'.*'table', 'markdown', 'json' or 'csv'" summary resnet50 --format xml
expect_error "unknown option" "Unknown option '--bogus'.*usage: convscope summary" summary resnet50 --bogus
expect_error "bad batch" "--batch must be 1 or more, got 0" summary resnet50 --batch 0
expect_error "too small" "input too small: features.transition3.pool (AvgPool2d) gets 1×512×1×1" summary densenet121 --input-size 16
expect_error "list format" ".*'yaml'.*'table' and 'json'" list --format yaml

# --- variants: --set, presets, model files, refusals -------------------------------------------------------------
timeout 20 "$BIN" summary resnet50 --set groups=32 --set width_per_group=4 --format json >"$WORK/variant.json"
check "variant json names base and overrides" \
  grep -q '^  "model": "resnet50",$' "$WORK/variant.json"
check "variant json overrides" grep -q '^  "overrides": {"groups": 32, "width_per_group": 4},$' "$WORK/variant.json"
check "variant json params = resnext50_32x4d" grep -q '"total_params": 25028904,' "$WORK/variant.json"
check "plain json has no overrides" test "$(grep -c overrides "$WORK/json")" -eq 0
timeout 20 "$BIN" summary resnet50 --set groups=32 --set width_per_group=4 --depth 0 >"$WORK/variant.table"
check "variant table title" grep -q "^resnet50 · groups=32 width_per_group=4  ResNet" "$WORK/variant.table"
timeout 20 "$BIN" summary resnext50_32x4d --format json >"$WORK/preset.json"
check "preset json" grep -q '"model": "resnext50_32x4d",' "$WORK/preset.json"
check "preset json base" grep -q '"base": "resnet50",' "$WORK/preset.json"
timeout 20 "$BIN" summary ResNet50 --depth 0 >"$WORK/case"
check "model names match case-insensitively" grep -q "^Total params: 25,557,032" "$WORK/case"
timeout 20 "$BIN" summary seresnet50 --set se_rd_ratio=1/8 --depth 0 >"$WORK/ratio1"
timeout 20 "$BIN" summary seresnet50 --set se_rd_ratio=0.125 --depth 0 >"$WORK/ratio2"
check "ratios as 1/8 and 0.125 agree" test "$(grep Total "$WORK/ratio1")" = "$(grep Total "$WORK/ratio2")"
timeout 20 "$BIN" summary resnest14d --set radix=0 --set stem_type= --set avg_down=false --depth 0 >"$WORK/radix0"
check "radix=0 builds a plain conv bottleneck" grep -q "^Total params: " "$WORK/radix0"

printf '{"base": "resnet50", "groups": 32, "width_per_group": 4}\n' >"$WORK/rx50.json"
timeout 20 "$BIN" summary "$WORK/rx50.json" --format json >"$WORK/file.json"
check "model file" grep -q '"total_params": 25028904,' "$WORK/file.json"
check "model file overrides" grep -q '"overrides": {"groups": 32, "width_per_group": 4},' "$WORK/file.json"
timeout 20 "$BIN" summary "$WORK/rx50.json" --set num_classes=10 --format json >"$WORK/file10.json"
check "model file + --set" grep -q '"output_shape": \[1, 10\],' "$WORK/file10.json"
printf '{"base": "seresnet50", "layers": [1, 1, 1, 1], "avg_down": true, "se_rd_ratio": 0.125, "stem_type": ""}\n' \
  >"$WORK/se.json"
timeout 20 "$BIN" summary "$WORK/se.json" --depth 0 >"$WORK/se.table"
check "model file lists, booleans, ratios, names" \
  grep -q '^seresnet50 · layers=1,1,1,1 stem_type="" avg_down=true se_rd_ratio=0.125 ' "$WORK/se.table"
W=$WORK/rx.safetensors
timeout 60 "$BIN" export-weights resnet50 "$W" --set groups=32 --set width_per_group=4 >/dev/null
check "export-weights --set" test -s "$W"
timeout 60 "$BIN" run resnext50_32x4d --weights "$W" --input-size 32 --top 0 >/dev/null
check "a variant's weights load into the preset" test $? -eq 0
timeout 60 "$BIN" bench resnet18 --set layers=1,1,1,1 --repeat 1 --warmup 0 --input-size 32 >"$WORK/bench"
check "bench --set" grep -q "layers=1,1,1,1" "$WORK/bench"

expect_error "unknown key" "resnet50 has no key 'group' (did you mean 'groups'?); its keys: layers, block, groups, width_per_group, num_classes$" summary resnet50 --set group=32
expect_error "not KEY=VALUE" "--set groups: expected KEY=VALUE" summary resnet50 --set groups
expect_error "basic block groups" "resnet18: block=basic groups=2 width_per_group=64: BasicBlock only supports groups=1 and width_per_group=64 (torchvision)$" summary resnet18 --set groups=2
expect_error "basic block width" "resnet34: block=basic groups=1 width_per_group=128: BasicBlock only supports" summary resnet34 --set width_per_group=128
expect_error "zero count" "resnet50: layers=3,0,6,3: every count must be 1 or more, got 0 (torchvision would silently build one block; convscope refuses)$" summary resnet50 --set layers=3,0,6,3
expect_error "three layers" "resnet50: layers=3,4,6: needs 4 integers, got 3$" summary resnet50 --set layers=3,4,6
expect_error "groups=0" "resnet50: groups=0: must be 1 or more (a count of 0 cannot build)$" summary resnet50 --set groups=0
expect_error "not an integer" "resnet50: groups=many: expected an integer ≥ 1$" summary resnet50 --set groups=many
expect_error "bad block" "resnet50: block=wide: expected one of basic, bottleneck$" summary resnet50 --set block=wide
expect_error "bad boolean" "resnest14d: avd=yes: expected true or false$" summary resnest14d --set avd=yes
expect_error "bad ratio" "seresnet50: se_rd_ratio=1/0: expected a positive ratio" summary seresnet50 --set se_rd_ratio=1/0
expect_error "zero ratio" "seresnet50: se_rd_ratio=0: must be positive" summary seresnet50 --set se_rd_ratio=0
expect_error "negative radix" "resnest14d: radix=-1: must be 0 or more$" summary resnest14d --set radix=-1
expect_error "split radix" "resnest14d: cardinality=1 base_width=64 radix=3: SplitAttn's conv has 64 input channels" summary resnest14d --set radix=3
expect_error "split fc1 groups" "resnest14d: cardinality=3 base_width=8 radix=1: SplitAttn's fc1 has 32 output channels" summary resnest14d --set cardinality=3 --set base_width=8 --set radix=1
expect_error "tiered stem" "seresnet50: stem_type=deep_tiered stem_width=3: the tiered stem's first conv has 3·(stem_width//4) = 0 channels" summary seresnet50 --set stem_type=deep_tiered --set stem_width=3
expect_error "timm basic cardinality" "skresnet18: cardinality=2: SelectiveKernelBasic only supports cardinality of 1 (timm)$" summary skresnet18 --set cardinality=2
expect_error "timm basic width" "skresnet34: base_width=32: SelectiveKernelBasic does not support changing base width (timm)$" summary skresnet34 --set base_width=32
expect_error "sk split odd" "skresnext50_32x4d: cardinality=1 base_width=3 sk_split_input=true: width 3 (planes 64) does not split into 2 paths" summary skresnext50_32x4d --set cardinality=1 --set base_width=3 --set sk_split_input=true
expect_error "sk path groups" "skresnext50_32x4d: cardinality=32 base_width=1 sk_split_input=true: a path conv's 16 input channels" summary skresnext50_32x4d --set base_width=1 --set sk_split_input=true
expect_error "sknet G" "sknet_cifar: G=3: an SKConv of 128 channels does not split into 3 groups" summary sknet_cifar --set G=3
expect_error "unknown model did you mean" "unknown model 'resnxt50_32x4d' .*; did you mean 'resnext50_32x4d'?$" summary resnxt50_32x4d
expect_error "run --set" "resnet50 has no key 'radix'" run resnet50 --set radix=2
expect_error "export --set" "resnet50: num_classes=0: must be 1 or more" export-weights resnet50 "$WORK/x.safetensors" --set num_classes=0
expect_error "bench --set" "resnet50: width_per_group=0: must be 1 or more" bench resnet50 --set width_per_group=0
expect_error "bench --set without model" "bench: --set needs a MODEL" bench --ops --set groups=2
expect_error "weights of another variant" "weights do not fit resnet50: 176 shape mismatches: layer1.0.conv1.weight model \[64, 64, 1, 1\] file \[128, 64, 1, 1\]" run resnet50 --weights "$W" --input-size 32
printf '{"base": "resnet50", "grups": 32}\n' >"$WORK/typo.json"
expect_error "model file unknown key" "resnet50 has no key 'grups' (did you mean 'groups'?)" summary "$WORK/typo.json"
printf '{"groups": 32}\n' >"$WORK/nobase.json"
expect_error "model file without base" ".*nobase.json: needs \"base\"" summary "$WORK/nobase.json"
printf '{"base": "resnet50", "groups": [1, "x"]}\n' >"$WORK/badvalue.json"
expect_error "model file bad value" "resnet50: groups=1,x: expected an integer ≥ 1$" summary "$WORK/badvalue.json"
printf 'not json' >"$WORK/bad.json"
expect_error "model file not JSON" ".*bad.json: not valid JSON$" summary "$WORK/bad.json"
printf '{"base": "resnet50", "groups": {"a": 1}}\n' >"$WORK/object.json"
expect_error "model file object value" ".*object.json: groups must be a number, a list of integers, true/false or a string" summary "$WORK/object.json"
expect_error "missing model file" "cannot read model file .*missing.json" summary "$WORK/missing.json"
expect_error "TOML model file" ".*wide.toml: TOML model files are not supported" summary "$WORK/wide.toml"

echo "e2e zoo cli: $PASS passed, $FAIL failed"
test "$FAIL" -eq 0
