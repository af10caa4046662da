#!/usr/bin/python3
"""Checks scripts/convert_checkpoint.py on models built here (random weights, nothing downloaded).

Run from the repository root: scripts/test_convert_checkpoint.py
Each check converts a checkpoint written in a temporary directory and reads the result back with
a reader written here from the format's definition (and with the `safetensors` package if present).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
from collections import OrderedDict

import numpy as np
import torch
import torchvision

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "convert_checkpoint.py")


def read_safetensors(path):
    """name -> numpy array, validating the layout: offsets contiguous, in order, no trailing bytes."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    assert length % 8 == 0, "header not padded to 8 bytes"
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
    header.pop("__metadata__")
    entries = sorted(header.items(), key=lambda item: item[1]["data_offsets"][0])
    assert [name for name, _ in entries] == sorted(header), "data not in key order"
    position = 0
    out = {}
    for name, entry in entries:
        begin, end = entry["data_offsets"]
        assert begin == position, f"hole or overlap before {name}"
        dtype = {"F32": "<f4", "I64": "<i8"}[entry["dtype"]]
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(entry["shape"])
        out[name] = array
        position = end
    assert position == len(data), "trailing bytes"
    return out


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def assert_same(state_dict, converted):
    assert list(sorted(state_dict)) == list(sorted(converted)), "key sets differ"
    for key, value in state_dict.items():
        expected = value.numpy()
        if key.endswith("num_batches_tracked"):
            assert converted[key].dtype == np.int64 and converted[key].shape == expected.shape, key
        else:
            assert converted[key].dtype == np.float32, key
        assert np.array_equal(converted[key], expected), key


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.safetensors")

        # 1. A plain torchvision state_dict, with BN statistics that are not the defaults.
        model = torchvision.models.resnet18(weights=None)
        with torch.no_grad():
            for name, buffer in model.named_buffers():
                if name.endswith("running_mean"):
                    buffer.normal_()
                elif name.endswith("num_batches_tracked"):
                    buffer.fill_(7)
        state = model.state_dict()
        torch.save(state, os.path.join(tmp, "resnet18.pth"))
        result = run(os.path.join(tmp, "resnet18.pth"), out, "--check", "resnet18")
        assert result.returncode == 0, result.stderr
        assert_same(state, read_safetensors(out))
        print("resnet18 state_dict:", result.stdout.strip())
        try:
            from safetensors.torch import load_file
            loaded = load_file(out)
            assert all(torch.equal(loaded[k], v) for k, v in state.items())
            print("  the safetensors package reads it back identically")
        except ImportError:
            pass

        # 2. A training checkpoint of a DataParallel model, F16 weights, under "state_dict".
        half = OrderedDict(("module." + k, v.half() if v.is_floating_point() else v) for k, v in state.items())
        torch.save({"epoch": 3, "state_dict": half}, os.path.join(tmp, "ckpt.pth"))
        result = run(os.path.join(tmp, "ckpt.pth"), out, "--check", "resnet18")
        assert result.returncode == 0, result.stderr
        assert_same(OrderedDict((k[7:], v.float() if v.is_floating_point() else v) for k, v in half.items()),
                    read_safetensors(out))
        print("DataParallel F16 training checkpoint: ok")

        # 3. torchvision's legacy DenseNet names ("norm.1" instead of "norm1").
        dense = torchvision.models.densenet121(weights=None).state_dict()
        legacy = OrderedDict()
        for key, value in dense.items():
            for part in ("norm", "relu", "conv"):
                for index in ("1", "2"):
                    key = key.replace(f".{part}{index}.", f".{part}.{index}.") if "denselayer" in key else key
            legacy[key] = value
        assert "features.denseblock1.denselayer1.norm.1.weight" in legacy
        torch.save(legacy, os.path.join(tmp, "densenet_legacy.pth"))
        result = run(os.path.join(tmp, "densenet_legacy.pth"), out, "--check", "densenet121")
        assert result.returncode == 0, result.stderr
        assert_same(dense, read_safetensors(out))
        print("legacy DenseNet keys renamed: ok")

        # 4. A whole pickled module: refused by the safe loader unless the user trusts the file.
        torch.save(model, os.path.join(tmp, "module.pth"))
        result = run(os.path.join(tmp, "module.pth"), out)
        assert result.returncode == 1 and "--trust-pickle" in result.stderr, result.stderr
        print("pickled module without --trust-pickle:", result.stderr.strip())
        result = run(os.path.join(tmp, "module.pth"), out, "--trust-pickle")
        assert result.returncode == 0, result.stderr
        assert_same(state, read_safetensors(out))
        print("pickled module: ok")

        # 5. Clear errors: wrong architecture, and a file that holds no state_dict.
        result = run(os.path.join(tmp, "resnet18.pth"), out, "--check", "resnet34")
        assert result.returncode == 1 and "keys do not match resnet34" in result.stderr, result.stderr
        print("wrong architecture:", result.stderr.strip())
        torch.save({"epoch": 1, "lr": 0.1}, os.path.join(tmp, "empty.pth"))
        result = run(os.path.join(tmp, "empty.pth"), out, "--trust-pickle")  # torch 1.13's safe loader refuses floats
        assert result.returncode == 1 and "no state_dict found" in result.stderr, result.stderr
        print("no state_dict:", result.stderr.strip())
    print("all checks passed")


if __name__ == "__main__":
    main()
