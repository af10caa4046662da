#!/usr/bin/python3
"""Compares `convscope grad MODEL --dump-grads --dump-input-grad` with PyTorch autograd, in full, for one model.

Usage: scripts/check_grad_vs_torch.py MODEL [--size S] [--class C | --label Y] [--ablate SPEC ...] [--plain]
Prints, per tensor, max |Δ| / max |g| and fails when any exceeds 1e-3 (the bound of Tests/ModelsTests/GradientTests).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_grad_fixtures import build  # noqa: E402
from make_exec_fixtures import INPUT_SEED, seeded_input  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--convscope", default=".build/release/convscope")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--class", dest="cls", type=int)
    parser.add_argument("--label", type=int)
    parser.add_argument("--ablate", action="append", default=[])
    parser.add_argument("--plain", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    model = build(args.model, args.convscope, args.ablate, args.plain)
    x = seeded_input(INPUT_SEED, [args.batch, 3, args.size, args.size])
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "x.npy"), x)
        weights = os.path.join(tmp, "w.safetensors")
        from make_exec_fixtures import WEIGHT_SEED
        subprocess.run([args.convscope, "export-weights", args.model, weights, "--seed", str(WEIGHT_SEED),
                        "--test-stats"], check=True, stdout=subprocess.DEVNULL)
        cmd = [args.convscope, "grad", args.model, "--weights", weights, "--input", os.path.join(tmp, "x.npy"),
               "--dump-grads", os.path.join(tmp, "g.safetensors"), "--dump-input-grad", os.path.join(tmp, "dx.npy"),
               "--format", "json"]
        cmd += ["--class", str(args.cls)] if args.cls is not None else []
        cmd += ["--label", str(args.label)] if args.label is not None else []
        for spec in args.ablate:
            cmd += ["--ablate", spec]
        cmd += ["--plain"] if args.plain else []
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        ours = load_file(os.path.join(tmp, "g.safetensors"))
        dx = np.load(os.path.join(tmp, "dx.npy"))
    xt = torch.from_numpy(x).requires_grad_(True)
    logits = model(xt)
    if args.label is not None:
        loss = F.cross_entropy(logits, torch.full((args.batch,), args.label, dtype=torch.long))
    else:
        c = args.cls if args.cls is not None else int(logits[0].argmax())
        loss = logits[:, c].sum()
    loss.backward()
    worst = 0.0
    rows = [("input", dx, xt.grad.numpy())]
    for key, p in [(k.replace(".inner.", "."), v) for k, v in model.named_parameters()]:
        ref = p.grad.numpy() if p.grad is not None else np.zeros(p.shape, np.float32)
        rows.append((key, ours[key].numpy(), ref))
    assert set(ours) == {k.replace(".inner.", ".") for k, _ in model.named_parameters()}, "key sets differ"
    for key, got, ref in rows:
        scale = np.abs(ref).max()
        err = np.abs(got - ref).max() / scale if scale > 0 else np.abs(got).max()
        worst = max(worst, err)
        if err > 1e-4:
            print(f"{key}: max|Δ|/max|g| = {err:.2e} (max|g| {scale:.3g})")
    print(f"{args.model}: {len(rows)} tensors, worst max|Δ|/max|g| = {worst:.2e}")
    sys.exit(0 if worst <= 1e-3 else 1)


if __name__ == "__main__":
    main()
