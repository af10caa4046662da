#!/usr/bin/python3
"""Writes Tests/Fixtures/ops/ops.json: small inputs and PyTorch's outputs for every TensorCore op.

Run from anywhere: ./scripts/make_fixtures.py  (needs torch; CI only reads the committed JSON).
Format: {"torch": version, "cases": [{"name", "op", "params": {str: number}, "inputs": {str: tensor},
"output": tensor}]}, a tensor being {"shape": [int], "data": [float, row-major]}. Booleans are 0/1.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261129)
cases = []


def tensor(t):
    t = t.detach().float().contiguous()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.flatten().tolist()]}


def add(name, op, params, inputs, output):
    cases.append({"name": name, "op": op, "params": params,
                  "inputs": {k: tensor(v) for k, v in inputs.items()}, "output": tensor(output)})


def randn(*shape):
    return torch.randn(*shape)


# conv2d: stride, padding, dilation, groups (incl. 32 and depthwise), bias, the ResNet stem.
def conv(name, x_shape, w_shape, bias=True, stride=1, padding=0, dilation=1, groups=1):
    x, w = randn(*x_shape), randn(*w_shape)
    inputs = {"input": x, "weight": w}
    b = None
    if bias:
        b = randn(w_shape[0])
        inputs["bias"] = b
    y = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    add(name, "conv2d", {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}, inputs, y)


conv("conv3x3_stride2_pad1", (1, 3, 9, 9), (4, 3, 3, 3), stride=2, padding=1)
conv("conv3x3_dilation2_groups2_batch2", (2, 4, 7, 7), (6, 2, 3, 3), padding=2, dilation=2, groups=2)
conv("conv_depthwise_stride2", (1, 6, 8, 8), (6, 1, 3, 3), bias=False, stride=2, padding=1, groups=6)
conv("conv_depthwise_multiplier2", (1, 3, 5, 5), (6, 1, 3, 3), padding=1, groups=3)
conv("conv_groups32", (1, 64, 3, 3), (64, 2, 3, 3), bias=False, padding=1, groups=32)
conv("conv1x1_stride1", (2, 5, 4, 3), (3, 5, 1, 1))
conv("conv1x1_stride2_downsample", (1, 4, 7, 7), (3, 4, 1, 1), bias=False, stride=2)
conv("conv7x7_stride2_stem", (1, 3, 11, 11), (2, 3, 7, 7), bias=False, stride=2, padding=3)
conv("conv5x4_odd", (1, 2, 9, 8), (3, 2, 5, 4), stride=3, padding=2)

# batch norm (inference) and its folding into the preceding conv.
x = randn(2, 3, 4, 4)
mean, var = randn(3) * 0.5, torch.rand(3) + 0.5
gamma, beta = randn(3), randn(3)
add("batchnorm", "batchNorm2d", {"eps": 1e-5},
    {"input": x, "runningMean": mean, "runningVar": var, "weight": gamma, "bias": beta},
    F.batch_norm(x, mean, var, gamma, beta, training=False, eps=1e-5))
x, w, b = randn(1, 3, 6, 6), randn(4, 3, 3, 3), randn(4)
mean, var = randn(4) * 0.5, torch.rand(4) + 0.5
gamma, beta = randn(4), randn(4)
y = F.batch_norm(F.conv2d(x, w, b, padding=1), mean, var, gamma, beta, training=False, eps=1e-3)
add("conv_then_batchnorm", "foldBatchNorm", {"eps": 1e-3, "padding": 1},
    {"input": x, "convWeight": w, "convBias": b, "runningMean": mean, "runningVar": var,
     "weight": gamma, "bias": beta}, y)

# activations and element-wise ops.
x = randn(2, 3, 3, 3)
add("relu", "relu", {}, {"input": x}, F.relu(x))
add("sigmoid", "sigmoid", {}, {"input": x * 4}, torch.sigmoid(x * 4))
x = randn(2, 5, 2, 2) * 3
add("softmax_channels", "softmax", {"axis": 1}, {"input": x}, F.softmax(x, dim=1))
x = randn(2, 7) * 3
add("softmax_last", "softmax", {"axis": -1}, {"input": x}, F.softmax(x, dim=-1))
a, b = randn(2, 3, 3, 3), randn(2, 3, 3, 3)
add("add", "add", {"fusedReLU": 0}, {"a": a, "b": b}, a + b)
add("add_relu", "add", {"fusedReLU": 1}, {"a": a, "b": b}, F.relu(a + b))
s = torch.sigmoid(randn(2, 3, 1, 1))
add("multiply_channels", "multiply", {}, {"input": a, "scale": s}, a * s)
c = randn(2, 2, 3, 3)
add("concat", "concat", {}, {"a": a, "b": c}, torch.cat([a, c], dim=1))

# pooling: PyTorch's output-size rule, ceil mode (incl. the dropped last window), count_include_pad.
def pool(name, kind, x_shape, k, s, p, ceil, include_pad=True):
    x = randn(*x_shape)
    if kind == "maxPool2d":
        y = F.max_pool2d(x, k, s, p, ceil_mode=ceil)
    else:
        y = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=include_pad)
    add(name, kind, {"kernelSize": k, "stride": s, "padding": p, "ceilMode": int(ceil),
                     "countIncludePad": int(include_pad)}, {"input": x}, y)


pool("maxpool_stem", "maxPool2d", (1, 2, 9, 9), 3, 2, 1, False)
pool("maxpool_ceil", "maxPool2d", (1, 2, 8, 8), 3, 2, 0, True)
pool("maxpool_ceil_dropped_window", "maxPool2d", (2, 1, 5, 5), 2, 2, 1, True)
pool("avgpool_resnest_ceil_excl_pad", "avgPool2d", (1, 2, 7, 7), 3, 2, 1, True, False)
pool("avgpool_ceil_incl_pad", "avgPool2d", (1, 2, 8, 8), 3, 2, 1, True, True)
pool("avgpool_avgdown", "avgPool2d", (1, 2, 7, 7), 2, 2, 0, True, False)
pool("avgpool_floor_incl_pad", "avgPool2d", (2, 2, 6, 6), 3, 3, 1, False, True)

for (h, w), (oh, ow) in [((7, 7), (3, 3)), ((10, 9), (4, 3)), ((5, 5), (7, 7))]:
    x = randn(1, 2, h, w)
    add("adaptive_%dx%d_to_%dx%d" % (h, w, oh, ow), "adaptiveAvgPool2d", {"outputH": oh, "outputW": ow},
        {"input": x}, F.adaptive_avg_pool2d(x, (oh, ow)))
x = randn(2, 3, 5, 5)
add("global_avg", "globalAvgPool", {}, {"input": x}, F.adaptive_avg_pool2d(x, 1))

x, w, b = randn(3, 10), randn(4, 10), randn(4)
add("linear", "linear", {}, {"input": x, "weight": w, "bias": b}, F.linear(x, w, b))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "ops", "ops.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print("wrote %d cases to %s (%d bytes)" % (len(cases), os.path.normpath(out), os.path.getsize(out)))
