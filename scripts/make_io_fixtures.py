#!/usr/bin/python3
"""Writes small safetensors and .npy files with PyTorch / NumPy for the NN reader tests.

Outputs go to Tests/Fixtures/io/ (a few KB): files written by the reference libraries themselves,
and expected.json with the exact float32 values each one must decode to (half/bfloat16 values are
listed after conversion to float32, so the Swift test compares bit for bit).
Run from the repository root: scripts/make_io_fixtures.py
"""
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "io")
os.makedirs(OUT, exist_ok=True)
expected = {}


def record(name, array):
    a = np.asarray(array, dtype=np.float32)
    expected[name] = {"shape": list(a.shape), "values": [repr(float(v)) for v in a.reshape(-1)]}


# Safetensors: one BatchNorm-like state dict in F32, a conv weight in F16 and BF16, an I64 counter.
base = (torch.arange(24, dtype=torch.float32).reshape(2, 3, 2, 2) - 11.5) / 7
special = torch.tensor([0.1, -2.5, 65504.0, 5.960464477539063e-08, 1e-5, -0.0, 3.140625, 1000.0])
tensors = {
    "conv.weight": base,
    "half.weight": base.half(),
    "bf16.weight": base.bfloat16(),
    "half.special": special.half(),
    "bf16.special": special.bfloat16(),
    "bn.running_mean": torch.tensor([0.5, -0.25, 2.0]),
    "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
    "scalar": torch.tensor(3.5),
}
save_file(tensors, os.path.join(OUT, "torch.safetensors"), metadata={"format": "pt"})
for k, v in tensors.items():
    if v.dtype != torch.int64:
        record("safetensors:" + k, v.float().numpy())

# .npy in every supported dtype and header version, and two the reader must refuse.
a = (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5) / 3
np.save(os.path.join(OUT, "f4.npy"), a)
record("f4.npy", a)
d = np.array([0.1, -1e-3, 123456.789], dtype=np.float64)
np.save(os.path.join(OUT, "f8.npy"), d)
record("f8.npy", d.astype(np.float32))
h = np.array([[0.1, -2.5], [65504.0, 6e-8]], dtype=np.float16)
np.save(os.path.join(OUT, "f2.npy"), h)
record("f2.npy", h.astype(np.float32))
np.save(os.path.join(OUT, "scalar.npy"), np.float32(-4.25))
record("scalar.npy", np.float32(-4.25))
with open(os.path.join(OUT, "v2.npy"), "wb") as f:
    np.lib.format.write_array(f, a.reshape(1, 2, 3, 1), version=(2, 0))
record("v2.npy", a.reshape(1, 2, 3, 1))
np.save(os.path.join(OUT, "fortran.npy"), np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.save(os.path.join(OUT, "int32.npy"), np.arange(4, dtype=np.int32))

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
