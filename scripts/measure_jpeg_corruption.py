#!/usr/bin/python3
"""Corrupt JPEGs: does convscope refuse what Pillow refuses?

Makes N seeded mutations of the committed test JPEGs (scan bytes XOR-ed, runs of scan bytes
zeroed or randomised, truncation with a marker-like tail, a marker inside the scan), decodes each
with Pillow (open + load) and with `convscope run resnet18 --input-size 32 --top 0 --image FILE`,
and counts the four outcomes. The failure this guards against is "Pillow refuses, convscope
accepts" (a corrupt file decoded silently into grey or smeared blocks).

Usage: scripts/measure_jpeg_corruption.py PATH/TO/convscope [N=200] [--keep DIR]
With --keep, the mutations Pillow refuses are written to DIR (to pick fixtures from).
"""
import io
import os
import random
import subprocess
import sys
import tempfile

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["photo_120x90.jpg", "grey_57x81.jpg", "progressive444_63x47.jpg", "photo_300x230.jpg"]


def scan_start(data):
    """Offset just after the first SOS segment's header (where entropy-coded data begins)."""
    i = data.find(b"\xff\xda")
    if i < 0:
        return len(data) // 2
    length = (data[i + 2] << 8) | data[i + 3]
    return i + 2 + length


def mutate(data, rng):
    data = bytearray(data)
    start = scan_start(data)
    end = len(data) - 2  # before EOI
    kind = rng.choice(["xor", "xor_run", "zero_run", "random_run", "truncate_marker", "marker_in_scan"])
    if kind == "xor":
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(start, end)] ^= rng.randrange(1, 256)
    elif kind == "xor_run":
        at = rng.randrange(start, end)
        for k in range(at, min(end, at + rng.randint(2, 32))):
            data[k] ^= 0xFF
    elif kind == "zero_run":
        at = rng.randrange(start, end)
        for k in range(at, min(end, at + rng.randint(4, 64))):
            data[k] = 0
    elif kind == "random_run":
        at = rng.randrange(start, end)
        for k in range(at, min(end, at + rng.randint(4, 64))):
            data[k] = rng.randrange(256)
    elif kind == "truncate_marker":
        cut = rng.randrange(start, end)
        data = data[:cut] + bytes([0xFF, rng.choice([0xD9, 0xD0, 0xC4, 0xDA, 0xE0])])
    else:  # a marker in the middle of the scan
        at = rng.randrange(start, end - 1)
        data[at] = 0xFF
        data[at + 1] = rng.choice([0xD0, 0xD5, 0xC0, 0xDB, 0xD9, 0x01])
    return kind, bytes(data)


def pillow_accepts(data):
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        return True
    except Exception:
        return False


def convscope_accepts(binary, path):
    result = subprocess.run(
        [binary, "run", "resnet18", "--input-size", "32", "--top", "0", "--image", path],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{path}: convscope exited {result.returncode}: {result.stderr.decode()}")
    return result.returncode == 0


def main():
    args = sys.argv[1:]
    keep = None
    if "--keep" in args:
        keep = args[args.index("--keep") + 1]
        del args[args.index("--keep"):args.index("--keep") + 2]
        os.makedirs(keep, exist_ok=True)
    binary = os.path.abspath(args[0])
    count = int(args[1]) if len(args) > 1 else 200
    rng = random.Random(18)
    originals = [open(os.path.join(ROOT, "Tests/Fixtures/images", name), "rb").read() for name in SOURCES]
    outcomes = {}
    silent = []
    with tempfile.TemporaryDirectory() as work:
        for n in range(count):
            source = rng.randrange(len(originals))
            kind, data = mutate(originals[source], rng)
            path = os.path.join(work, f"m{n:04d}_{kind}.jpg")
            with open(path, "wb") as f:
                f.write(data)
            pil, ours = pillow_accepts(data), convscope_accepts(binary, path)
            key = ("pillow " + ("accepts" if pil else "refuses"), "convscope " + ("accepts" if ours else "refuses"))
            outcomes[key] = outcomes.get(key, 0) + 1
            if ours and not pil:
                silent.append(f"{SOURCES[source]} {kind} -> {os.path.basename(path)}")
            if keep and not pil:
                with open(os.path.join(keep, f"{n:04d}_{SOURCES[source][:-4]}_{kind}.jpg"), "wb") as f:
                    f.write(data)
    print(f"{count} mutations of {', '.join(SOURCES)} (seed 18):")
    for key in sorted(outcomes):
        print(f"  {key[0]:15} {key[1]:18} {outcomes[key]}")
    print(f"silently accepted by convscope where Pillow refuses: {len(silent)}")
    for line in silent:
        print("  " + line)
    return 1 if silent else 0


if __name__ == "__main__":
    sys.exit(main())
