#!/usr/bin/python3
"""Reference figures and logits of model variants (Tests/Fixtures/variants/), each built by its reference constructor.

A variant is a zoo base plus `--set KEY=VALUE` overrides (README: Variants); its reference is the base's constructor
called with those arguments: torchvision `models.resnet.ResNet(block, layers, num_classes=, groups=,
width_per_group=)` and `models.DenseNet(...)`, timm 0.9.16 `models.resnet.ResNet(block, layers, cardinality=,
base_width=, stem_width=, stem_type=, avg_down=, num_classes=, block_args=...)` as timm's own constructor for the base
passes them, and the seed's nets (seed_nets.py); a preset is built by torchvision's / timm's named constructor.

For every variant manifest.json records: the module count and FNV-1a digest of its module lines (the format of
make_zoo_fixtures.py: path, class, output shape at batch 2 and the model's default size, own state_dict shapes),
params, conv+linear MACs at batch 1, state_dict entries, and the logits (batch 1, small input) of the weights
`convscope export-weights BASE --set ... W --seed S --test-stats` writes (plain BN statistics where noted), loaded strictly into the reference.

Usage (repository root, after `swift build -c release`):
  scripts/make_variant_fixtures.py [--convscope .build/release/convscope] [NAME ...]
Needs torch, torchvision, numpy, safetensors and timm==0.9.16.
"""
import argparse
import functools
import json
import os
import sys

import numpy as np
import timm
import torch
import torchvision
from timm.layers import SEModule
from timm.models.resnest import ResNestBottleneck
from timm.models.resnet import Bottleneck as TimmBottleneck
from timm.models.resnet import ResNet as TimmResNet
from timm.models.sknet import SelectiveKernelBasic, SelectiveKernelBottleneck
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_exec_fixtures import exported_state_dict, seeded_input  # noqa: E402
from make_zoo_fixtures import describe, fnv1a64  # noqa: E402
from seed_nets import SENet, SKNet, densenet_bc_100  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "variants")
WEIGHT_SEED = 20270117
INPUT_SEED = 11


# ---- the bases' reference constructors, as functions of the keys (defaults: the base's own values) -----------

def ints(text):
    return [int(v) for v in text.split(",")]


def ratio(text):
    num, _, den = text.partition("/")
    return float(num) / float(den) if den else float(text)


def boolean(text):
    return {"true": True, "false": False}[text]


def name(text):
    return "" if text in ('""', "''") else text


TV_RESNET = {"resnet18": ("basic", [2, 2, 2, 2]), "resnet34": ("basic", [3, 4, 6, 3]),
             "resnet50": ("bottleneck", [3, 4, 6, 3]), "resnet101": ("bottleneck", [3, 4, 23, 3]),
             "resnet152": ("bottleneck", [3, 8, 36, 3])}
TV_DENSENET = {"densenet121": (32, [6, 12, 24, 16], 64), "densenet161": (48, [6, 12, 36, 24], 96),
               "densenet169": (32, [6, 12, 32, 32], 64), "densenet201": (32, [6, 12, 48, 32], 64)}
TIMM = {  # base: (ResNet kwargs, block kind, block args)
    "seresnet50": (dict(layers=[3, 4, 6, 3]), "se", dict(se_rd_ratio=1 / 16)),
    "skresnet18": (dict(layers=[2, 2, 2, 2]), "sk_basic", dict(sk_rd_ratio=1 / 8, sk_rd_divisor=16,
                                                               sk_split_input=True)),
    "skresnet34": (dict(layers=[3, 4, 6, 3]), "sk_basic", dict(sk_rd_ratio=1 / 8, sk_rd_divisor=16,
                                                               sk_split_input=True)),
    "skresnext50_32x4d": (dict(layers=[3, 4, 6, 3], cardinality=32, base_width=4), "sk_bottleneck",
                          dict(sk_rd_ratio=1 / 16, sk_rd_divisor=32, sk_split_input=False)),
    "resnest14d": (dict(layers=[1, 1, 1, 1], stem_type="deep", stem_width=32, avg_down=True), "resnest",
                   dict(radix=2, avd=True, avd_first=False)),
    "resnest26d": (dict(layers=[2, 2, 2, 2], stem_type="deep", stem_width=32, avg_down=True), "resnest",
                   dict(radix=2, avd=True, avd_first=False)),
    "resnest50d": (dict(layers=[3, 4, 6, 3], stem_type="deep", stem_width=32, avg_down=True), "resnest",
                   dict(radix=2, avd=True, avd_first=False)),
    "resnest101e": (dict(layers=[3, 4, 23, 3], stem_type="deep", stem_width=64, avg_down=True), "resnest",
                    dict(radix=2, avd=True, avd_first=False)),
}
TIMM_KEYS = {"layers": ints, "cardinality": int, "base_width": int, "stem_width": int, "stem_type": name,
             "avg_down": boolean, "num_classes": int}
