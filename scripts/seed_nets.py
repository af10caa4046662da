"""The seed's CIFAR nets in PyTorch, bugs fixed (global pooling, no squeeze): SENet18 (PreActBlock with SE),
the SKNet CIFAR net and DenseNet-BC-100. Shared by the fixture generators (make_zoo_fixtures.py writes their
module paths, class names and output shapes; make_exec_fixtures.py runs them), so class names, module paths and
parameter names are part of the fixtures and must not change.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class PreActBlock(nn.Module):
    """Pre-activation basic block with SE (the seed's SENet18 block); keeps its last SE gate as `gate`."""

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
        # A plain attribute (no module, parameter or buffer): the gate has no module of its own to hook.
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


class SENet(nn.Module):
    """The seed's SENet18: four stages of PreActBlocks (`layers`, two each by default) on a 3×3 stem."""

    def __init__(self, num_classes=10, layers=(2, 2, 2, 2)):
        super().__init__()
        self.in_planes = 64
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = self._make_layer(64, layers[0], 1)
        self.layer2 = self._make_layer(128, layers[1], 2)
        self.layer3 = self._make_layer(256, layers[2], 2)
        self.layer4 = self._make_layer(512, layers[3], 2)
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
    """Selective kernel convolution: M grouped branches with growing kernels, mixed by a softmax per channel."""

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
    """1×1 conv, SKConv, 1×1 conv with BatchNorms, plus a (projected when the width changes) shortcut."""

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
    """The seed's SKNet for CIFAR: a 3×3 stem and three stages of SKUnits (`layers`, three each by default) whose
    SKConvs have M branches, G groups, reduction r and minimum width L."""

    def __init__(self, class_num=10, layers=(3, 3, 3), M=2, G=8, r=2, L=32):
        super().__init__()
        self.basic_conv = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.BatchNorm2d(64))

        def stage(i, o, count):
            units = []
            for index in range(count):
                units += [SKUnit(i if index == 0 else o, o, M, G, r, stride=2 if index == 0 else 1, L=L), nn.ReLU()]
            return nn.Sequential(*units)
        self.stage_1 = stage(64, 256, layers[0])
        self.stage_2 = stage(256, 512, layers[1])
        self.stage_3 = stage(512, 1024, layers[2])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(1024, class_num))

    def forward(self, x):
        fea = self.stage_3(self.stage_2(self.stage_1(self.basic_conv(x))))
        return self.classifier(self.pool(fea).flatten(1))


def densenet_bc_100(growth_rate=12, block_config=(16, 16, 16), num_classes=10):
    """DenseNet-BC-100 (k = 12) for CIFAR: torchvision's DenseNet with a 3×3 stem of 2k channels (the BC setting)
    and no stem pooling."""
    init = 2 * growth_rate
    net = torchvision.models.DenseNet(growth_rate=growth_rate, block_config=tuple(block_config),
                                      num_init_features=init, bn_size=4, num_classes=num_classes)
    features = net.features
    del features.norm0, features.relu0, features.pool0
    features.conv0 = nn.Conv2d(3, init, 3, 1, 1, bias=False)
    return net
