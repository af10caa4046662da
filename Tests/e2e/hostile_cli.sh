#!/usr/bin/env bash
# Regression tests of hostile inputs (issue "Reliability"): image bombs, special files as inputs and outputs,
# symlinks, terminal escapes in file-borne names, invalid CONVSCOPE_THREADS, signals during writes.
# Usage: Tests/e2e/hostile_cli.sh PATH/TO/convscope
set -u
BIN=$(realpath "${1:-.build/release/convscope}")
source "$(dirname "$0")/lib/assert.sh"
HOSTILE=$(realpath "$(dirname "$0")/../Fixtures/hostile")

# Image bombs: refused with the estimate before anything of that size is allocated (fast, little memory).
expect_error "65535×1 PNG" "would be resized to 16776960×256 pixels for this model, over the limit of 89478485" \
  run resnet18 --image "$HOSTILE/wide_65535x1.png"
expect_error "1×65535 PNG" "would be resized to 256×16776960 pixels" run resnet18 --image "$HOSTILE/tall_1x65535.png"
expect_error "JPEG claiming 16000×16000" "JPEG image of 16000x16000 pixels is over the limit of 89478485 pixels" \
  run resnet18 --image "$HOSTILE/bomb_16000x16000.jpg"
/usr/bin/time -f "%M" -o "$WORK/rss" "$BIN" run resnet18 --image "$HOSTILE/wide_65535x1.png" 2>/dev/null
check "a bomb is refused within 400 MB of peak memory" test "$(tail -n 1 "$WORK/rss")" -lt 400000

# Special files as inputs: refused at once (a FIFO must not block).
mkfifo "$WORK/fifo" "$WORK/fifo.json"
E2E_TIMEOUT=10 expect_error "--weights FIFO" "fifo: not a regular file" run resnet18 --weights "$WORK/fifo"
E2E_TIMEOUT=10 expect_error "--input FIFO" "fifo: not a regular file" run resnet18 --input "$WORK/fifo"
E2E_TIMEOUT=10 expect_error "--image /dev/zero" "cannot read image /dev/zero: not a regular file" \
  run resnet18 --image /dev/zero
E2E_TIMEOUT=10 expect_error "model file FIFO" "fifo.json: not a regular file" summary "$WORK/fifo.json"

# Outputs: a symlink's target is replaced (the link stays), a dangling link's target is created, a character
# device is written as a stream, a directory is never replaced.
ln -s target.safetensors "$WORK/link.safetensors"
(cd "$WORK" && timeout 60 "$BIN" export-weights resnet18 link.safetensors >/dev/null)
check "symlink kept" test -L "$WORK/link.safetensors"
check "dangling symlink's target created" test -f "$WORK/target.safetensors"
timeout 60 "$BIN" export-weights resnet18 /dev/null >/dev/null
check "/dev/null written as a stream, still a device" test -c /dev/null
expect_error "a directory is not replaced" "not a regular file; refusing to replace it" export-weights resnet18 "$WORK"
timeout 60 "$BIN" run resnet18 --input-size 32 --top 0 --output "$WORK/link.npy" >/dev/null
ln -sf "$WORK/real.npy" "$WORK/out-link.npy"
timeout 60 "$BIN" run resnet18 --input-size 32 --top 0 --output "$WORK/out-link.npy" >/dev/null
check "run --output through a symlink writes its target" test -f "$WORK/real.npy" -a -L "$WORK/out-link.npy"

# Terminal escapes in names read from files are printed escaped.
"$BIN" run resnet18 --input "$HOSTILE/escape_key.npy" 2>"$WORK/esc.err" >/dev/null
check "npy key: no raw ESC on stderr" bash -c "! grep -q $'\x1b' '$WORK/esc.err'"
check "npy key: shown escaped" grep -qF '\u{1B}]0;title\u{7}' "$WORK/esc.err"
"$BIN" run resnet18 --weights "$HOSTILE/escape_name.safetensors" 2>"$WORK/esc2.err" >/dev/null
check "tensor name: no raw ESC on stderr" bash -c "! grep -q $'\x1b' '$WORK/esc2.err'"
check "tensor name: shown escaped" grep -qF '\u{1B}[2Jname' "$WORK/esc2.err"

# CONVSCOPE_THREADS: invalid values refused in one line; large ones capped at the cores.
for value in 0 -1 abc 1.5 1e20; do
  CONVSCOPE_THREADS=$value expect_error "CONVSCOPE_THREADS=$value" "CONVSCOPE_THREADS must be a whole number from 1" \
    summary resnet18
done
CONVSCOPE_THREADS=1000 timeout 60 "$BIN" bench resnet18 --input-size 32 --repeat 1 --warmup 0 >"$WORK/bench"
check "CONVSCOPE_THREADS=1000 is capped at the cores" grep -q "threads $(nproc) " "$WORK/bench"

