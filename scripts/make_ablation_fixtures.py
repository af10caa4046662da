#!/usr/bin/python3
"""Reference logits of intervened networks for the executor's intervention tests (Tests/Fixtures/ablate/).

Each case: a zoo model with the weights `convscope export-weights MODEL W --seed S --test-stats` writes (loaded
strictly into the torchvision / timm / seed reference), the seeded input of make_exec_fixtures.py, and
interventions applied by PyTorch forward hooks, exactly as README's "Interventions" defines them:
- a block's branch off: the module that ends the branch returns zeros, so the block returns post(shortcut(x));
- a block's shortcut off (and --plain: every block's): the shortcut returns zeros, so the block returns post(branch(x));
- an SE node off: its gate returns ones (the seed's inline SE: its fc2 returns 100, whose sigmoid is 1.0 in float32);
- SK / split attention: the attention's softmax output replaced by 1/M (1/R) or a one-hot branch (split);
- a dense layer off: it returns zeros.
Only the cases and logits are committed (manifest.json + small .npy files).

Usage (repository root, after `swift build -c release`):
  scripts/make_ablation_fixtures.py [--convscope .build/release/convscope]
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_exec_fixtures import BATCH, INPUT_SEED, MODELS, WEIGHT_SEED, exported_state_dict, seeded_input  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "ablate")

# (model, input size, specs, plain)
CASES = [
    ("resnet18", 64, ["layer1.0"], False),
    ("resnet18", 64, ["layer2.0"], False),  # a downsampling block: post(downsample(x))
    ("resnet18", 64, ["layer2.0:shortcut", "layer3.1:shortcut"], False),
    ("resnet18", 64, [], True),
    ("resnet50", 64, ["layer3.2"], False),
    ("seresnet50", 64, ["layer1.0.se", "layer3.1.se"], False),
    ("seresnet50", 64, ["layer4.0"], False),
    ("senet18", 16, ["layer2.0"], False),  # its projection shortcut takes relu(bn1(x))
    ("senet18", 16, ["layer1.1:se", "layer3.0:shortcut"], False),
    ("skresnet18", 64, ["layer2.0.conv1", "layer3.1.conv1:branch=1"], False),
    ("skresnext50_32x4d", 64, ["layer1.0.conv2:branch=0"], False),
    ("sknet_cifar", 16, ["stage_1.0.feas.2:uniform", "stage_2.2"], False),
    ("resnest14d", 64, ["layer2.0.conv2", "layer1.0.conv2:split=1"], False),
    ("resnest14d", 64, ["layer3.0"], False),
    ("densenet121", 64, ["features.denseblock2.denselayer5"], False),
    ("densenet_bc_100", 32, ["features.denseblock1.denselayer3", "features.denseblock3.denselayer16"], False),
]


class Zeroed(nn.Module):
    """A shortcut switched off: zeros of the shape the shortcut (or the identity) would return."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.zeros_like(self.inner(x) if self.inner is not None else x)


def branch_end(block):
    """The module whose output ends a residual block's branch (zero it and the sum is the shortcut)."""
    name = type(block).__name__
    if name == "BasicBlock":
        return block.bn2
    if name in ("Bottleneck", "ResNestBottleneck"):
        return block.bn3
    if name == "SelectiveKernelBasic":
        return block.conv2
    if name == "SelectiveKernelBottleneck":
        return block.conv3
    if name == "PreActBlock":
        return block.conv2
    if name == "SKUnit":
        return block.feas
    raise ValueError(f"no branch end known for {name}")


def shortcut_off(block):
    name = type(block).__name__
    if name in ("PreActBlock", "SKUnit"):
        block.shortcut = Zeroed(getattr(block, "shortcut", None))
    else:
        block.downsample = Zeroed(block.downsample)


def is_block(module):
    return type(module).__name__ in (
        "BasicBlock", "Bottleneck", "ResNestBottleneck", "SelectiveKernelBasic", "SelectiveKernelBottleneck",
        "PreActBlock", "SKUnit")


def fixed_mixing(output, branches, choice):
    """Branch weights replaced: `choice` None = uniform 1/M, else one-hot; shape kept."""
    n = output.shape[0]
    view = torch.zeros(n, branches, output.numel() // (n * branches), dtype=output.dtype)
    if choice is None:
        view.fill_(1.0 / branches)
    else:
        view[:, choice] = 1.0
    return view.reshape(output.shape)


def apply(model, spec):
    modules = dict(model.named_modules())
    path, _, qualifier = spec.partition(":")
    module = modules[path]
    kind = type(module).__name__
    if is_block(module):
        if qualifier in ("", "branch"):
            branch_end(module).register_forward_hook(lambda m, i, o: torch.zeros_like(o))
        elif qualifier == "shortcut":
            shortcut_off(module)
        elif qualifier == "se":  # the seed's inline SE: sigmoid(100) == 1.0 in float32
            module.fc2.register_forward_hook(lambda m, i, o: torch.full_like(o, 100.0))
        else:
            raise ValueError(spec)
    elif kind == "SEModule":
        module.gate.register_forward_hook(lambda m, i, o: torch.ones_like(o))
    elif kind in ("SelectiveKernel", "SKConv"):
        choice = None if qualifier in ("", "uniform") else int(qualifier.split("=")[1])
        attn = module.attn if kind == "SelectiveKernel" else module.softmax
        m = len(module.paths) if kind == "SelectiveKernel" else len(module.convs)
        attn.register_forward_hook(lambda mod, i, o: fixed_mixing(o, m, choice))
    elif kind == "SplitAttn":
        choice = None if qualifier in ("", "uniform") else int(qualifier.split("=")[1])
        r = module.radix
        if r == 1:
            module.rsoftmax.register_forward_hook(lambda mod, i, o: torch.ones_like(o))
        else:
            module.rsoftmax.register_forward_hook(lambda mod, i, o: fixed_mixing(o, r, choice))
    elif kind == "_DenseLayer":
        module.register_forward_hook(lambda m, i, o: torch.zeros_like(o))
    else:
        raise ValueError(f"{spec}: {kind}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convscope", default=".build/release/convscope", help="the convscope binary")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    cases = []
    for index, (name, size, specs, plain) in enumerate(CASES):
        build = MODELS[name][0]
        model = build().eval()
        model.load_state_dict(exported_state_dict(args.convscope, name, model), strict=True)
        for spec in specs:
            apply(model, spec)
        if plain:
            for module in list(model.modules()):
                if is_block(module):
                    shortcut_off(module)
        x = torch.from_numpy(seeded_input(INPUT_SEED, [BATCH, 3, size, size]))
        with torch.no_grad():
            logits = model(x)
        file = f"{index:02d}_{name}.logits.npy"
        np.save(os.path.join(OUT, file), logits.numpy().astype(np.float32))
        cases.append({"model": name, "input_size": size, "ablate": specs, "plain": plain, "logits": file})
        print(f"{name} {specs} plain={plain}: max|logit| {logits.abs().max().item():.4g}", file=sys.stderr)
    manifest = {"weight_seed": WEIGHT_SEED, "batch": BATCH, "input_seed": INPUT_SEED, "cases": cases}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
