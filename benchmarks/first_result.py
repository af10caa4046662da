#!/usr/bin/python3
"""First result and memory of `convscope run MODEL`, beside a warm pass of the same model, interleaved.

    benchmarks/first_result.py [--models resnet50 resnet152 …] [--batch 1] [--rounds 5] [--threads 2]
                               [--binary .build/release/convscope]

Each round runs `convscope run MODEL` (process start, seeded weights, one pass, the printed result) and times
it from outside, wall clock, with its peak RSS (wait4's ru_maxrss); then `convscope bench MODEL --repeat 3
--warmup 1` in a process of its own, whose median is one warm forward pass. The two alternate, so background
load hits both alike; the table gives the medians over the rounds and the median of the per-round ratios
(first result / warm pass, target ≤ 2). The memory budget is the issue's: the weights (`summary`'s
params_bytes + buffers) + the two largest activations (the largest `output_bytes` of any two nodes) + 64 MiB;
peak RSS is in MB of 10⁶ bytes.
"""
import argparse
import json
import os
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_once(command, env):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed * 1000, usage.ru_maxrss * 1024 / 1e6


def budget_mb(binary, model, batch, env):
    out = subprocess.run([binary, "summary", model, "--batch", str(batch), "--format", "json"], check=True,
                         capture_output=True, text=True, env=env).stdout
    summary = json.loads(out)
    weights = summary["params_bytes"] + 4 * summary["total_buffers"]
    largest = sorted((n["output_bytes"] for n in summary["nodes"]), reverse=True)[:2]
    return weights / 1e6, (weights + sum(largest) + 64 * 2**20) / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["resnet50", "resnet152", "densenet121"])
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/convscope"))
    args = parser.parse_args()
    env = dict(os.environ, CONVSCOPE_THREADS=str(args.threads))
    lines = [
        f"`benchmarks/first_result.py` · batch {args.batch} · {args.threads} threads · {args.rounds} rounds, run and "
        f"bench interleaved · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · load average at the end: "
        "{load}",
        "",
        "| model | run, first result ms | warm pass ms | first result / warm pass | weights MB | peak RSS of run MB "
        "| budget MB | RSS / budget |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for model in args.models:
        firsts, warms, ratios, rss = [], [], [], []
        for _ in range(args.rounds):
            ms, peak = run_once([args.binary, "run", model, "--batch", str(args.batch)], env)
            bench = subprocess.run([args.binary, "bench", model, "--batch", str(args.batch), "--repeat", "3",
                                    "--warmup", "1", "--format", "json"], check=True, capture_output=True,
                                   text=True, env=env).stdout
            warm = json.loads(bench)["median_ms"]
            firsts.append(ms)
            warms.append(warm)
            ratios.append(ms / warm)
            rss.append(peak)
        weights, budget = budget_mb(args.binary, model, args.batch, env)
        lines.append(
            f"| {model} | {statistics.median(firsts):.0f} | {statistics.median(warms):.0f} | "
            f"{statistics.median(ratios):.2f}× (rounds {min(ratios):.2f}–{max(ratios):.2f}) | {weights:.0f} | "
            f"{max(rss):.0f} | {budget:.0f} | {max(rss) / budget:.2f} |")
    print("\n".join(lines).replace("{load}", ", ".join(f"{x:.2f}" for x in os.getloadavg())))


if __name__ == "__main__":
    main()
