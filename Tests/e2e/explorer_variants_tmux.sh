#!/usr/bin/env bash
# End-to-end test of variants in the explorer: `e` edits the open model's keys, Enter applies (header, params and
# the live run follow), `c` shows the variant beside its base with differences, a refused value keeps the model and
# says why, `E` returns to the base; `explore MODEL --set K=V` and a model file open a variant.
# Usage: Tests/e2e/explorer_variants_tmux.sh PATH/TO/convscope
set -u

source "$(dirname "$0")/lib/tmux.sh"
tmux_harness "e2e variants" convscope-e2e-variants 240 15 "$@"

# start W H ARGS...: a fresh UTF-8 session running the explorer.
start() {
  local width=$1 height=$2
  shift 2
  open_in "$width" "$height" C.UTF-8 "$@"
}

start 120 34 resnet50
check "open resnet50" seen '┌ resnet50 · 25,557,032 params'
keys e
check "e: the editor lists the keys with base values" seen 'edit resnet50 \(Enter applies, Esc cancels\)'
check "e: width_per_group and its base value" seen 'width_per_group +64 +64'
keys Down Down 3 2 Down 4
check "typing: the form shows the variant Enter builds" seen 'Enter builds resnet50 · groups=32 width_per_group=4'
keys Enter
check "Enter: the header shows the variant and its params" \
  seen '┌ resnet50 · groups=32 width_per_group=4 · 25,028,904 params'
check "Enter: the status bar names the variant" seen 'variant groups=32 width_per_group=4 · theme default'
keys c
check "c: the compare view" seen '┌ compare · 6 models'
check "c: the variant's params and the difference from its base" seen '25,028,904  −528 K'
check "c: the base beside it" seen '25,557,032 +25,028,904'
keys Escape
keys e Down Down 0 Enter
check "groups=0: refused with its reason" seen 'refused: resnet50: groups=0: must be 1 or more'
check "groups=0: the model stays" seen '┌ resnet50 · groups=32 width_per_group=4 · 25,028,904'
keys Escape
check "Esc: the editor closes" gone 'Enter applies, Esc cancels'
keys r
check "r: the variant runs to the end with seeded weights" seen 'top-5 classes \(synthetic input\)' 120
keys E
check "E: back to resnet50" seen '┌ resnet50 · 25,557,032 params'
keys '?' G
check "?: help lists e" seen "e +edit the model's keys"
check "?: help lists E" seen 'E +back to the base of a variant'
keys q
check "q: quits" exit_status_is 0

start 120 34 explore resnet50 --set groups=32 --set width_per_group=4
check "explore --set: opens the variant" seen '┌ resnet50 · groups=32 width_per_group=4 · 25,028,904 params'
keys q
echo '{"base": "resnet50", "width_per_group": 128}' > "$WORK/wide50.json"
start 120 34 "$WORK/wide50.json"
check "a model file opens as a variant" seen '┌ resnet50 · width_per_group=128 · 68,883,240 params'
keys q

check_refused_set() {
  timeout 10 "$BIN" explore resnet50 --set groups=0 > /dev/null 2> "$WORK/err"
  [ $? -eq 1 ] && [ "$(wc -l < "$WORK/err")" -eq 1 ] \
    && grep -q "^convscope: error: resnet50: groups=0: must be 1 or more" "$WORK/err" \
    && ! grep -q "or a command" "$WORK/err" || { echo "  stderr=[$(cat "$WORK/err")]"; return 1; }
}
check "explore --set groups=0: one error line, exit 1" check_refused_set
check_unknown_key() {
  timeout 10 "$BIN" resnet50 --set group=2 > /dev/null 2> "$WORK/err"
  [ $? -eq 1 ] && grep -q "has no key 'group' (did you mean 'groups'?)" "$WORK/err" \
    || { echo "  stderr=[$(cat "$WORK/err")]"; return 1; }
}
check "explore --set with an unknown key: did you mean" check_unknown_key

echo "e2e variants: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