BLOCK_KEYS = {"se_rd_ratio": ratio, "sk_rd_ratio": ratio, "sk_rd_divisor": int, "sk_split_input": boolean,
              "radix": int, "avd": boolean, "avd_first": boolean}


def reference(base, settings):
    """The base's reference constructor called with the settings (KEY=VALUE strings)."""
    kv = dict(s.split("=", 1) for s in settings)
    if base in TV_RESNET:
        block, layers = TV_RESNET[base]
        block = kv.get("block", block)
        return ResNet(BasicBlock if block == "basic" else Bottleneck, ints(kv.get("layers", ",".join(map(str, layers)))),
                      num_classes=int(kv.get("num_classes", 1000)), groups=int(kv.get("groups", 1)),
                      width_per_group=int(kv.get("width_per_group", 64)))
    if base in TV_DENSENET:
        k, blocks, init = TV_DENSENET[base]
        return torchvision.models.DenseNet(
            growth_rate=int(kv.get("growth_rate", k)), block_config=tuple(ints(kv.get("block_config",
                                                                                      ",".join(map(str, blocks))))),
            num_init_features=int(kv.get("num_init_features", init)), bn_size=int(kv.get("bn_size", 4)),
            num_classes=int(kv.get("num_classes", 1000)))
    if base == "densenet_bc_100":
        return densenet_bc_100(int(kv.get("growth_rate", 12)), ints(kv.get("block_config", "16,16,16")),
                               int(kv.get("num_classes", 10)))
    if base == "senet18":
        return SENet(num_classes=int(kv.get("num_classes", 10)), layers=ints(kv.get("layers", "2,2,2,2")))
    if base == "sknet_cifar":
        return SKNet(class_num=int(kv.get("num_classes", 10)), layers=ints(kv.get("layers", "3,3,3")),
                     M=int(kv.get("M", 2)), G=int(kv.get("G", 8)), r=ratio(kv.get("r", "2")), L=int(kv.get("L", 32)))
    args, kind, block_args = TIMM[base]
    args, block_args = dict(args), dict(block_args)
    for key, text in kv.items():
        if key in TIMM_KEYS:
            args[key] = TIMM_KEYS[key](text)
        else:
            block_args[key] = BLOCK_KEYS[key](text)
    layers = args.pop("layers")
    if kind == "se":
        block, extra = TimmBottleneck, dict(block_args=dict(attn_layer=functools.partial(
            SEModule, rd_ratio=block_args["se_rd_ratio"])))
    elif kind.startswith("sk_"):
        block = SelectiveKernelBasic if kind == "sk_basic" else SelectiveKernelBottleneck
        extra = dict(zero_init_last=False, block_args=dict(sk_kwargs=dict(
            rd_ratio=block_args["sk_rd_ratio"], rd_divisor=block_args["sk_rd_divisor"],
            split_input=block_args["sk_split_input"])))
    else:
        block, extra = ResNestBottleneck, dict(block_args=block_args)
    return TimmResNet(block, layers, **args, **extra)


PRESETS = {  # name: (base, settings, named constructor)
    "resnext50_32x4d": ("resnet50", ["groups=32", "width_per_group=4"], torchvision.models.resnext50_32x4d),
    "resnext101_32x8d": ("resnet101", ["groups=32", "width_per_group=8"], torchvision.models.resnext101_32x8d),
    "resnext101_64x4d": ("resnet101", ["groups=64", "width_per_group=4"], torchvision.models.resnext101_64x4d),
    "wide_resnet50_2": ("resnet50", ["width_per_group=128"], torchvision.models.wide_resnet50_2),
    "wide_resnet101_2": ("resnet101", ["width_per_group=128"], torchvision.models.wide_resnet101_2),
    "seresnext50_32x4d": ("seresnet50", ["cardinality=32", "base_width=4"], None),
    "seresnext101_32x4d": ("seresnet50", ["layers=3,4,23,3", "cardinality=32", "base_width=4"], None),
    "seresnet101": ("seresnet50", ["layers=3,4,23,3"], None),
    "seresnet152": ("seresnet50", ["layers=3,8,36,3"], None),
    "skresnet50": ("skresnext50_32x4d", ["cardinality=1", "base_width=64", "sk_rd_divisor=8",
                                         "sk_split_input=true"], None),
    "resnest200e": ("resnest101e", ["layers=3,24,36,3"], None),
    "resnest269e": ("resnest101e", ["layers=3,30,48,8"], None),
}

