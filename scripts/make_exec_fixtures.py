#!/usr/bin/python3
"""Reference forward passes for the executor's exactness tests (Tests/Fixtures/exec/).

For every zoo model: the weights `convscope export-weights MODEL W --seed S --test-stats` writes, loaded
(strictly: same keys and shapes) into the torchvision / timm / seed reference model; a seeded input; then
PyTorch's logits, and for one model per family the attention weights of one block and the output of one
intermediate node. Only the seeds, sizes and these outputs are committed (manifest.json + small .npy files);
the Swift test regenerates the same weights and input from the seeds.

Usage (repository root, after `swift build -c release`):
  scripts/make_exec_fixtures.py [--convscope .build/release/convscope] [MODEL ...]
Needs torch, torchvision, numpy, safetensors and timm==0.9.16.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import timm
import torch
import torchvision
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_nets import SENet, SKNet, densenet_bc_100  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "exec")
WEIGHT_SEED = 20261129
INPUT_SEED = 7
BATCH = 2
MASK64 = (1 << 64) - 1


# ---- the seeded input, as Sources/NN/WeightInit.swift makes it ----------------------------------------------

def fnv1a(key):
    h = 0xCBF29CE484222325
    for b in key.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & MASK64
    return h


def seeded_uniform(seed, key, count, low, high):
    """TensorCore's SeededGenerator (SplitMix64-seeded xoshiro256**) on seed ^ FNV-1a(key):
    u = top 24 bits · 2⁻²⁴, value = low + (high − low)·u, all in float32."""
    x = (seed ^ fnv1a(key)) & MASK64
    state = []
    for _ in range(4):
        x = (x + 0x9E3779B97F4A7C15) & MASK64
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        state.append(z ^ (z >> 31))
    s0, s1, s2, s3 = state
    rotl = lambda v, k: ((v << k) | (v >> (64 - k))) & MASK64
    units = np.empty(count, dtype=np.float32)
    for i in range(count):
        result = (rotl((s1 * 5) & MASK64, 7) * 9) & MASK64
        t = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        units[i] = np.float32(result >> 40) * np.float32(2.0 ** -24)
    low = np.float32(low)
    return low + (np.float32(high) - low) * units


def seeded_input(seed, shape):
    return seeded_uniform(seed, "input", int(np.prod(shape)), -2, 2).reshape(shape)


def exported_state_dict(binary, name, model, flags=(), seed=WEIGHT_SEED, test_stats=True):
    """What `convscope export-weights NAME W [--set K=V ...] --seed SEED [--test-stats]` writes, checked against the
    model's keys and shapes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "w.safetensors")
        stats = ["--test-stats"] if test_stats else []
        subprocess.run([binary, "export-weights", name, path, *flags, "--seed", str(seed), *stats],
                       check=True, stdout=subprocess.DEVNULL)
        state = load_file(path)
    expected = model.state_dict()
    assert set(state) == set(expected), f"{name}: key sets differ: {sorted(set(state) ^ set(expected))[:8]}"
    for key, value in expected.items():
        assert tuple(state[key].shape) == tuple(value.shape), f"{name}: {key} {state[key].shape} vs {value.shape}"
    return state


# ---- what to compare ---------------------------------------------------------------------------------------

def tv(name):
    return lambda: getattr(torchvision.models, name)(weights=None)


def tm(name):
    return lambda: timm.create_model(name, pretrained=False)


# name: (constructor, input size, intermediate node, attention (path, hook module, kind) or None)
MODELS = {
    "resnet18": (tv("resnet18"), 64, None, None),
    "resnet34": (tv("resnet34"), 64, None, None),
    "resnet50": (tv("resnet50"), 64, "layer4.1.conv2", None),
    "resnet101": (tv("resnet101"), 64, None, None),
    "resnet152": (tv("resnet152"), 64, None, None),
    "densenet121": (tv("densenet121"), 64, "features.transition3", None),
    "densenet161": (tv("densenet161"), 64, None, None),
    "densenet169": (tv("densenet169"), 64, None, None),
    "densenet201": (tv("densenet201"), 64, None, None),
    "densenet_bc_100": (densenet_bc_100, 32, "features.denseblock2.denselayer3", None),
    "senet18": (SENet, 16, "layer4.1", ("layer2.0", "gate", "se")),
    "seresnet50": (tm("seresnet50"), 64, "layer4.0.se", ("layer4.0.se", "layer4.0.se.gate", "se")),
    "sknet_cifar": (SKNet, 16, "stage_2.0.feas.2", ("stage_2.0.feas.2", "stage_2.0.feas.2.softmax", "sk")),
    "skresnet18": (tm("skresnet18"), 64, "layer4.0.conv1", ("layer4.0.conv1", "layer4.0.conv1.attn", "sk")),
    "skresnet34": (tm("skresnet34"), 64, None, None),
    "skresnext50_32x4d": (tm("skresnext50_32x4d"), 64, "layer4.0.conv2", ("layer4.0.conv2", "layer4.0.conv2.attn", "sk")),
    "resnest14d": (tm("resnest14d"), 64, None, None),
    "resnest26d": (tm("resnest26d"), 64, None, None),
    "resnest50d": (tm("resnest50d"), 64, "layer4.1.conv2", ("layer4.1.conv2", "layer4.1.conv2.rsoftmax", "split")),
    "resnest101e": (tm("resnest101e"), 64, None, None),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convscope", default=".build/release/convscope", help="the convscope binary")
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    manifest_path = os.path.join(OUT, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest["weight_seed"] = WEIGHT_SEED
    manifest["input_seed"] = INPUT_SEED
    manifest["batch"] = BATCH
    models = manifest.setdefault("models", {})
    torch.set_num_threads(2)
    for name in args.models or MODELS:
        build, size, node, attention = MODELS[name]
        model = build().eval()
        model.load_state_dict(exported_state_dict(args.convscope, name, model), strict=True)
        captured = {}
        modules = dict(model.named_modules())
        if node:
            modules[node].register_forward_hook(lambda m, i, o: captured.__setitem__("node", o.detach().clone()))
        if attention and attention[1] in modules:
            modules[attention[1]].register_forward_hook(lambda m, i, o: captured.__setitem__("attention", o.detach().clone()))
        x = torch.from_numpy(seeded_input(INPUT_SEED, [BATCH, 3, size, size]))
        with torch.no_grad():
            logits = model(x)
        entry = {"input_size": size, "logits": f"{name}.logits.npy"}
        np.save(os.path.join(OUT, entry["logits"]), logits.numpy().astype(np.float32))
        if node:
            entry["node"] = node
            entry["node_file"] = f"{name}.node.npy"
            np.save(os.path.join(OUT, entry["node_file"]), captured["node"].numpy().astype(np.float32))
        if attention:
            path, _, kind = attention
            weights = captured.get("attention")
            if weights is None:  # the seed's PreActBlock keeps its gate on the block
                weights = modules[path].gate
            n = weights.shape[0]
            if kind == "se":
                weights = weights.reshape(n, -1)
            else:
                branches = 2
                weights = weights.reshape(n, branches, -1)
            entry.update(attention=path, attention_kind=kind, attention_file=f"{name}.attention.npy")
            np.save(os.path.join(OUT, entry["attention_file"]), weights.numpy().astype(np.float32))
        models[name] = entry
        print(f"{name}: logits {tuple(logits.shape)} max|·| {logits.abs().max().item():.4g}", file=sys.stderr)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
