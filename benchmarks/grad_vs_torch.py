#!/usr/bin/python3
"""The backward pass of convscope beside PyTorch's `loss.backward()`, interleaved, and peak RSS of `grad`.

    benchmarks/grad_vs_torch.py [--convscope .build/release/convscope] [--models resnet50 …] [--threads 2]
                                [--rounds 3] [--repeat 3] [--size 224] [--batch 1]

For each model, `--rounds` rounds run, in turn:
- `convscope bench MODEL --backward --format json`: `--repeat` timed forward passes (the fused inference forward),
  each followed by a backward pass (an unfused, taped forward, then the backward; no input gradient);
- PyTorch (same thread count, `model.eval()`, timm / torchvision with their own random weights): `--repeat` times
  an inference forward under `torch.no_grad()`, then a forward with autograd and `loss.backward()` timed apart,
  L = Σₙ logit[n, top-1] as `grad`'s default; the input does not require grad; OMP_WAIT_POLICY=PASSIVE.
so background load hits both alike. Cells are medians over all timed passes of all rounds; the ratio is median
backward / median inference forward of the same program; convscope's CPU-time ratio (all threads, which load from
other processes does not inflate; `bench --backward`'s `cpu_ratio`, median over the rounds) is given beside it.

Peak RSS: `convscope grad MODEL` (input gradient included) and a PyTorch process doing the same forward +
backward with `x.requires_grad_()`, each a child whose ru_maxrss os.wait4 reports, measured before this process
imports torch (a child's ru_maxrss starts from its parent's at fork); PyTorch's includes the interpreter with torch
and timm imported (given alone on the last line). `--rss-only` skips the timings.
Prints a markdown table.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# PyTorch's idle OpenMP workers sleep instead of spinning (as compare.py): spinning workers on shared cores slow
# both PyTorch and the convscope process that runs next.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

MODELS = ["resnet18", "resnet50", "densenet121", "seresnet50", "skresnext50_32x4d", "resnest50d"]


def build(name):
    import timm
    import torchvision
    if name.startswith("resnet") or name.startswith("densenet"):
        return getattr(torchvision.models, name)().eval()
    return timm.create_model(name).eval()


def torch_times(model, x, repeat):
    import torch
    forward, backward = [], []
    for _ in range(repeat):
        with torch.no_grad():
            start = time.perf_counter()
            model(x)
            forward.append((time.perf_counter() - start) * 1000)
        model.zero_grad(set_to_none=True)
        logits = model(x)
        loss = logits[:, int(logits[0].argmax())].sum()
        start = time.perf_counter()
        loss.backward()
        backward.append((time.perf_counter() - start) * 1000)
    return forward, backward


def ours_times(binary, name, threads, repeat, size, batch):
    out = subprocess.run(
        [binary, "bench", name, "--backward", "--threads", str(threads), "--repeat", str(repeat), "--warmup", "1",
         "--input-size", str(size), "--batch", str(batch), "--format", "json"],
        check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["runs_ms"], result["backward"]["runs_ms"], result["gemm"], result["backward"]["cpu_ratio"]


def peak_rss_mb(command, env=None):
    """ru_maxrss of one child process, in MB of 10⁶ bytes."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed: {child.stderr.read().decode()}")
    return usage.ru_maxrss * 1024 / 1e6


def torch_grad_once(name, threads, size, batch):
    """The child of the PyTorch RSS measure: one forward and backward, input gradient included."""
    import torch
    torch.set_num_threads(threads)
    model = build(name)
    if size == 0:
        return
    x = torch.randn(batch, 3, size, size).requires_grad_()
    logits = model(x)
    logits[:, int(logits[0].argmax())].sum().backward()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--convscope", default=".build/release/convscope")
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--rss-only", action="store_true")
    parser.add_argument("--torch-grad-once", metavar="MODEL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_grad_once:
        return torch_grad_once(args.torch_grad_once, args.threads, args.size, args.batch)
    rss = {}
    env = dict(os.environ, CONVSCOPE_THREADS=str(args.threads))
    for name in args.models:
        rss[name] = (
            peak_rss_mb([args.convscope, "grad", name, "--input-size", str(args.size), "--batch", str(args.batch)], env),
            peak_rss_mb([sys.executable, os.path.abspath(__file__), "--torch-grad-once", name, "--threads",
                         str(args.threads), "--size", str(args.size), "--batch", str(args.batch)]))
    baseline = peak_rss_mb(
        [sys.executable, os.path.abspath(__file__), "--torch-grad-once", "resnet18", "--size", "0"])
    if args.rss_only:
        print("| model | grad peak RSS MB, ours | torch |\n|---|--:|--:|")
        for name, (ours, theirs) in rss.items():
            print(f"| {name} | {ours:.0f} | {theirs:.0f} |")
        print(f"\nPyTorch process with torch, timm and resnet18 built, no pass: {baseline:.0f} MB")
        return
    import torch
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__} · threads {args.threads} · input {args.batch}×3×{args.size}×{args.size} · "
          f"{args.rounds} rounds × {args.repeat} passes, interleaved", flush=True)
    print("| model | ours fwd ms | ours bwd ms | ours bwd/fwd | ours bwd/fwd, CPU time | torch fwd ms | torch bwd ms "
          "| torch bwd/fwd | ours bwd / torch bwd | grad peak RSS MB, ours | torch |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    gemm = ""
    for name in args.models:
        model = build(name)
        x = torch.randn(args.batch, 3, args.size, args.size)
        torch_times(model, x, 1)  # warm-up
        times = {k: [] for k in ("of", "ob", "tf", "tb")}
        cpu_ratios = []
        for _ in range(args.rounds):
            of, ob, gemm, cpu = ours_times(args.convscope, name, args.threads, args.repeat, args.size, args.batch)
            cpu_ratios.append(cpu)
            tf, tb = torch_times(model, x, args.repeat)
            for key, values in zip(("of", "ob", "tf", "tb"), (of, ob, tf, tb)):
                times[key] += values
        m = {k: statistics.median(v) for k, v in times.items()}
        ours_rss, torch_rss = rss[name]
        print(f"| {name} | {m['of']:.1f} | {m['ob']:.1f} | {m['ob'] / m['of']:.2f}× | "
              f"{statistics.median(cpu_ratios):.2f}× | {m['tf']:.1f} | {m['tb']:.1f} | "
              f"{m['tb'] / m['tf']:.2f}× | {m['ob'] / m['tb']:.2f}× | {ours_rss:.0f} | {torch_rss:.0f} |", flush=True)
    print(f"\nconvscope GEMM: {gemm}; PyTorch process with torch, timm and resnet18 built, no pass: {baseline:.0f} MB")


if __name__ == "__main__":
    main()
