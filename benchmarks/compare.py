#!/usr/bin/python3
"""Times the same models in convscope, PyTorch and onnxruntime, in one run, and prints the ratios.

    benchmarks/compare.py [--models resnet50 densenet121 …] [--threads 2] [--rounds 3] [--repeat 7]
                          [--warmup 3] [--binary .build/release/convscope] [--json raw.json]

Every engine runs batch 1, 224×224, with `--threads` threads (default 2), in a process of its own so
that its peak RSS (getrusage's ru_maxrss, MB of 10⁶ bytes) is its own: `convscope bench MODEL
--format json`; PyTorch (eager, `torch.inference_mode`, torchvision or timm model with random
weights); onnxruntime (the same model exported to ONNX by torch.onnx, all graph optimisations,
sequential execution). Per model, `--rounds` rounds each start the three engines back to back, each
process timing `--repeat` passes after `--warmup` untimed ones; an engine's median, min and max are
over all its timed passes of all rounds, its peak RSS the largest of its rounds. Interleaving the
engines spreads changes in background load over all three alike.

Idle worker threads sleep instead of spinning (OMP_WAIT_POLICY=PASSIVE for PyTorch's OpenMP,
session.intra_op.allow_spinning=0 for onnxruntime; `--spin` restores their defaults): on a machine
whose cores are shared with other work, spinning threads lose their time slices and PyTorch's
ResNet-50 pass then varies from 90 ms to over 1 s, while with sleeping threads it holds at ~55 ms. Needs PyTorch (Debian's python3-torch), torchvision, timm for
the timm models and onnxruntime (`pip install onnxruntime`).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["resnet50", "densenet121", "seresnet50", "skresnext50_32x4d", "resnest50d"]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def summary(times_ms, threads):
    return {"median_ms": statistics.median(times_ms), "min_ms": min(times_ms), "max_ms": max(times_ms),
            "runs": len(times_ms), "runs_ms": times_ms, "threads": threads, "peak_rss_mb": peak_rss_mb()}


def combine(rounds):
    """One engine's rounds as one measurement: statistics over every timed pass."""
    times = [t for r in rounds for t in r["runs_ms"]]
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "runs": len(times),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in rounds), "rounds": rounds}


def build_torch_model(name):
    import torch
    import torchvision
    torch.manual_seed(0)
    if hasattr(torchvision.models, name):
        return getattr(torchvision.models, name)(weights=None).eval()
    import timm
    return timm.create_model(name, pretrained=False).eval()


def worker_torch(args):
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model = build_torch_model(args.model)
    x = torch.randn(1, 3, 224, 224)
    times = []
    with torch.inference_mode():
        for i in range(args.warmup + args.repeat):
            start = time.perf_counter()
            model(x)
            if i >= args.warmup:
                times.append((time.perf_counter() - start) * 1000)
    return summary(times, args.threads)


def worker_export(args):
    import torch
    torch.set_num_threads(args.threads)
    model = build_torch_model(args.model)
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), args.onnx, opset_version=13,
                      input_names=["input"], output_names=["logits"])
    return {"onnx": args.onnx}


def worker_ort(args):
    import numpy as np
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if not args.spin:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224), dtype=np.float32)
    times = []
    for i in range(args.warmup + args.repeat):
        start = time.perf_counter()
        session.run(None, {"input": x})
        if i >= args.warmup:
            times.append((time.perf_counter() - start) * 1000)
    result = summary(times, args.threads)
    result["onnxruntime"] = ort.__version__
    return result


def run_json(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(model, args, tmp):
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), CONVSCOPE_THREADS=str(args.threads))
    if not args.spin:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    common = ["--threads", str(args.threads), "--repeat", str(args.repeat), "--warmup", str(args.warmup)]
    onnx_path = os.path.join(tmp, model + ".onnx")
    me = [sys.executable, os.path.abspath(__file__), "--model", model] + common + (["--spin"] if args.spin else [])
    run_json(me + ["--worker", "export", "--onnx", onnx_path], env)
    commands = {
        "convscope": [args.binary, "bench", model, "--input-size", "224", "--batch", "1", "--format", "json"] + common,
        "pytorch": me + ["--worker", "torch"],
        "onnxruntime": me + ["--worker", "ort", "--onnx", onnx_path],
    }
    rounds = {engine: [] for engine in commands}
    for _ in range(args.rounds):
        for engine, command in commands.items():
            rounds[engine].append(run_json(command, env))
    return {engine: combine(r) for engine, r in rounds.items()}


def report(results, args):
    import torch
    import onnxruntime
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    lines = [
        f"`benchmarks/compare.py{' --spin' if args.spin else ''}` · batch 1 · 224×224 · {args.threads} threads · median of {args.rounds} rounds × "
        f"{args.repeat} passes (each after {args.warmup} warm-up) · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"CPU: {cpu} ({os.cpu_count()} cores visible) · load average at the end: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} · PyTorch {torch.__version__} · "
        f"onnxruntime {onnxruntime.__version__} · Python {platform.python_version()} · "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset (OpenBLAS picks its kernels)')}",
        "",
        "| model | convscope ms | PyTorch ms | onnxruntime ms | convscope / PyTorch | convscope / onnxruntime "
        "| peak RSS MB (convscope · PyTorch · onnxruntime) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for model, r in results.items():
        c, p, o = (r[k]["median_ms"] for k in ("convscope", "pytorch", "onnxruntime"))
        rss = " · ".join(f"{r[k]['peak_rss_mb']:.0f}" for k in ("convscope", "pytorch", "onnxruntime"))
        lines.append(f"| {model} | {c:.1f} | {p:.1f} | {o:.1f} | {c / p:.2f}× | {c / o:.2f}× | {rss} |")
    lines += ["", "min–max ms per engine (convscope · PyTorch · onnxruntime):", ""]
    for model, r in results.items():
        spans = " · ".join(f"{r[k]['min_ms']:.1f}–{r[k]['max_ms']:.1f}" for k in ("convscope", "pytorch", "onnxruntime"))
        lines.append(f"- {model}: {spans}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/convscope"))
    parser.add_argument("--json", help="also write the raw measurements here")
    parser.add_argument("--spin", action="store_true",
                        help="let PyTorch's OpenMP and onnxruntime's pool threads spin while idle (their defaults)")
    # Internal: one engine's measurement in a process of its own.
    parser.add_argument("--worker", choices=["torch", "export", "ort"], help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--onnx", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps({"torch": worker_torch, "export": worker_export, "ort": worker_ort}[args.worker](args)))
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            print(f"timing {model} …", file=sys.stderr)
            results[model] = measure(model, args, tmp)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(report(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
