#!/usr/bin/python3
"""Converts a torchvision or timm checkpoint (.pth/.pt/.bin) to safetensors that convscope loads.

    scripts/convert_checkpoint.py resnet50.pth resnet50.safetensors [--check resnet50]

The input may be a state_dict, a training checkpoint holding one (under "state_dict", "model",
"model_state_dict", "net" or "state_dict_ema"), or a whole pickled nn.Module (loaded with
Python's full unpickler, which runs code from the file: convert only files you trust). The output keeps the
state_dict keys, which are convscope's parameter names, after these fixes:
  * "module." (DataParallel/DDP) and "_orig_mod." (torch.compile) prefixes are removed;
  * torchvision's legacy DenseNet names are renamed as torchvision itself does when loading its old
    checkpoints: "denselayer1.norm.1.weight" -> "denselayer1.norm1.weight" (norm/relu/conv + 1/2);
  * floating tensors become contiguous little-endian F32 (F16/BF16/F64 converted), BatchNorm's
    num_batches_tracked stays I64; any other integer tensor is refused.
--check NAME builds the architecture NAME (torchvision first, then timm; random weights, nothing
downloaded) and fails unless the keys and shapes match exactly.

The safetensors file is written by this script (no extra package needed): 8-byte little-endian
header length, a JSON header padded with spaces to a multiple of 8, tensors in key order.
"""
import argparse
import json
import os
import re
import struct
import sys
from collections import OrderedDict

import torch

CONTAINER_KEYS = ("state_dict", "model", "model_state_dict", "net", "state_dict_ema")
WRAPPER_PREFIXES = ("module.", "_orig_mod.")
# denselayerN.{norm,relu,conv}.{1,2}.rest -> denselayerN.{norm,relu,conv}{1,2}.rest
LEGACY_DENSENET = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.([12])\.(weight|bias|running_mean|running_var|num_batches_tracked)$")


class ConversionError(Exception):
    pass


def extract_state_dict(obj):
    """The tensor mapping inside whatever torch.load returned."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        if obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
            return obj
        for key in CONTAINER_KEYS:
            if key in obj:
                return extract_state_dict(obj[key])
        found = ", ".join(sorted(map(str, obj.keys()))[:8])
        raise ConversionError(f"no state_dict found in the checkpoint (top-level keys: {found})")
    raise ConversionError(f"cannot read a state_dict from a {type(obj).__name__}")


def rename(key):
    """The zoo's key for a checkpoint key."""
    changed = True
    while changed:
        changed = False
        for prefix in WRAPPER_PREFIXES:
            if key.startswith(prefix):
                key, changed = key[len(prefix):], True
    match = LEGACY_DENSENET.match(key)
    if match:
        key = f"{match.group(1)}{match.group(2)}.{match.group(3)}"
    return key


def convert(state_dict):
    """OrderedDict key -> tensor (F32 or I64, contiguous, on the CPU) with the zoo's keys."""
    out = OrderedDict()
    for key, value in state_dict.items():
        if not isinstance(value, torch.Tensor):
            print(f"convert_checkpoint: skipping non-tensor entry '{key}'", file=sys.stderr)
            continue
        new_key = rename(key)
        if new_key in out:
            raise ConversionError(f"two checkpoint keys map to '{new_key}' (the second is '{key}')")
        value = value.detach().cpu()
        if value.is_floating_point():
            value = value.to(torch.float32)
        elif key.endswith("num_batches_tracked"):
            value = value.to(torch.int64)
        else:
            raise ConversionError(f"tensor '{key}' has dtype {value.dtype}; only floating tensors and "
                                  "num_batches_tracked (int64) are supported")
        out[new_key] = value.contiguous()
    if not out:
        raise ConversionError("the checkpoint holds no tensors")
    return out


def write_safetensors(tensors, path, metadata):
    """Writes `tensors` (F32/I64) in key order; atomically (temporary file, then rename)."""
    header = {"__metadata__": metadata}
    offset = 0
    names = sorted(tensors)
    for name in names:
        t = tensors[name]
        size = t.numel() * t.element_size()
        header[name] = {"dtype": "F32" if t.dtype == torch.float32 else "I64",
                        "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for name in names:
            # numpy's view of a little-endian host tensor; '<' makes the byte order explicit.
            array = tensors[name].numpy()
            f.write(array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
    os.replace(temporary, path)


def build_reference(name):
    """A randomly initialised torchvision or timm model called `name` (no download)."""
    import torchvision
    if hasattr(torchvision.models, name):
        return getattr(torchvision.models, name)(weights=None)
    try:
        import timm
    except ImportError as error:
        raise ConversionError(f"'{name}' is not a torchvision model and timm is not installed") from error
    return timm.create_model(name, pretrained=False)


def check_against(tensors, name):
    expected = build_reference(name).state_dict()
    missing = [k for k in expected if k not in tensors]
    unexpected = [k for k in tensors if k not in expected]
    wrong = [f"{k} {list(tensors[k].shape)} vs {list(v.shape)}" for k, v in expected.items()
             if k in tensors and tuple(tensors[k].shape) != tuple(v.shape)]
    problems = []
    if missing:
        problems.append(f"{len(missing)} missing (first: {', '.join(missing[:3])})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected (first: {', '.join(unexpected[:3])})")
    if wrong:
        problems.append(f"{len(wrong)} with other shapes (first: {'; '.join(wrong[:3])})")
    if problems:
        raise ConversionError(f"keys do not match {name}: " + "; ".join(problems))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="a .pth/.pt/.bin checkpoint (state_dict, training checkpoint or module)")
    parser.add_argument("output", help="the .safetensors file to write")
    parser.add_argument("--check", metavar="MODEL", help="verify keys and shapes against this torchvision/timm model")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="allow Python's full unpickler (runs code from the file) when the safe loader refuses it")
    args = parser.parse_args(argv)
    try:
        try:
            obj = torch.load(args.input, map_location="cpu", weights_only=True)
        except TypeError:  # torch < 1.13 has no weights_only: only the full unpickler exists
            if not args.trust_pickle:
                raise ConversionError("this torch has no safe loader; rerun with --trust-pickle for a file you trust")
            obj = torch.load(args.input, map_location="cpu")
        except Exception as refused:  # e.g. a whole pickled module: only with the user's explicit consent
            if not args.trust_pickle:
                raise ConversionError(f"the safe loader refused {args.input} ({type(refused).__name__}); "
                                      "rerun with --trust-pickle only if you trust the file (it may run code)")
            obj = torch.load(args.input, map_location="cpu")
        tensors = convert(extract_state_dict(obj))
        if args.check:
            check_against(tensors, args.check)
        write_safetensors(tensors, args.output, {"format": "pt", "source": os.path.basename(args.input)})
    except (ConversionError, OSError, RuntimeError) as error:
        print(f"convert_checkpoint: error: {error}", file=sys.stderr)
        return 1
    params = sum(t.numel() for t in tensors.values() if t.dtype == torch.float32)
    print(f"wrote {args.output}: {len(tensors)} tensors, {params:,} float values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
