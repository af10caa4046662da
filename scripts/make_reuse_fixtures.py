#!/usr/bin/python3
"""Feature-reuse matrices (DenseNet §5, Fig. 5) computed by PyTorch from the weights convscope exports
(Tests/Fixtures/reuse/<model>.json): for each dense block, rows = each dense layer's conv1 then the transition's
conv (or the classifier after the last block), columns = the block input then each dense layer's k channels;
cell = mean |w| over the target's weights restricted to that source's input channels (null where unseen).

Usage (repository root, after `swift build -c release`):
  scripts/make_reuse_fixtures.py [--convscope .build/release/convscope]
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_exec_fixtures import MODELS, WEIGHT_SEED, exported_state_dict  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "reuse")


def reuse(model):
    features = dict(model.features.named_children())
    names = list(features)
    blocks = []
    for index, name in enumerate(names):
        if not name.startswith("denseblock"):
            continue
        layers = list(features[name].named_children())
        c0 = layers[0][1].conv1.in_channels
        k = layers[0][1].conv2.out_channels
        ranges = [(0, c0)] + [(c0 + i * k, c0 + (i + 1) * k) for i in range(len(layers))]
        targets = [(f"features.{name}.{lname}.conv1", layer.conv1.weight) for lname, layer in layers]
        after = next((n for n in names[index + 1:] if n.startswith("transition")), None)
        if after is not None and names.index(after) == index + 1:
            targets.append((f"features.{after}.conv", features[after].conv.weight))
        else:
            targets.append(("classifier", model.classifier.weight))
        means = []
        for _, weight in targets:
            w = weight.detach().abs().double()
            w = w.reshape(w.shape[0], w.shape[1], -1)
            means.append([w[:, a:b].mean().item() if b <= w.shape[1] else None for a, b in ranges])
        blocks.append({"path": f"features.{name}", "sources": ["input"] + [n for n, _ in layers],
                       "targets": [t for t, _ in targets], "means": means})
    return blocks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convscope", default=".build/release/convscope", help="the convscope binary")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for name in ("densenet121", "densenet_bc_100"):
        model = MODELS[name][0]().eval()
        model.load_state_dict(exported_state_dict(args.convscope, name, model), strict=True)
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump({"model": name, "weight_seed": WEIGHT_SEED, "test_stats": True, "blocks": reuse(model)}, f)
            f.write("\n")
        print(f"{name}: {len(reuse(model))} blocks", file=sys.stderr)


if __name__ == "__main__":
    main()
