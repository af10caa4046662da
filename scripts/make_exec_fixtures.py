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
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from safetensors.torch import load_file

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


def exported_state_dict(binary, name, model):
    """What `convscope export-weights NAME --seed WEIGHT_SEED --test-stats` writes, checked against the model."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "w.safetensors")
        subprocess.run([binary, "export-weights", name, path, "--seed", str(WEIGHT_SEED), "--test-stats"], check=True,
                       stdout=subprocess.DEVNULL)
        state = load_file(path)
    expected = model.state_dict()
    assert set(state) == set(expected), f"{name}: key sets differ: {sorted(set(state) ^ set(expected))[:8]}"
    for key, value in expected.items():
        assert tuple(state[key].shape) == tuple(value.shape), f"{name}: {key} {state[key].shape} vs {value.shape}"
    return state


# ---- the seed's CIFAR nets, bugs fixed (see shared seed README) ---------------------------------------------

class PreActBlock(nn.Module):
    """kuangliu pytorch-cifar PreActBlock with SE (the seed's SENet18 block)."""

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_planes)
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride, bias=False))
        self.fc1 = nn.Conv2d(planes, planes // 16, 1)
        self.fc2 = nn.Conv2d(planes // 16, planes, 1)
        self.gate = None

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, "shortcut") else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        w = F.adaptive_avg_pool2d(out, 1)
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))
        self.gate = w.flatten(1)
        return out * w + shortcut


class SENet18(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.in_planes = 64
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = self._make_layer(64, 2, 1)
        self.layer2 = self._make_layer(128, 2, 2)
        self.layer3 = self._make_layer(256, 2, 2)
        self.layer4 = self._make_layer(512, 2, 2)
        self.linear = nn.Linear(512, num_classes)

    def _make_layer(self, planes, blocks, stride):
        layers = []
        for s in [stride] + [1] * (blocks - 1):
            layers.append(PreActBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


class SKConv(nn.Module):
    def __init__(self, features, M, G, r, stride=1, L=32):
        super().__init__()
        d = max(int(features / r), L)
        self.convs = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(features, features, 3 + i * 2, stride, 1 + i, groups=G),
                nn.BatchNorm2d(features), nn.ReLU(inplace=False))
            for i in range(M)])
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(features, d)
        self.fcs = nn.ModuleList([nn.Linear(d, features) for _ in range(M)])
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        feas = torch.stack([conv(x) for conv in self.convs], dim=1)
        fea_z = self.fc(self.gap(feas.sum(dim=1)).flatten(1))
        att = self.softmax(torch.stack([fc(fea_z) for fc in self.fcs], dim=1))
        return (feas * att[:, :, :, None, None]).sum(dim=1)


class SKUnit(nn.Module):
    def __init__(self, in_features, out_features, M, G, r, stride=1, L=32):
        super().__init__()
        mid = out_features // 2
        self.feas = nn.Sequential(
            nn.Conv2d(in_features, mid, 1), nn.BatchNorm2d(mid), SKConv(mid, M, G, r, stride, L),
            nn.BatchNorm2d(mid), nn.Conv2d(mid, out_features, 1), nn.BatchNorm2d(out_features))
        if in_features == out_features:
            self.shortcut = nn.Sequential()
        else:
            self.shortcut = nn.Sequential(nn.Conv2d(in_features, out_features, 1, stride), nn.BatchNorm2d(out_features))

    def forward(self, x):
        return self.feas(x) + self.shortcut(x)


class SKNetCifar(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.basic_conv = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.BatchNorm2d(64))
        stage = lambda i, o: nn.Sequential(
            SKUnit(i, o, 2, 8, 2, stride=2), nn.ReLU(), SKUnit(o, o, 2, 8, 2), nn.ReLU(), SKUnit(o, o, 2, 8, 2), nn.ReLU())
        self.stage_1 = stage(64, 256)
        self.stage_2 = stage(256, 512)
        self.stage_3 = stage(512, 1024)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(1024, num_classes))

    def forward(self, x):
        fea = self.stage_3(self.stage_2(self.stage_1(self.basic_conv(x))))
        return self.classifier(self.pool(fea).flatten(1))


def densenet_bc_100():
    net = torchvision.models.DenseNet(growth_rate=12, block_config=(16, 16, 16), num_init_features=24, bn_size=4,
                                      num_classes=10)
    features = net.features
    del features.norm0, features.relu0, features.pool0
    features.conv0 = nn.Conv2d(3, 24, 3, 1, 1, bias=False)
    return net


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
    "senet18": (SENet18, 16, "layer4.1", ("layer2.0", "gate", "se")),
    "seresnet50": (tm("seresnet50"), 64, "layer4.0.se", ("layer4.0.se", "layer4.0.se.gate", "se")),
    "sknet_cifar": (SKNetCifar, 16, "stage_2.0.feas.2", ("stage_2.0.feas.2", "stage_2.0.feas.2.softmax", "sk")),
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
