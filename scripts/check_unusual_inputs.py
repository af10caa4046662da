#!/usr/bin/python3
"""Session check: `convscope run` equals PyTorch on unusual inputs — non-square (H ≠ W), sizes not divisible by
32, 1×1 inputs, batch 2–3, CIFAR nets at non-32 sizes — for the logits and, with --dump all, every module's output
(each module with a forward hook; the last call for a module applied more than once).

Weights: `convscope export-weights NAME --seed 20261129 --test-stats` loaded into the torchvision / timm / seed
model of scripts/make_exec_fixtures.py. Prints one line per case; exits 1 if any differs by more than
1e-4 × max |reference|.
Usage: scripts/check_unusual_inputs.py [.build/release/convscope] [MODEL ...]
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_exec_fixtures as mef  # noqa: E402

CASES = [
    ("resnet18", (1, 3, 97, 161)), ("resnet18", (3, 3, 64, 64)), ("resnet18", (1, 3, 1, 1)),
    ("resnet50", (1, 3, 31, 31)), ("densenet121", (1, 3, 70, 45)), ("densenet121", (2, 3, 161, 97)),
    ("densenet161", (1, 3, 32, 40)), ("skresnet18", (2, 3, 45, 61)), ("skresnet18", (3, 3, 33, 33)),
    ("skresnext50_32x4d", (1, 3, 40, 57)), ("seresnet50", (1, 3, 45, 97)), ("resnest14d", (2, 3, 45, 61)),
    ("resnest14d", (2, 3, 1, 1)), ("resnest26d", (1, 3, 17, 9)), ("resnest50d", (1, 3, 33, 75)),
    ("resnest101e", (1, 3, 29, 31)), ("senet18", (3, 3, 40, 40)), ("senet18", (2, 3, 20, 28)),
    ("sknet_cifar", (1, 3, 36, 20)), ("sknet_cifar", (2, 3, 40, 40)), ("densenet_bc_100", (2, 3, 40, 40)),
    ("densenet_bc_100", (1, 3, 20, 28)),
]


def check(binary, name, shape, tmp):
    model = mef.MODELS[name][0]().eval()
    model.load_state_dict(mef.exported_state_dict(binary, name, model), strict=True)
    weights = os.path.join(tmp, "w.safetensors")
    subprocess.run([binary, "export-weights", name, weights, "--seed", str(mef.WEIGHT_SEED), "--test-stats"],
                   check=True, stdout=subprocess.DEVNULL)
    x = np.random.default_rng(sum(shape)).standard_normal(shape).astype(np.float32)
    np.save(os.path.join(tmp, "x.npy"), x)
    hooked = {}
    for path, module in model.named_modules():
        if path:
            module.register_forward_hook(
                lambda m, i, o, path=path: hooked.__setitem__(path, o.detach().numpy().copy())
                if torch.is_tensor(o) else None)
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    dumps = os.path.join(tmp, "d")
    subprocess.run([binary, "run", name, "--weights", weights, "--input", os.path.join(tmp, "x.npy"), "--output",
                    os.path.join(tmp, "y.npy"), "--dump", "all", "--dump-dir", dumps, "--top", "0"],
                   check=True, stdout=subprocess.DEVNULL)
    got = np.load(os.path.join(tmp, "y.npy"))
    worst, where = np.abs(got - want).max() / np.abs(want).max(), "logits"
    for path, reference in hooked.items():
        dumped = np.load(os.path.join(dumps, path + ".npy")).reshape(reference.shape)
        ratio = np.abs(dumped - reference).max() / max(np.abs(reference).max(), 1e-6)
        if ratio > worst:
            worst, where = ratio, path
    passed = worst <= 1e-4
    print(f"{name} {shape}: logits and {len(hooked)} module outputs, worst {worst:.2e} at {where} "
          f"{'OK' if passed else 'FAIL'}", flush=True)
    return passed


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/convscope"
    names = set(sys.argv[2:])
    torch.set_num_threads(2)
    ok = True
    for name, shape in CASES:
        if names and name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            ok &= check(binary, name, shape, tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
