#!/usr/bin/python3
"""Runs the README's pretrained-weights walkthrough end to end and compares with PyTorch.

    scripts/check_pretrained_walkthrough.py [--model resnet50] [--image F] [--binary PATH]

A torchvision (or timm) model is built with seeded random weights (nothing is downloaded; BatchNorm
statistics and affine parameters are randomised so no layer is the identity, and the classifier
is scaled to logits of std 3, so the probabilities are neither uniform nor one-hot), saved as a .pth state_dict — for DenseNets with
torchvision's legacy key names, to exercise the key fix — converted with
scripts/convert_checkpoint.py, and run with `convscope run MODEL --weights … --image … --top 5
--output logits.npy`. The check passes when convscope's logits match PyTorch's (max abs difference
printed) and the top-5 classes and probabilities agree.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

from random_batch_norms import randomize_batch_norms

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seeded_model(name, example):
    """The seeded model, its classifier scaled so the logits for `example` have a std of 3."""
    torch.manual_seed(0)
    if hasattr(torchvision.models, name):
        model = getattr(torchvision.models, name)(weights=None).eval()
    else:
        import timm
        model = timm.create_model(name, pretrained=False).eval()
    randomize_batch_norms(model)
    with torch.no_grad():
        classifier = model.get_classifier() if hasattr(model, "get_classifier") else (
            model.fc if hasattr(model, "fc") else model.classifier)
        scale = 3 / model(example[None]).std()
        classifier.weight.mul_(scale)
        classifier.bias.mul_(scale)
    return model


def legacy_densenet_keys(state_dict):
    """Renames denselayerN.norm1.weight to torchvision's old denselayerN.norm.1.weight."""
    pattern = re.compile(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.")
    return {pattern.sub(r"\1.\2.", key): value for key, value in state_dict.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--image", default=os.path.join(ROOT, "Tests/Fixtures/images/photo_300x230.jpg"))
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/convscope"))
    args = parser.parse_args()

    prep = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                      T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    image = prep(Image.open(args.image).convert("RGB"))
    model = seeded_model(args.model, image)
    with torch.no_grad():
        expected = model(image[None])[0].double()
    probabilities = expected.softmax(0)
    top = probabilities.topk(5)
    categories = torchvision.models.ResNet50_Weights.IMAGENET1K_V1.meta["categories"]
    print("PyTorch top-5:")
    for p, i in zip(top.values.tolist(), top.indices.tolist()):
        print(f"  {i:4d} {categories[i]:<28} {p:.4f}")

    with tempfile.TemporaryDirectory() as tmp:
        pth = os.path.join(tmp, f"{args.model}.pth")
        weights = os.path.join(tmp, f"{args.model}.safetensors")
        logits_path = os.path.join(tmp, "logits.npy")
        state = model.state_dict()
        torch.save(legacy_densenet_keys(state) if "densenet" in args.model else state, pth)
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts/convert_checkpoint.py"), pth, weights,
                        "--check", args.model], check=True)
        command = [args.binary, "run", args.model, "--weights", weights, "--image", args.image,
                   "--top", "5", "--output", logits_path]
        print("$", " ".join(command))
        result = subprocess.run(command, capture_output=True, text=True)
        print(result.stdout, end="")
        if result.returncode != 0:
            print(result.stderr, end="", file=sys.stderr)
            return 1
        actual = torch.from_numpy(np.load(logits_path).astype(np.float64)).reshape(-1)

    difference = (actual - expected).abs().max().item()
    actual_top = actual.softmax(0).topk(5)
    same_classes = actual_top.indices.tolist() == top.indices.tolist()
    probability_gap = (actual_top.values - top.values).abs().max().item()
    printed = all(categories[i] in result.stdout for i in top.indices.tolist())
    print(f"max |logit difference| = {difference:.2e}; top-5 classes equal: {same_classes}; "
          f"max probability difference = {probability_gap:.1e}; names printed: {printed}")
    return 0 if same_classes and probability_gap < 1e-4 and printed else 1


if __name__ == "__main__":
    sys.exit(main())
