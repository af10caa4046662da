#!/usr/bin/python3
"""Generates the image fixtures of Tests/Fixtures/images (PNG/JPEG files + PIL/torchvision
reference outputs). Run from the repository root: scripts/make_image_fixtures.py

For every image it writes:
  NAME.rgb                      PIL's Image.open(NAME).convert("RGB") pixels, H x W x 3 uint8
  NAME.<preset><S>.f32          torchvision's preprocessed tensor, 3 x S x S little-endian float32
and manifest.json describing each case. The 224 case is summarised (strided samples + channel
means) to keep the fixtures small. Everything is synthetic and deterministic (seeded numpy).
"""
import io
import json
import os
import struct
import zlib

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T

OUT = os.path.join("Tests", "Fixtures", "images")
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
CIFAR10 = ([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616])
rng = np.random.default_rng(20261129)


def scene(width, height):
    """A photo-like RGB array: gradients, a disc, stripes and sensor-like noise (uint8)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / max(width - 1, 1)
    g = 128 + 100 * np.sin(x / 3.1) * np.cos(y / 4.7)
    b = 255 * y / max(height - 1, 1)
    disc = (x - width * 0.6) ** 2 + (y - height * 0.4) ** 2 < (min(width, height) * 0.3) ** 2
    r[disc], g[disc], b[disc] = 250, 30, 60
    stripes = (x.astype(int) // 2) % 2 == 0
    b[stripes & (y < height / 4)] = 0
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (height, width, 3))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(samples, bit_depth, color_type, interlaced=False):
    """A minimal PNG (filter 0 on every row) for what PIL cannot write: 2/16-bit depths, Adam7.

    samples: H x W (grey) or H x W x C array of integers below 2**bit_depth."""
    height, width = samples.shape[:2]
    samples = samples.reshape(height, width, -1)
    if interlaced:  # the seven Adam7 sub-images one after the other
        passes = [samples[y0::dy, x0::dx] for x0, y0, dx, dy in ADAM7]
        scanlines = b"".join(png_scanlines(p, bit_depth) for p in passes if p.size)
    else:
        scanlines = png_scanlines(samples, bit_depth)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(scanlines, 9)) + chunk(b"IEND", b""))


def png_scanlines(samples, bit_depth):
    """Filter byte 0 + packed samples for every row of an H x W x C array."""
    rows = []
    for row in samples:
        flat = row.reshape(-1)
        if bit_depth == 16:
            raw = flat.astype(">u2").tobytes()
        elif bit_depth == 8:
            raw = flat.astype(np.uint8).tobytes()
        else:  # pack the samples MSB first
            per_byte = 8 // bit_depth
            padded = np.zeros(-(-len(flat) // per_byte) * per_byte, dtype=np.uint8)
            padded[: len(flat)] = flat
            groups = padded.reshape(-1, per_byte)
            shifts = np.arange(per_byte - 1, -1, -1) * bit_depth
            raw = (groups << shifts).sum(axis=1).astype(np.uint8).tobytes()
        rows.append(b"\x00" + raw)
    return b"".join(rows)


def save_pil(name, image, **options):
    image.save(os.path.join(OUT, name), **options)


def save_raw(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def make_images():
    """Writes every fixture image; returns {name: PIL-RGB reference array}."""
    save_pil("rgb_97x61.png", Image.fromarray(scene(97, 61)))
    save_pil("grey_45x70.png", Image.fromarray(scene(45, 70)).convert("L"))
    palette = Image.fromarray(scene(64, 48)).quantize(37)
    palette.info["transparency"] = 3  # a tRNS chunk that convert("RGB") ignores
    save_pil("palette_64x48.png", palette, transparency=3)
    save_pil("palette4bit_27x19.png", Image.fromarray(scene(27, 19)).quantize(12))  # 12 colours: 4-bit
    rgba = np.dstack([scene(59, 83), rng.integers(0, 256, (83, 59), dtype=np.uint8)])
    save_pil("rgba_59x83.png", Image.fromarray(rgba, "RGBA"))
    la = np.dstack([scene(50, 50)[..., 1], np.linspace(0, 255, 2500).reshape(50, 50).astype(np.uint8)])
    save_pil("greyalpha_50x50.png", Image.fromarray(la, "LA"))
    rgb16 = scene(41, 37).astype(np.uint16) * 257 + rng.integers(0, 257, (37, 41, 3))
    save_raw("rgb16_41x37.png", png_bytes(rgb16, 16, 2))
    grey16 = scene(33, 29)[..., 0].astype(np.uint16) * 256 + rng.integers(0, 256, (29, 33))
    save_raw("grey16_33x29.png", png_bytes(grey16, 16, 0))
    save_raw("grey2bit_30x20.png", png_bytes(scene(30, 20)[..., 2] >> 6, 2, 0))
    save_raw("interlaced_37x29.png", png_bytes(scene(37, 29), 8, 2, interlaced=True))
    save_pil("tiny_20x14.png", Image.fromarray(scene(20, 14)))
    save_pil("photo_120x90.jpg", Image.fromarray(scene(120, 90)), quality=85)
    save_pil("grey_57x81.jpg", Image.fromarray(scene(57, 81)).convert("L"), quality=90)
    save_pil("progressive444_63x47.jpg", Image.fromarray(scene(63, 47)), quality=92,
             progressive=True, subsampling=0)
    save_pil("photo_300x230.jpg", Image.fromarray(scene(300, 230)), quality=75)
    save_pil("cmyk_16x16.jpg", Image.fromarray(scene(16, 16)).convert("CMYK"), quality=90)


def reference_rgb(name):
    """PIL's RGB conversion, except 16-bit grey: PIL clips those values to 255 (mode I -> RGB);
    we keep the high byte as PIL itself does for 16-bit RGB, so the reference is the high byte."""
    image = Image.open(os.path.join(OUT, name))
    if name.startswith("grey16"):
        return Image.fromarray((np.asarray(image).astype(np.uint32) >> 8).astype(np.uint8), "L").convert("RGB")
    return image.convert("RGB")


def transform(preset, size):
    if preset == "imagenet":
        mean, std = IMAGENET
        return T.Compose([T.Resize(size * 256 // 224), T.CenterCrop(size), T.ToTensor(), T.Normalize(mean, std)])
    mean, std = CIFAR10
    return T.Compose([T.Resize((size, size)), T.ToTensor(), T.Normalize(mean, std)])


def main():
    os.makedirs(OUT, exist_ok=True)
    make_images()
    cases = []
    decodable = ["rgb_97x61.png", "grey_45x70.png", "palette_64x48.png", "palette4bit_27x19.png",
                 "rgba_59x83.png",
                 "greyalpha_50x50.png", "rgb16_41x37.png", "grey16_33x29.png", "grey2bit_30x20.png",
                 "interlaced_37x29.png", "tiny_20x14.png", "photo_120x90.jpg", "grey_57x81.jpg", "progressive444_63x47.jpg"]
    plans = {name: [("imagenet", 32)] for name in decodable}
    plans["rgb_97x61.png"] += [("imagenet", 48), ("cifar", 32)]
    plans["photo_120x90.jpg"] += [("cifar", 32)]
    plans["rgba_59x83.png"] += [("cifar", 16)]
    for name in decodable:
        rgb = reference_rgb(name)
        save_raw(name + ".rgb", np.asarray(rgb, dtype=np.uint8).tobytes())
        entry = {"image": name, "width": rgb.width, "height": rgb.height, "pixels": name + ".rgb",
                 "tensors": []}
        for preset, size in plans[name]:
            tensor = transform(preset, size)(rgb).contiguous()
            assert tensor.shape == (3, size, size) and tensor.dtype == torch.float32
            file = f"{name}.{preset}{size}.f32"
            save_raw(file, tensor.numpy().astype("<f4").tobytes())
            entry["tensors"].append({"preset": preset, "size": size, "file": file})
        cases.append(entry)

    # A direct check of the resampler: a mixed up/down resize of the 97x61 image.
    resized = Image.open(os.path.join(OUT, "rgb_97x61.png")).convert("RGB").resize((13, 70), Image.BILINEAR)
    save_raw("rgb_97x61.resized13x70.rgb", np.asarray(resized).tobytes())

    # The real 224 pipeline (Resize(256) + CenterCrop(224)), summarised: every 101st value of
    # the flat C H W tensor and the per-channel means.
    big = Image.open(os.path.join(OUT, "photo_300x230.jpg")).convert("RGB")
    tensor = transform("imagenet", 224)(big)
    flat = tensor.reshape(-1).numpy()
    summary = {"image": "photo_300x230.jpg", "preset": "imagenet", "size": 224, "stride": 101,
               "samples": [round(float(v), 6) for v in flat[::101]],
               "channel_means": [float(tensor[c].double().mean()) for c in range(3)]}

    manifest = {"cases": cases, "resize": {"image": "rgb_97x61.png", "width": 13, "height": 70,
                                           "pixels": "rgb_97x61.resized13x70.rgb"},
                "summary224": summary, "rejected": {"cmyk_16x16.jpg": "CMYK"}}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
