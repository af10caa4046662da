#!/usr/bin/python3
"""Session check: `convscope run` on weights converted from PyTorch gives PyTorch's logits.

Builds a torchvision / timm model with PyTorch's own random init and randomised BN statistics, writes its
state_dict as safetensors twice (with and without num_batches_tracked), a random input as .npy, then runs
`convscope run MODEL --weights … --input … --output …` on each and compares with model(x).
Usage: scripts/check_run_vs_torch.py [.build/release/convscope] [MODEL ...]   (default: resnet50)
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchvision
from safetensors.torch import save_file

from random_batch_norms import randomize_batch_norms


def build(name):
    if hasattr(torchvision.models, name):
        return getattr(torchvision.models, name)(weights=None)
    import timm
    return timm.create_model(name, pretrained=False)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/convscope"
    names = sys.argv[2:] or ["resnet50"]
    torch.manual_seed(0)
    ok = True
    for name in names:
        model = build(name).eval()
        randomize_batch_norms(model)
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.num_batches_tracked.fill_(1234)
        x = torch.randn(2, 3, 224, 224)
        with torch.no_grad():
            want = model(x).numpy()
        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        with tempfile.TemporaryDirectory() as tmp:
            np.save(os.path.join(tmp, "x.npy"), x.numpy())
            variants = {
                "with num_batches_tracked": state,
                "without num_batches_tracked": {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")},
            }
            for label, sd in variants.items():
                weights = os.path.join(tmp, "w.safetensors")
                save_file(sd, weights)
                out = os.path.join(tmp, "y.npy")
                subprocess.run([binary, "run", name, "--weights", weights, "--input", os.path.join(tmp, "x.npy"),
                                "--output", out, "--top", "0"], check=True, stdout=subprocess.DEVNULL)
                got = np.load(out)
                diff = np.abs(got - want).max()
                scale = np.abs(want).max()
                passed = diff <= 1e-4 * scale
                ok &= passed
                print(f"{name} {label}: max|diff| {diff:.3g}, max|logit| {scale:.3g}, "
                      f"ratio {diff / scale:.3g} {'OK' if passed else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