# A signal during export-weights: exit 128 + signal, no temporary file left behind.
for delay in 0.3 0.8 1.3; do
  timeout --preserve-status -s TERM "$delay" "$BIN" export-weights resnet101 "$WORK/big.safetensors" >/dev/null
  status=$?
  check "SIGTERM after ${delay}s: 143 or done (got $status)" test "$status" -eq 143 -o "$status" -eq 0
done
check "no temporary files left" test -z "$(find "$WORK" -name '.*tmp-*')"

# Corrupt JPEGs (libjpeg only warns and pads with grey; Pillow refuses them): refused with one line.
for jpeg in "$HOSTILE"/corrupt_*.jpg; do
  expect_error "$(basename "$jpeg")" "invalid JPEG: Corrupt JPEG data\\|truncated or corrupt JPEG" \
    run resnet18 --input-size 32 --image "$jpeg"
done

# A file name that is not UTF-8 (Latin-1 é) is opened by its bytes.
IMAGES=$(realpath "$(dirname "$0")/../Fixtures/images")
latin1="$WORK/caf$(printf '\xe9')"
cp "$IMAGES/photo_120x90.jpg" "$latin1.jpg"
cp "$(dirname "$0")/../Fixtures/io/f4.npy" "$latin1.npy"
timeout 60 "$BIN" run resnet18 --input-size 32 --top 1 --image "$latin1.jpg" >/dev/null 2>"$WORK/latin1.err"
check "--image with a Latin-1 name opens (got $(cat "$WORK/latin1.err"))" test ! -s "$WORK/latin1.err"
timeout 60 "$BIN" run resnet18 --input-size 32 --top 1 --image="$latin1.jpg" >/dev/null 2>"$WORK/latin1.err"
check "--image=NAME with a Latin-1 name opens" test ! -s "$WORK/latin1.err"
timeout 60 "$BIN" run resnet18 --input "$latin1.npy" >/dev/null 2>"$WORK/latin1.err"
check "--input with a Latin-1 name is read, not missing ($(cat "$WORK/latin1.err"))" \
  bash -c "! grep -qi 'no such file' '$WORK/latin1.err'"
printf '{"base": "resnet18", "num_classes": 7}' >"$latin1.json"
timeout 60 "$BIN" summary "$latin1.json" --no-measure >"$WORK/latin1.out" 2>"$WORK/latin1.err"
check "model file with a Latin-1 name is read ($(cat "$WORK/latin1.err"))" grep -q "num_classes=7" "$WORK/latin1.out"
E2E_TIMEOUT=10 expect_error "missing model file with a Latin-1 name" "cannot read model file .*gone.*json: No such file or directory" \
  summary "$WORK/gone$(printf '\xe9').json"
# --images: a folder whose name is not UTF-8, holding files whose names are not UTF-8 either.
mkdir "$latin1" && cp "$IMAGES/photo_120x90.jpg" "$latin1/x$(printf '\xff').jpg"
cp "$IMAGES/rgb_97x61.png" "$latin1/$(printf '\xe9t\xe9').png"
timeout 120 "$BIN" lesion resnet18 --input-size 32 --images "$latin1" --format json >"$WORK/latin1.json" \
  2>"$WORK/latin1.err"
check "--images with Latin-1 folder and file names: two samples ($(cat "$WORK/latin1.err"))" \
  grep -q '"samples": 2' "$WORK/latin1.json"
mkdir "$WORK/clash" && cp "$IMAGES/photo_120x90.jpg" "$WORK/clash/a$(printf '\xfe').jpg"
cp "$IMAGES/photo_120x90.jpg" "$WORK/clash/a$(printf '\xff').jpg"
expect_error "--images with names that differ only in non-UTF-8 bytes" "differ only in bytes that are not UTF-8" \
  lesion resnet18 --input-size 32 --images "$WORK/clash"

# Exit codes (README's table): 130 SIGINT, 143 SIGTERM, 129 SIGHUP for run, bench and export-weights.
for pair in INT:130 TERM:143 HUP:129; do
  sig=${pair%%:*} code=${pair##*:}
  for command in "run resnet152 --batch 8 --top 0" "bench resnet152 --repeat 50" \
    "export-weights resnet152 $WORK/sig.safetensors"; do
    # shellcheck disable=SC2086
    timeout --preserve-status -s "$sig" 1 "$BIN" $command >/dev/null 2>&1
    status=$?
    check "SIG$sig during ${command%% *}: exit $code (got $status)" test "$status" -eq "$code"
  done
done
check "no temporary files left after the signals" test -z "$(find "$WORK" -name '.*tmp-*')"

echo "hostile_cli: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
