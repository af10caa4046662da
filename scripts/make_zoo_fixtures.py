#!/usr/bin/python3
"""Writes Tests/ModelsTests/Fixtures/zoo/<model>.txt: one line per module of the PyTorch reference model.

Each line: `path kind output_shape tensors`, where path is the named_modules() path ("-" for the root), kind the
class name, output_shape the shape a forward hook sees for a batch-2 input at the model's default size ("-" when the
module is never called; the last call's output when it is called several times), and tensors the module's own
state_dict entries as name=d0,d1,... (a scalar is name=). Needs torch 1.13, torchvision and timm==0.9.16.
The three CIFAR nets are written here from the seed's listings with its bugs fixed (global pooling, no squeeze).
"""
import os

import timm
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ModelsTests", "Fixtures", "zoo")


# --- the seed's CIFAR nets, bugs fixed ---------------------------------------------------------------------------
class PreActBlock(nn.Module):
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

    def forward(self, x):
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, "shortcut") else x
        out = self.conv1(out)
        out = self.conv2(F.relu(self.bn2(out)))
        w = F.adaptive_avg_pool2d(out, 1)
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w))))
        return out * w + shortcut


class SENet(nn.Module):
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

    def _make_layer(self, planes, n, stride):
        layers = []
        for s in [stride] + [1] * (n - 1):
            layers.append(PreActBlock(self.in_planes, planes, s))
            self.in_planes = planes
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer4(self.layer3(self.layer2(self.layer1(out))))
        return self.linear(torch.flatten(F.adaptive_avg_pool2d(out, 1), 1))


class SKConv(nn.Module):
    def __init__(self, features, M, G, r, stride=1, L=32):
        super().__init__()
        d = max(int(features / r), L)
        self.convs = nn.ModuleList([nn.Sequential(
            nn.Conv2d(features, features, 3 + i * 2, stride, 1 + i, groups=G),
            nn.BatchNorm2d(features), nn.ReLU(inplace=False)) for i in range(M)])
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(features, d)
        self.fcs = nn.ModuleList([nn.Linear(d, features) for _ in range(M)])
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        feas = torch.stack([conv(x) for conv in self.convs], dim=1)
        z = self.fc(torch.flatten(self.gap(feas.sum(dim=1)), 1))
        a = self.softmax(torch.stack([fc(z) for fc in self.fcs], dim=1))
        return (feas * a[:, :, :, None, None]).sum(dim=1)


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


class SKNet(nn.Module):
    def __init__(self, class_num=10):
        super().__init__()
        self.basic_conv = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.BatchNorm2d(64))

        def stage(i, o):
            return nn.Sequential(SKUnit(i, o, 2, 8, 2, stride=2), nn.ReLU(), SKUnit(o, o, 2, 8, 2), nn.ReLU(),
                                 SKUnit(o, o, 2, 8, 2), nn.ReLU())
        self.stage_1 = stage(64, 256)
        self.stage_2 = stage(256, 512)
        self.stage_3 = stage(512, 1024)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(1024, class_num))

    def forward(self, x):
        x = self.stage_3(self.stage_2(self.stage_1(self.basic_conv(x))))
        return self.classifier(torch.flatten(self.pool(x), 1))


def densenet_bc_100():
    m = torchvision.models.DenseNet(growth_rate=12, block_config=(16, 16, 16), num_init_features=24, num_classes=10)
    m.features.conv0 = nn.Conv2d(3, 24, 3, 1, 1, bias=False)
    del m.features.norm0, m.features.relu0, m.features.pool0
    return m


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
    for name, (make, size) in MODELS.items():
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
