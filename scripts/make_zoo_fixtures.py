#!/usr/bin/python3
"""Writes Tests/Fixtures/zoo/<model>.txt: one line per module of the PyTorch reference model.

Each line: `path kind output_shape tensors`, where path is the named_modules() path ("-" for the root), kind the
class name, output_shape the shape a forward hook sees for a batch-2 input at the model's default size ("-" when the
module is never called; the last call's output when it is called several times), and tensors the module's own
state_dict entries as name=d0,d1,... (a scalar is name=). Needs torch 1.13, torchvision and timm==0.9.16.
The three CIFAR nets come from seed_nets.py (the seed's listings with its bugs fixed).
"""
import os
import sys

import timm
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_nets import SENet, SKNet, densenet_bc_100  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "zoo")


# Written module for module (one file each); every zoo model also gets a digest line in digests.txt.
DETAILED = ["resnet18", "resnet50", "densenet121", "densenet_bc_100", "senet18", "seresnet50", "skresnet18",
            "skresnext50_32x4d", "sknet_cifar", "resnest14d"]

MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(), 224),
    "resnet50": (lambda: torchvision.models.resnet50(), 224),
    "densenet121": (lambda: torchvision.models.densenet121(), 224),
    "densenet_bc_100": (densenet_bc_100, 32),
    "senet18": (lambda: SENet(), 32),
    "seresnet50": (lambda: timm.create_model("seresnet50"), 224),
    "skresnet18": (lambda: timm.create_model("skresnet18"), 224),
    "skresnext50_32x4d": (lambda: timm.create_model("skresnext50_32x4d"), 224),
    "sknet_cifar": (lambda: SKNet(), 32),
    "resnest14d": (lambda: timm.create_model("resnest14d"), 224),
    "resnet34": (lambda: torchvision.models.resnet34(), 224),
    "resnet101": (lambda: torchvision.models.resnet101(), 224),
    "resnet152": (lambda: torchvision.models.resnet152(), 224),
    "densenet161": (lambda: torchvision.models.densenet161(), 224),
    "densenet169": (lambda: torchvision.models.densenet169(), 224),
    "densenet201": (lambda: torchvision.models.densenet201(), 224),
    "skresnet34": (lambda: timm.create_model("skresnet34"), 224),
    "resnest26d": (lambda: timm.create_model("resnest26d"), 224),
    "resnest50d": (lambda: timm.create_model("resnest50d"), 224),
    "resnest101e": (lambda: timm.create_model("resnest101e"), 224),
    # The presets (a base plus overrides), by torchvision's / timm's named constructors.
    "resnext50_32x4d": (lambda: torchvision.models.resnext50_32x4d(), 224),
    "resnext101_32x8d": (lambda: torchvision.models.resnext101_32x8d(), 224),
    "resnext101_64x4d": (lambda: torchvision.models.resnext101_64x4d(), 224),
    "wide_resnet50_2": (lambda: torchvision.models.wide_resnet50_2(), 224),
    "wide_resnet101_2": (lambda: torchvision.models.wide_resnet101_2(), 224),
    "seresnext50_32x4d": (lambda: timm.create_model("seresnext50_32x4d"), 224),
    "seresnext101_32x4d": (lambda: timm.create_model("seresnext101_32x4d"), 224),
    "seresnet101": (lambda: timm.create_model("seresnet101"), 224),
    "seresnet152": (lambda: timm.create_model("seresnet152"), 224),
    "skresnet50": (lambda: timm.create_model("skresnet50"), 224),
    "resnest200e": (lambda: timm.create_model("resnest200e"), 224),
    "resnest269e": (lambda: timm.create_model("resnest269e"), 224),
}


def dims(shape):
    return ",".join(str(d) for d in shape)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def describe(name, make, size):
    """The module lines of a model, as documented at the top."""
    torch.manual_seed(0)
    model = make().eval()
    outputs = {}

    def hook(path):
        def record(module, inputs, output):
            outputs[path] = "x".join(str(d) for d in output.shape)
        return record

    for path, module in model.named_modules():
        module.register_forward_hook(hook(path))
    with torch.no_grad():
        model(torch.zeros(2, 3, size, size))
    lines = []
    for path, module in model.named_modules():
        own = {**dict(module.named_parameters(recurse=False)), **dict(module.named_buffers(recurse=False))}
        tensors = " ".join(f"{k}={dims(v.shape)}" for k, v in own.items())
        lines.append(f"{path or '-'} {type(module).__name__} {outputs.get(path, '-')} {tensors}".rstrip())
    header = f"# {name} input 2x3x{size}x{size} params {sum(p.numel() for p in model.parameters())}"
    return header, lines


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    digests = []
    # Only the digests are rewritten when models are named; the detailed files stay as they are.
    only = sys.argv[1:]
    path = os.path.join(OUT, "digests.txt")
    known = {line.split()[0]: line for line in open(path).read().splitlines()[1:]} if only else {}
    for name, (make, size) in MODELS.items():
        if only and name not in only:
            if name in known:
                digests.append(known[name])
            continue
        header, lines = describe(name, make, size)
        text = "\n".join(lines) + "\n"
        digests.append(f"{name} {size} {len(lines)} {fnv1a64(text.encode()):016x}")
        if name in DETAILED:
            with open(os.path.join(OUT, name + ".txt"), "w") as f:
                f.write(header + "\n" + text)
        print(digests[-1])
    with open(os.path.join(OUT, "digests.txt"), "w") as f:
        f.write("# model input_size modules fnv1a64(module lines of every model, as in the detailed files)\n")
        f.write("\n".join(digests) + "\n")
