#!/usr/bin/env bash
# End-to-end test of interventions from the command line: `run --ablate/--plain` (JSON records them), `lesion`
# (table, JSON, families, --images) and `reuse` (DenseNet only), and their one-line refusals.
# Usage: Tests/e2e/ablate_cli.sh PATH/TO/convscope
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"
IMAGES="$(dirname "$0")/../Fixtures/images"

# run --ablate: logits change, JSON lists what was switched off, and no intervention gives the clean logits.
timeout 60 "$BIN" run resnet18 --input-size 32 --output "$WORK/clean.npy" >/dev/null
check "run: clean pass exits 0" test $? -eq 0
timeout 60 "$BIN" run resnet18 --input-size 32 --ablate layer2.0 --ablate layer3.1:shortcut --output "$WORK/abl.npy" \
  --format json >"$WORK/abl.json"
check "run --ablate exits 0" test $? -eq 0
check "run --ablate changes the logits" bash -c "! cmp -s '$WORK/clean.npy' '$WORK/abl.npy'"
check "JSON lists the interventions" grep -q '"interventions":\[{"path":"layer2.0","kind":"branch_off"},{"path":"layer3.1","kind":"shortcut_off"}\],"plain":false' "$WORK/abl.json"
timeout 60 "$BIN" run resnet18 --input-size 32 --plain --top 1 >"$WORK/plain.txt"
check "run --plain names plain mode" grep -q "^interventions: plain (every shortcut off)" "$WORK/plain.txt"
timeout 60 "$BIN" run seresnet50 --input-size 32 --ablate layer1.0.se --ablate layer4.2 --top 0 >/dev/null
check "SE off and a bottleneck's branch off run" test $? -eq 0
timeout 60 "$BIN" run skresnext50_32x4d --input-size 32 --ablate layer1.0.conv2:branch=1 --top 0 >/dev/null
check "SK branch=1 runs" test $? -eq 0
timeout 60 "$BIN" run resnest14d --input-size 32 --ablate layer1.0.conv2:split=0 --top 0 >/dev/null
check "split=0 runs" test $? -eq 0
timeout 60 "$BIN" run senet18 --ablate layer1.0:se --ablate layer2.0 --top 0 >/dev/null
check "inline SE off and a pre-activation block's branch off run" test $? -eq 0
timeout 60 "$BIN" run densenet_bc_100 --ablate features.denseblock2.denselayer5 --top 0 >/dev/null
check "a dense layer off runs" test $? -eq 0

expect_error_line "unknown path" "^convscope: error: --ablate nope: no node at path 'nope' (paths as in \`convscope summary\`)$" \
  run resnet18 --ablate nope
expect_error "a conv is no intervention" "--ablate conv1: conv1 is a Conv2d: interventions act on residual blocks" \
  run resnet18 --ablate conv1
expect_error "a wrong qualifier names what works" "layer1.0 is a residual block (BasicBlock): use layer1.0 (branch off) or layer1.0:shortcut" \
  run resnet18 --ablate layer1.0:uniform
expect_error "branch index out of range" "K in 0…1" run skresnet18 --ablate layer1.0.conv1:branch=2

# lesion: one row per block, JSON with the study's cost; --images takes a folder.
timeout 120 "$BIN" lesion resnet18 --input-size 32 >"$WORK/lesion.txt"
check "lesion exits 0" test $? -eq 0
check "lesion lists 8 blocks" test "$(grep -cE '^layer[1-4]\.[01] +branch_off' "$WORK/lesion.txt")" -eq 8
timeout 120 "$BIN" lesion resnet18 --input-size 32 --of shortcuts --format json >"$WORK/lesion.json"
check "lesion JSON has 8 shortcut candidates" test "$(grep -c '"kind": "shortcut_off"' "$WORK/lesion.json")" -eq 8
check "lesion JSON reports its cost" grep -q '"full_pass_equivalents": ' "$WORK/lesion.json"
mkdir -p "$WORK/pics" && cp "$IMAGES"/rgb_97x61.png "$IMAGES"/photo_120x90.jpg "$WORK/pics/"
timeout 120 "$BIN" lesion resnet18 --input-size 32 --images "$WORK/pics" --format json >"$WORK/images.json"
check "lesion --images: two samples" grep -q '"samples": 2' "$WORK/images.json"
check "lesion --images: share of unchanged top-1" grep -q '"unchanged_share": ' "$WORK/images.json"
timeout 120 "$BIN" lesion densenet_bc_100 --format json >"$WORK/dense.json"
check "lesion of a DenseNet goes over its dense layers" test "$(grep -c '"kind": "dense_off"' "$WORK/dense.json")" -eq 48
expect_error "lesion: no attention in resnet18" "resnet18 has no attention to lesion" lesion resnet18 --of attention
mkdir -p "$WORK/empty"
expect_error "lesion: --images without images" "no .png, .jpg or .jpeg files" lesion resnet18 --images "$WORK/empty"

# reuse: DenseNet only; one matrix per dense block.
timeout 60 "$BIN" reuse densenet121 --format json >"$WORK/reuse.json"
check "reuse exits 0" test $? -eq 0
check "reuse JSON has four blocks" test "$(grep -c '"path": "features.denseblock' "$WORK/reuse.json")" -eq 4
check "reuse's last target is the classifier" grep -q '"classifier"\]' "$WORK/reuse.json"
timeout 60 "$BIN" reuse densenet_bc_100 >"$WORK/reuse.txt"
check "reuse table at CIFAR size" grep -q "^features.denseblock3 " "$WORK/reuse.txt"
expect_error_line "reuse refuses a ResNet" "^convscope: error: resnet50 has no dense blocks: reuse applies to DenseNet models$" \
  reuse resnet50

echo "ablate_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
