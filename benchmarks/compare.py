#!/usr/bin/python3
"""Times the same models in convscope, PyTorch and onnxruntime, in one run, and prints the ratios.

    benchmarks/compare.py [--models resnet50 densenet121 …] [--batches 1 8] [--threads 2] [--rounds 3]
                          [--repeat 7] [--warmup 3] [--binary .build/release/convscope] [--json raw.json]
                          [--engines convscope onnxruntime pytorch] [--gemm automatic avx2 openblas]

Every engine runs each of `--batches` (default 1), 224×224, with `--threads` threads (default 2), in a process of its own so
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
the timm models and onnxruntime (`pip install onnxruntime`): the model is exported by `--torch-python`
(default /usr/bin/python3) and run by `--ort-python` (default: the first `python3` on PATH that imports
onnxruntime), so the two may live in different interpreters. `--gemm V …` times convscope once per
`CONVSCOPE_GEMM` value, interleaved with the others (e.g. the AVX2 path beside the AVX-512 one); the table's
header names the CPU, its instruction sets, onnxruntime's version and the path each convscope column ran.
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
MODELS = ["resnet18", "resnet50", "resnet152", "densenet121", "seresnet50", "skresnext50_32x4d", "resnest50d"]


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
    x = torch.randn(args.batch, 3, 224, 224)
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
    torch.onnx.export(model, torch.randn(args.batch, 3, 224, 224), args.onnx, opset_version=13,
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
    x = np.random.default_rng(0).standard_normal((args.batch, 3, 224, 224), dtype=np.float32)
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


def ort_python():
    """The first python3 on PATH (or /usr/bin/python3) that imports onnxruntime."""
    candidates = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p] + ["/usr/bin"]
    for folder in candidates:
        exe = os.path.join(folder, "python3")
        if os.access(exe, os.X_OK) and subprocess.run([exe, "-c", "import onnxruntime"],
                                                        capture_output=True).returncode == 0:
            return exe
    raise SystemExit("compare.py: no python3 on PATH imports onnxruntime (pip install onnxruntime)")


def convscope_engines(args):
    return ["convscope" if g is None else f"convscope:{g}" for g in (args.gemm or [None])]


def measure(model, batch, args, tmp):
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), CONVSCOPE_THREADS=str(args.threads))
    if not args.spin:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    common = ["--threads", str(args.threads), "--repeat", str(args.repeat), "--warmup", str(args.warmup)]
    onnx_path = os.path.join(tmp, f"{model}-{batch}.onnx")
    script = os.path.abspath(__file__)
    worker = ["--model", model, "--batch", str(batch)] + common + (["--spin"] if args.spin else [])
    commands = {}
    for engine, gemm in zip(convscope_engines(args), args.gemm or [None]):
        if "convscope" in args.engines:
            cs_env = dict(env, CONVSCOPE_GEMM=gemm) if gemm else env
            commands[engine] = ([args.binary, "bench", model, "--input-size", "224", "--batch", str(batch),
                                 "--format", "json"] + common, cs_env)
    if "pytorch" in args.engines:
        commands["pytorch"] = ([args.torch_python, script, "--worker", "torch"] + worker, env)
    if "onnxruntime" in args.engines:
        run_json([args.torch_python, script, "--worker", "export", "--onnx", onnx_path] + worker, env)
        commands["onnxruntime"] = ([args.ort_python, script, "--worker", "ort", "--onnx", onnx_path] + worker, env)
    rounds = {engine: [] for engine in commands}
    for _ in range(args.rounds):
        for engine, (command, engine_env) in commands.items():
            rounds[engine].append(run_json(command, engine_env))
    results = {engine: combine(r) for engine, r in rounds.items()}
    for engine, r in results.items():
        first = r["rounds"][0]
        for key in ("gemm", "cpu", "instruction_sets", "onnxruntime"):
            if key in first:
                r[key] = first[key]
    return results


def cpu_facts():
    model, flags = "?", set()
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name") and model == "?":
            model = line.split(":", 1)[1].strip()
        if line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
    isa = " ".join(n for f, n in (("avx512f", "AVX-512F"), ("avx2", "AVX2"), ("fma", "FMA")) if f in flags)
    return model, isa or "no AVX2"


def report(results, args):
    cpu, isa = cpu_facts()
    engines = [e for e in convscope_engines(args) if "convscope" in args.engines]
    others = [e for e in ("onnxruntime", "pytorch") if e in args.engines]
    first = next(iter(results.values()))
    versions = []
    if "onnxruntime" in first:
        versions.append(f"onnxruntime {first['onnxruntime'].get('onnxruntime', '?')}")
    paths = [f"{e}: {first[e].get('gemm', '?')}" for e in engines]
    lines = [
        f"`benchmarks/compare.py{' --spin' if args.spin else ''}` · 224×224 · {args.threads} threads · median of "
        f"{args.rounds} rounds × {args.repeat} passes (each after {args.warmup} warm-up), engines interleaved · "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"CPU: {cpu} ({os.cpu_count()} cores visible; {isa}) · load average at the end: "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())} · {' · '.join(versions) or 'no reference engine'} · "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset (OpenBLAS picks its kernels)')}",
        "GEMM path: " + "; ".join(paths),
        "",
    ]
    reference = "onnxruntime" if "onnxruntime" in others else (others[0] if others else None)
    header = ["model", "batch"] + [f"{e} ms" for e in engines + others]
    if reference:
        header += [f"{e} / {reference}" for e in engines]
    header += ["peak RSS MB (" + " · ".join(engines + others) + ")"]
    lines += ["| " + " | ".join(header) + " |", "|---|--:|" + "--:|" * (len(header) - 2)]
    for (model, batch), r in results.items():
        cells = [model, str(batch)] + [f"{r[e]['median_ms']:.1f}" for e in engines + others]
        if reference:
            cells += [f"{r[e]['median_ms'] / r[reference]['median_ms']:.2f}×" for e in engines]
        cells.append(" · ".join(f"{r[e]['peak_rss_mb']:.0f}" for e in engines + others))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "min–max ms per engine (" + " · ".join(engines + others) + "):", ""]
    for (model, batch), r in results.items():
        spans = " · ".join(f"{r[e]['min_ms']:.1f}–{r[e]['max_ms']:.1f}" for e in engines + others)
        lines.append(f"- {model}, batch {batch}: {spans}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--batches", nargs="+", type=int, default=[1])
    parser.add_argument("--engines", nargs="+", default=["convscope", "onnxruntime", "pytorch"],
                        choices=["convscope", "onnxruntime", "pytorch"])
    parser.add_argument("--gemm", nargs="+", help="CONVSCOPE_GEMM values to time convscope under, interleaved")
    parser.add_argument("--torch-python", default="/usr/bin/python3", help="interpreter with torch (and timm)")
    parser.add_argument("--ort-python", help="interpreter with onnxruntime (default: found on PATH)")
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
    parser.add_argument("--batch", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps({"torch": worker_torch, "export": worker_export, "ort": worker_ort}[args.worker](args)))
        return 0
    if "onnxruntime" in args.engines and not args.ort_python:
        args.ort_python = ort_python()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models:
            for batch in args.batches:
                print(f"timing {model} at batch {batch} …", file=sys.stderr)
                results[(model, batch)] = measure(model, batch, args, tmp)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({f"{m}@{b}": r for (m, b), r in results.items()}, f, indent=1)
    print(report(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
