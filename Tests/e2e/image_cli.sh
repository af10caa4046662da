#!/usr/bin/env bash
# End-to-end test of `convscope run --image` and `--top K`: ImageNet and CIFAR preprocessing, class names and
# probabilities in the table and the JSON, and one-line errors for unusable images.
# Usage: Tests/e2e/image_cli.sh PATH/TO/convscope     (make e2e-tests passes the release binary)
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"
IMAGES="$(dirname "$0")/../Fixtures/images"

# An ImageNet model: the top-3 table has a header and three ranked rows with names and probabilities.
timeout 60 "$BIN" run resnet18 --image "$IMAGES/photo_300x230.jpg" --top 3 >"$WORK/table"
check "run --image exits 0" test $? -eq 0
check "input is the 224 crop" grep -q "input 1×3×224×224" "$WORK/table"
check "top-3 header" grep -q "^top-3 of sample 0: rank · class · name · probability$" "$WORK/table"
check "three ranked rows" test "$(grep -cE '^  [1-3]  +[0-9]+  [a-zA-Z].*  0\.[0-9]{4}$' "$WORK/table")" -eq 3

# --input-size scales the crop; --batch repeats the image, so both samples get the same classes.
timeout 60 "$BIN" run resnet18 --image "$IMAGES/rgb_97x61.png" --input-size 64 --batch 2 --top 2 --format json \
  >"$WORK/run.json"
check "json exits 0" test $? -eq 0
check "json input shape" grep -q '"input_shape":\[2,3,64,64\]' "$WORK/run.json"
check "json top entries" grep -qE '"top":\[\[\{"class":[0-9]+,"logit":[-0-9.e]+,"probability":[0-9.e-]+,"name":"' \
  "$WORK/run.json"
top=$(grep -o '"top":.*' "$WORK/run.json")
first=$(echo "$top" | sed -E 's/^"top":\[(\[[^]]*\]),(\[[^]]*\]).*/\1/')
second=$(echo "$top" | sed -E 's/^"top":\[(\[[^]]*\]),(\[[^]]*\]).*/\2/')
check "batch copies agree" test "$first" = "$second"

# A CIFAR net: 32×32 without a crop, CIFAR-10 names.
timeout 60 "$BIN" run densenet_bc_100 --image "$IMAGES/grey_45x70.png" --top 10 >"$WORK/cifar"
check "cifar exits 0" test $? -eq 0
check "cifar input" grep -q "input 1×3×32×32" "$WORK/cifar"
check "cifar names" test "$(grep -cE '  (airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck) ' "$WORK/cifar")" -eq 10

# Errors: one line, exit 1.
expect_error "missing image" "cannot read image $WORK/none.jpg: no such file" run resnet18 --image "$WORK/none.jpg"
expect_error "cmyk image" "CMYK/YCCK JPEG images are not supported" run resnet18 --image "$IMAGES/cmyk_16x16.jpg"
head -c 2000 "$IMAGES/photo_300x230.jpg" >"$WORK/cut.jpg"
expect_error "truncated jpeg" "cut.jpg: file ends early (truncated or corrupt JPEG)" run resnet18 --image "$WORK/cut.jpg"
head -c 3000 "$IMAGES/rgb_97x61.png" >"$WORK/cut.png"
expect_error "truncated png" "cut.png: invalid PNG: file ends early" run resnet18 --image "$WORK/cut.png"
printf 'GIF89a' >"$WORK/x.gif"
expect_error "other format" "not a PNG or JPEG file" run resnet18 --image "$WORK/x.gif"
expect_error "image and input" "--input and --image exclude each other" run resnet18 --image "$WORK/x.gif" --input x.npy

echo "image_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
