#!/usr/bin/python3
"""Reference gradients for the backward pass's tests (Tests/Fixtures/grad/).

Every zoo model with the weights `convscope export-weights MODEL W --seed S --test-stats` writes (loaded strictly
into the torchvision / timm / seed reference, `model.eval()`), the seeded input of make_exec_fixtures.py (batch 2,
requires_grad), an objective, then `loss.backward()`:
- class C: L = sum_n logits[n, C] (C omitted: sample 0's top-1 class), or
- label Y: L = F.cross_entropy(logits, [Y] * N) (reduction mean).
The reference runs in float64 (weights and input are float32 values, so exactly the same network): PyTorch's own
float32 gradients are not exact enough to judge 1e-3 · max|g| everywhere (densenet_bc_100's input gradient in
float32 differs from float64 by 2e-3 · max|g|). Interventions are PyTorch forward hooks as in make_ablation_fixtures.py (a zeroed or constant output passes no
gradient). Grad-CAM cases take A by a forward hook (default: the input of the head's global average pool) and
keep A's gradient with `retain_grad`.

Gradients of large models are not committed: per tensor (every parameter, no buffers, and the input) a summary:
L2 norm, L1 norm, sum, max |g| and the values at 4 fixed flat indices (k · 2654435761 mod count), which the Swift
tests compute the same way, keyed by state-dict key; for models of more than 200 parameter tensors only L2 norm and
max |g| of each, as a list in state-dict order (`ordered`), to keep the file small. Where PyTorch's float32 gradient
lies more than 1e-4 from its float64 one, the float32 summary is kept too (`alternates`). Grad-CAM cases commit alpha and the map in full (a few KB).

Usage (repository root, after `swift build -c release`):
  scripts/make_grad_fixtures.py [--convscope .build/release/convscope]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_ablation_fixtures import apply, is_block, shortcut_off  # noqa: E402
from make_exec_fixtures import BATCH, INPUT_SEED, MODELS, WEIGHT_SEED, exported_state_dict, seeded_input  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "grad")
SAMPLES = 4

# (model, input size, objective ("class", C or None) | ("label", Y), interventions, plain)
CASES = [(name, 16 if MODELS[name][1] == 16 else 32, ("class", None), [], False) for name in MODELS] + [
    ("resnet18", 32, ("label", 3), [], False),
    ("densenet121", 32, ("label", 7), [], False),
    ("resnet18", 32, ("class", 5), [], True),
    ("resnet18", 32, ("class", None), ["layer1.0", "layer2.0:shortcut"], False),
    ("seresnet50", 32, ("class", None), ["layer1.0.se"], False),
    ("senet18", 16, ("class", None), ["layer1.1:se"], False),
    ("skresnet18", 32, ("class", None), ["layer2.0.conv1", "layer3.1.conv1:branch=1"], False),
    ("sknet_cifar", 16, ("class", None), ["stage_1.0.feas.2:uniform"], False),
    ("resnest14d", 32, ("class", None), ["layer1.0.conv2:split=1", "layer2.0.conv2"], False),
    ("densenet121", 32, ("class", None), ["features.denseblock2.denselayer5"], False),
]

# (model, input size, class or None, layer path or None for the pool input)
CAMS = [
    ("resnet18", 64, None, None),
    ("resnet18", 64, 9, "layer3"),
    ("densenet121", 64, None, None),
    ("resnest14d", 64, 4, None),
]


def short(v):
    return float(f"{v:.6g}")


def summary(g, samples=SAMPLES):
    """[L2, L1, sum, max |g|, g at flat indices k · 2654435761 mod count for k < samples] (6 significant digits)."""
    flat = g.detach().reshape(-1).double().numpy()
    n = flat.size
    stats = [np.sqrt((flat * flat).sum()), np.abs(flat).sum(), flat.sum(), np.abs(flat).max()]
    return [short(v) for v in stats + [flat[(k * 2654435761) % n] for k in range(samples)]]


def build(name, binary, specs, plain, dtype=torch.float64):
    model = MODELS[name][0]().eval()
    model.load_state_dict(exported_state_dict(binary, name, model), strict=True)
    model.to(dtype)
    for spec in specs:
        apply(model, spec)
    if plain:
        for module in list(model.modules()):
            if is_block(module):
                shortcut_off(module)
    return model


def head_pool_input(model):
    """A forward pre-hook target: the module (or functional call) whose input is the head's pooled map."""
    for attr in ("avgpool", "global_pool", "pool"):
        if hasattr(model, attr):
            return getattr(model, attr)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convscope", default=".build/release/convscope", help="the convscope binary")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    cases = []
    for name, size, objective, specs, plain in CASES:
        runs = {}
        for dtype in (torch.float64, torch.float32):
            model = build(name, args.convscope, specs, plain, dtype)
            x = torch.from_numpy(seeded_input(INPUT_SEED, [BATCH, 3, size, size])).to(dtype).requires_grad_(True)
            logits = model(x)
            if objective[0] == "class":
                target = objective[1] if objective[1] is not None else int(logits[0].argmax())
                loss = logits[:, target].sum()
            else:
                target = objective[1]
                loss = F.cross_entropy(logits, torch.full((BATCH,), target, dtype=torch.long))
            loss.backward()
            named = [(k.replace(".inner.", "."), v) for k, v in model.named_parameters()]
            tensors = [("input", x.grad)] + [(k, p.grad if p.grad is not None else torch.zeros_like(p)) for k, p in named]
            runs[dtype] = (target, float(loss), tensors)
        target, loss, tensors = runs[torch.float64]
        large = len(tensors) > 201
        samples = 0 if large else SAMPLES
        grads, alternates = {}, {}
        for (key, g), (_, g32) in zip(tensors, runs[torch.float32][2]):
            ref, other = summary(g, SAMPLES if key == "input" else samples), summary(g32, SAMPLES if key == "input" else samples)
            grads[key] = ref
            # Where float32 PyTorch itself lies beyond 1e-4 of the float64 result (a ReLU or max decision flipped
            # by rounding, a sum that cancels), its float32 summary is kept as an equally valid reference.
            scale = max(ref[3], 1e-30)
            if abs(ref[0] - other[0]) > 1e-4 * ref[0] or any(abs(a - b) > 1e-4 * scale for a, b in zip(ref[3:], other[3:])):
                alternates[key] = other
        inputs = grads.pop("input")
        ordered = [[v[0], v[3]] for v in grads.values()] if large else []
        grads = {} if large else grads
        case = {
            "model": name, "input_size": size, "objective": objective[0], "target": target,
            "given": objective[1] is not None, "ablate": specs, "plain": plain, "loss": loss, "samples": samples,
            "input": inputs, "parameters": grads, "ordered": ordered, "alternates": alternates,
        }
        cases.append(case)
        print(f"{name} {objective} {specs} plain={plain}: loss {loss:.5g} |dx| {inputs[0]:.4g} "
              f"float32 apart: {sorted(alternates)[:4]}", file=sys.stderr)
    cams = []
    for name, size, cls, layer in CAMS:
        model = build(name, args.convscope, [], False)
        captured = {}

        def keep(tensor):
            tensor.retain_grad()
            captured["a"] = tensor

        modules = dict(model.named_modules())
        if layer is not None:
            modules[layer].register_forward_hook(lambda m, i, o: keep(o))
        elif name.startswith("densenet"):
            # torchvision DenseNet: relu(features(x)) enters the pool; a hook on features sees it before the relu.
            original = F.adaptive_avg_pool2d

            def pooled(t, size, _original=original):
                keep(t)
                return _original(t, size)
            F.adaptive_avg_pool2d = pooled
        else:
            head_pool_input(model).register_forward_pre_hook(lambda m, i: keep(i[0]))
        x = torch.from_numpy(seeded_input(INPUT_SEED, [BATCH, 3, size, size])).double()
        logits = model(x)
        if name.startswith("densenet") and layer is None:
            F.adaptive_avg_pool2d = original
        target = cls if cls is not None else int(logits[0].argmax())
        logits[:, target].sum().backward()
        a, g = captured["a"], captured["a"].grad
        alpha = g[0].mean(dim=(1, 2))
        cam = torch.relu((alpha[:, None, None] * a[0]).sum(0))
        cams.append({
            "model": name, "input_size": size, "class": target, "given": cls is not None, "layer": layer,
            "alpha": [float(v) for v in alpha], "cam": cam.detach().double().tolist(),
        })
        print(f"cam {name} {layer}: class {target} map {tuple(cam.shape)}", file=sys.stderr)
    manifest = {"weight_seed": WEIGHT_SEED, "input_seed": INPUT_SEED, "batch": BATCH, "cases": cases, "cams": cams}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
