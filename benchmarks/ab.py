#!/usr/bin/python3
"""Times two convscope binaries against each other on whole models, interleaved, and prints a markdown table.

    benchmarks/ab.py BEFORE AFTER [--models resnet50 …] [--threads 1 2] [--rounds 3] [--repeat 7] [--warmup 2]
                     [--batch 1] [--before-env KEY=VALUE …] [--after-env KEY=VALUE …]

For each model and thread count, `--rounds` rounds run `BEFORE bench MODEL --format json` then the same with
AFTER, so changes in background load hit both alike; each cell is the median (and the minimum) over all
timed passes of all rounds, and the speed-up is median(before) / median(after). Used for the before/after
figures in benchmarks/RESULTS.md (build BEFORE from the older commit, copy it aside, then build AFTER).
`--before-env`/`--after-env` add environment variables to one side, so one binary can be compared with
itself under two settings (e.g. `--before-env CONVSCOPE_GEMM=openblas`).
"""
import argparse
import json
import os
import statistics
import subprocess

MODELS = ["resnet50", "densenet121", "seresnet50", "skresnext50_32x4d", "resnest50d"]


def passes(binary, model, threads, repeat, warmup, env, batch=1):
    out = subprocess.run(
        [binary, "bench", model, "--threads", str(threads), "--repeat", str(repeat), "--warmup", str(warmup),
         "--batch", str(batch), "--format", "json"], check=True, capture_output=True, text=True,
        env=dict(os.environ, **dict(pair.split("=", 1) for pair in env))).stdout
    return json.loads(out)["runs_ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--before-env", nargs="*", default=[], metavar="KEY=VALUE")
    parser.add_argument("--after-env", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    print("| model | threads | before ms, median (min) | after ms, median (min) | speed-up |")
    print("|---|--:|--:|--:|--:|")
    for model in args.models:
        for threads in args.threads:
            times = {"before": [], "after": []}
            for _ in range(args.rounds):
                for name in times:
                    times[name] += passes(getattr(args, name), model, threads, args.repeat, args.warmup,
                                          getattr(args, name + "_env"), args.batch)
            b, a = statistics.median(times["before"]), statistics.median(times["after"])
            print(f"| {model} | {threads} | {b:.1f} ({min(times['before']):.1f}) | {a:.1f} ({min(times['after']):.1f}) "
                  f"| {b / a:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
