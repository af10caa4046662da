#!/usr/bin/python3
"""Writes Tests/Fixtures/ops/backward.json: small inputs, an output gradient and PyTorch autograd's gradients for
every backward op in TensorCore (Backward.swift, Conv2d+Backward.swift), at the configurations the zoo runs.

Run from anywhere: ./scripts/make_backward_fixtures.py  (needs torch; CI only reads the committed JSON).
Inputs and the output gradient are float32 values; autograd runs on them in float64, so the references are the
exact gradients of the float32 inputs (rounded once to float32 when written), and the Swift tests can bound their
own float32 error alone (Tolerance.swift).
Format: {"torch": version, "cases": [{"name", "op", "params": {str: number}, "inputs": {str: tensor},
"gradOutput": tensor, "grads": {input name: tensor}}]}, a tensor being {"shape": [int], "data": [float]}.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261207)
cases = []


def tensor(t):
    t = t.detach().float().contiguous()  # each value as the shortest decimal that reads back as the same float32
    return {"shape": list(t.shape), "data": [float(str(v)) for v in t.flatten().numpy()]}


def randn(*shape):
    return torch.randn(*shape)


def add(name, op, params, inputs, forward, wrt):
    """Runs `forward(**inputs)` in float64, back-propagates a random output gradient, keeps the gradients of `wrt`."""
    leaves = {k: v.double().requires_grad_(k in wrt) for k, v in inputs.items()}
    y = forward(**leaves)
    dy = randn(*y.shape)
    y.backward(dy.double())
    cases.append({
        "name": name, "op": op, "params": params, "inputs": {k: tensor(v) for k, v in inputs.items()},
        "gradOutput": tensor(dy), "grads": {k: tensor(leaves[k].grad) for k in wrt},
    })


# conv2d: stride, padding, dilation, groups (ResNeXt's 32, depthwise), bias, the ResNet stem; weight, bias, input.
def conv(name, x_shape, w_shape, bias=True, stride=1, padding=0, dilation=1, groups=1):
    inputs = {"input": randn(*x_shape), "weight": randn(*w_shape)}
    if bias:
        inputs["bias"] = randn(w_shape[0])

    def forward(input, weight, bias=None):
        return F.conv2d(input, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)

    add(name, "conv2d", {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}, inputs,
        forward, ["input", "weight"] + (["bias"] if bias else []))


conv("conv3x3_stride2_pad1", (2, 3, 9, 9), (4, 3, 3, 3), stride=2, padding=1)
conv("conv3x3_dilation2_groups2", (2, 4, 7, 7), (6, 2, 3, 3), padding=2, dilation=2, groups=2)
conv("conv_depthwise_stride2", (2, 6, 6, 6), (6, 1, 3, 3), bias=False, stride=2, padding=1, groups=6)
conv("conv_groups32", (2, 64, 2, 2), (32, 2, 3, 3), bias=False, padding=1, groups=32)
conv("conv1x1_stride1", (2, 5, 4, 3), (3, 5, 1, 1))
conv("conv1x1_stride2_downsample", (2, 4, 7, 7), (3, 4, 1, 1), bias=False, stride=2)
conv("conv7x7_stride2_stem", (2, 3, 9, 9), (2, 3, 7, 7), bias=False, stride=2, padding=3)
conv("conv5x4_odd", (2, 2, 9, 8), (3, 2, 5, 4), stride=3, padding=2)
conv("conv3x3_sk_dilated_groups", (2, 8, 5, 5), (8, 2, 3, 3), padding=2, dilation=2, groups=4)

# batch norm in inference mode (running statistics): input, weight, bias.
add("batchnorm_inference", "batchNorm2d", {"eps": 1e-5},
    {"input": randn(2, 3, 4, 4), "runningMean": randn(3) * 0.5, "runningVar": torch.rand(3) + 0.5,
     "weight": randn(3), "bias": randn(3)},
    lambda input, runningMean, runningVar, weight, bias: F.batch_norm(
        input, runningMean, runningVar, weight, bias, training=False, eps=1e-5),
    ["input", "weight", "bias"])
add("batchnorm_eps1e-3", "batchNorm2d", {"eps": 1e-3},
    {"input": randn(2, 4, 3, 5), "runningMean": randn(4), "runningVar": torch.rand(4) * 2 + 0.1,
     "weight": randn(4), "bias": randn(4)},
    lambda input, runningMean, runningVar, weight, bias: F.batch_norm(
        input, runningMean, runningVar, weight, bias, training=False, eps=1e-3),
    ["input", "weight", "bias"])

# activations: ReLU and sigmoid (their backward reads the forward's output).
add("relu", "relu", {}, {"input": randn(2, 3, 4, 4)}, F.relu, ["input"])
add("sigmoid", "sigmoid", {}, {"input": randn(2, 3, 4, 4) * 4}, torch.sigmoid, ["input"])

# softmax over SK's branches (N×M×C, dim 1) and over the last axis; timm's RadixSoftmax (ResNeSt).
add("softmax_branches", "softmax", {"axis": 1}, {"input": randn(2, 3, 5) * 2}, lambda input: F.softmax(input, 1),
    ["input"])
add("softmax_two_branches", "softmax", {"axis": 1}, {"input": randn(2, 2, 8) * 2},
    lambda input: F.softmax(input, 1), ["input"])
add("softmax_last", "softmax", {"axis": -1}, {"input": randn(2, 7) * 3}, lambda input: F.softmax(input, -1),
    ["input"])


def radix_softmax(radix, cardinality):
    def forward(input):  # timm layers/split_attn.py RadixSoftmax, radix > 1
        n = input.shape[0]
        x = input.view(n, cardinality, radix, -1).transpose(1, 2)
        return F.softmax(x, dim=1).reshape(n, -1)
    return forward


for r, k, inner in [(2, 1, 4), (2, 2, 3), (4, 2, 2)]:
    add("radix_softmax_r%d_k%d" % (r, k), "radixSoftmax", {"radix": r, "cardinality": k},
        {"input": randn(2, k * r * inner, 1, 1) * 2}, radix_softmax(r, k), ["input"])


# pools at the zoo's settings: the stem's max pool, ceil mode (with a dropped last window), ResNeSt's avg_down
# (ceil, count_include_pad False) and avd (3×3 s2 p1), the global average pool (adaptive to 1).
def max_pool(name, shape, k, s, p, ceil):
    add(name, "maxPool2d", {"kernelSize": k, "stride": s, "padding": p, "ceilMode": int(ceil)}, {"input": randn(*shape)},
        lambda input: F.max_pool2d(input, k, s, p, ceil_mode=ceil), ["input"])


def avg_pool(name, shape, k, s, p, ceil, include_pad):
    add(name, "avgPool2d",
        {"kernelSize": k, "stride": s, "padding": p, "ceilMode": int(ceil), "countIncludePad": int(include_pad)},
        {"input": randn(*shape)},
        lambda input: F.avg_pool2d(input, k, s, p, ceil_mode=ceil, count_include_pad=include_pad), ["input"])


max_pool("maxpool_stem", (2, 2, 9, 9), 3, 2, 1, False)
max_pool("maxpool_ceil", (2, 2, 8, 8), 3, 2, 0, True)
max_pool("maxpool_ceil_dropped_window", (2, 1, 5, 5), 2, 2, 1, True)
max_pool("maxpool_2x2", (2, 3, 6, 6), 2, 2, 0, False)
avg_pool("avgpool_resnest_avd", (2, 2, 7, 7), 3, 2, 1, False, True)
avg_pool("avgpool_resnest_ceil_excl_pad", (2, 2, 7, 7), 3, 2, 1, True, False)
avg_pool("avgpool_avgdown", (2, 2, 7, 7), 2, 2, 0, True, False)
avg_pool("avgpool_densenet_transition", (2, 3, 8, 8), 2, 2, 0, False, True)
avg_pool("avgpool_ceil_incl_pad", (2, 2, 8, 8), 3, 2, 1, True, True)
add("global_avg", "globalAvgPool", {}, {"input": randn(2, 3, 5, 4)}, lambda input: F.adaptive_avg_pool2d(input, 1),
    ["input"])

# linear (the classifier), flatten before it, concat (DenseNet).
add("linear", "linear", {}, {"input": randn(2, 10), "weight": randn(4, 10), "bias": randn(4)}, F.linear,
    ["input", "weight", "bias"])
add("flatten", "flatten", {}, {"input": randn(2, 3, 2, 2)}, lambda input: torch.flatten(input, 1), ["input"])
add("concat", "concat", {}, {"a": randn(2, 3, 3, 3), "b": randn(2, 2, 3, 3)},
    lambda a, b: torch.cat([a, b], dim=1), ["a", "b"])

# the sums and products of SE, SK and split attention: residual sum, SE's x ⊙ gate (gate N×C×1×1), and the
# attention-weighted sum of M branches Σ_m w[:, m, :] ⊙ branch_m with weights N×M×C.
add("add", "add", {}, {"a": randn(2, 3, 3, 3), "b": randn(2, 3, 3, 3)}, lambda a, b: a + b, ["a", "b"])
add("se_gate_product", "multiply", {}, {"input": randn(2, 4, 3, 3), "scale": torch.sigmoid(randn(2, 4, 1, 1))},
    lambda input, scale: input * scale, ["input", "scale"])
for m in (2, 3):
    branches = {"branch%d" % i: randn(2, 4, 3, 3) for i in range(m)}
    weights = F.softmax(randn(2, m, 4), dim=1)

    def weighted(weights, **branch):
        return sum(weights[:, i, :, None, None] * branch["branch%d" % i] for i in range(m))

    add("attention_weighted_sum_m%d" % m, "weightedSum", {"branches": m}, dict(branches, weights=weights), weighted,
        list(branches) + ["weights"])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "ops", "backward.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print("wrote %d cases to %s (%d bytes)" % (len(cases), os.path.normpath(out), os.path.getsize(out)))