# Variants of every base row (name: base, settings); the presets follow, built by their named constructors.
VARIANTS = {
    "resnet50_g32w4": ("resnet50", ["groups=32", "width_per_group=4"]),
    "resnet18_small": ("resnet18", ["layers=1,1,1,1", "num_classes=10"]),
    "resnet18_bottleneck": ("resnet18", ["block=bottleneck"]),
    "resnet34_grouped": ("resnet34", ["layers=2,3,4,2", "block=bottleneck", "groups=4", "width_per_group=16"]),
    "densenet121_small": ("densenet121", ["growth_rate=16", "block_config=2,3,4,2", "num_init_features=32",
                                          "bn_size=2", "num_classes=7"]),
    "densenet169_3blocks": ("densenet169", ["block_config=3,3,3"]),
    "densenet_bc_k8": ("densenet_bc_100", ["growth_rate=8", "block_config=4,5,6", "num_classes=5"]),
    "senet18_small": ("senet18", ["layers=1,2,1,1", "num_classes=100"]),
    "seresnet50_deep": ("seresnet50", ["se_rd_ratio=1/8", "stem_type=deep", "stem_width=32", "avg_down=true",
                                       "layers=1,2,1,1"]),
    "seresnet50_tiered": ("seresnet50", ["cardinality=8", "base_width=8", "se_rd_ratio=0.07",
                                         "stem_type=deep_tiered", "layers=1,1,1,1"]),
    "skresnet18_deep": ("skresnet18", ["layers=1,1,2,1", "sk_rd_ratio=1/4", "sk_rd_divisor=8", "stem_type=deep",
                                       "stem_width=16"]),
    "skresnet34_nosplit": ("skresnet34", ["sk_split_input=false", "avg_down=true", "layers=1,2,2,1"]),
    "skresnext50_16x8d": ("skresnext50_32x4d", ["cardinality=16", "base_width=8", "sk_split_input=true",
                                                "layers=1,1,1,1"]),
    "sknet_cifar_m3": ("sknet_cifar", ["layers=1,2,1", "M=3", "G=16", "r=4", "L=16", "num_classes=100"]),
    "resnest14d_radix0": ("resnest14d", ["radix=0"]),
    "resnest14d_radix1": ("resnest14d", ["radix=1", "avd=false"]),
    "resnest26d_4s2x32d": ("resnest26d", ["radix=4", "cardinality=2", "base_width=32", "avd_first=true"]),
    "resnest50d_tiered": ("resnest50d", ["stem_type=deep_tiered", "stem_width=32", "num_classes=10",
                                         "layers=1,1,1,1"]),
    "resnest101e_plain": ("resnest101e", ["avg_down=false", "stem_type=", "layers=1,1,1,1"]),
}


# Random BN statistics (--test-stats) make resnest269e's float32 logits chaotic: PyTorch's own float32 and float64
# passes differ by 0.4 % of max|logit|. Its weights keep the default BN statistics (still seeded convs and linear).
PLAIN_BN = {"resnest269e"}


def macs(model, size):
    """conv + linear multiply-accumulates at batch 1 (bias not counted), as the zoo's figures count them."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            total[0] += output.numel() * (module.in_channels // module.groups) * k
        else:
            total[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convscope", default=".build/release/convscope", help="the convscope binary")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    manifest_path = os.path.join(OUT, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {}
    manifest.update(weight_seed=WEIGHT_SEED, input_seed=INPUT_SEED)
    variants = manifest.setdefault("variants", {})
    torch.set_num_threads(2)
    table = {name: (base, settings, None) for name, (base, settings) in VARIANTS.items()}
    table.update({name: (name, [], make) for name, (_, _, make) in PRESETS.items()})
    for name in args.names or table:
        base, settings, make = table[name]
        if name in PRESETS:  # the preset by its named constructor; checked against the base + overrides too
            pbase, psettings, _ = PRESETS[name]
            make = make or (lambda n=name: timm.create_model(n, pretrained=False))
            check = reference(pbase, psettings)
            assert sum(p.numel() for p in check.parameters()) == sum(p.numel() for p in make().parameters()), name
        else:
            make = functools.partial(reference, base, settings)
        cifar = base in ("densenet_bc_100", "senet18", "sknet_cifar")
        size = 32 if cifar else 224
        header, lines = describe(name, make, size)
        text = "\n".join(lines) + "\n"
        torch.manual_seed(0)
        model = make().eval()
        exec_size = 16 if cifar else 64
        flags = [arg for s in settings for arg in ("--set", s)]
        test_stats = name not in PLAIN_BN
        state = exported_state_dict(args.convscope, base, model, flags, WEIGHT_SEED, test_stats)
        model.load_state_dict(state, strict=True)
        x = torch.from_numpy(seeded_input(INPUT_SEED, [1, 3, exec_size, exec_size]))
        with torch.no_grad():
            logits = model(x)
        np.save(os.path.join(OUT, name + ".logits.npy"), logits.numpy().astype(np.float32))
        variants[name] = dict(
            model=base, settings=settings, input_size=size, modules=len(lines), digest=f"{fnv1a64(text.encode()):016x}",
            params=sum(p.numel() for p in model.parameters()), macs=macs(model, size),
            state_dict_entries=len(model.state_dict()), exec_size=exec_size, test_stats=test_stats,
            logits=name + ".logits.npy")
        print(f"{name}: {variants[name]['params']} params, {variants[name]['macs']} MACs", file=sys.stderr)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
