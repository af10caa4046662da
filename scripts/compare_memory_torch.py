#!/usr/bin/python3
"""convscope's memory figures and per-layer times/MACs beside PyTorch's own measurements (issue #19).

For each model (batch 1, 224×224, random timm/torchvision weights, eval mode, 2 threads):
  * parameter bytes and input bytes (float32, as convscope counts them);
  * forward activation memory: the peak of bytes live during a `torch.no_grad()` forward, from the profiler's
    allocation events (`profile_memory=True`, each op's self allocations and frees summed in time order; the input
    and weights allocated before are not counted), beside convscope's `activation_peak_bytes`;
  * backward memory: the bytes of the distinct tensors autograd saves for the backward (`saved_tensors_hooks`,
    by storage, parameters and the input excluded), beside convscope's `backward_bytes`;
  * per layer: MACs from the module's shapes (conv: out elements · in/groups · kh · kw; linear: out · in) and the
    median forward time from pre/post forward hooks, beside `convscope bench MODEL --per-layer --format json`.

Usage: scripts/compare_memory_torch.py --convscope .build/release/convscope [--models resnet18 ...] [--repeat 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as benchmarks/grad_vs_torch.py: no spinning under load
import timm  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

MODELS = ["resnet18", "resnet50", "densenet121", "seresnet50", "skresnet18", "resnest50d"]


def build(name):
    if name in ("resnet18", "resnet50", "densenet121"):
        return getattr(torchvision.models, name)(weights=None)
    return timm.create_model(name, pretrained=False)


def convscope(binary, *args):
    out = subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def activation_peak(model, x):
    """Peak bytes allocated during a no-grad forward, from the profiler's allocation events in time order."""
    with torch.no_grad(), torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU],
                                                 profile_memory=True) as prof:
        model(x)
    # Each allocation (+) and free (−) is an op's (or a bare [memory] event's) self memory.
    events = sorted((e for e in prof.events() if e.self_cpu_memory_usage), key=lambda e: e.time_range.start)
    live = peak = 0
    for e in events:
        live += e.self_cpu_memory_usage
        peak = max(peak, live)
    return peak


def saved_bytes(model, x):
    """Bytes of the distinct storages autograd saves for the backward (not parameters, not the input)."""
    skip = {p.data_ptr() for p in model.parameters()} | {x.data_ptr()}
    seen = {}

    def pack(t):
        ptr = t.untyped_storage().data_ptr() if hasattr(t, "untyped_storage") else t.storage().data_ptr()
        if t.data_ptr() not in skip and ptr not in seen:
            seen[ptr] = t.untyped_storage().nbytes() if hasattr(t, "untyped_storage") else t.storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x.requires_grad_(False))
    return sum(seen.values())


def layer_profile(model, x, repeat):
    """Per leaf module: MACs from its shapes and the median forward time (pre/post hooks)."""
    times, macs, kinds, starts = {}, {}, {}, {}
    names = {m: n for n, m in model.named_modules()}

    def pre(m, _):
        starts[m] = time.perf_counter()

    def post(m, inputs, out):
        name = names[m]
        times.setdefault(name, []).append((time.perf_counter() - starts[m]) * 1e3)
        kinds[name] = type(m).__name__
        if isinstance(m, torch.nn.Conv2d):
            kh, kw = m.kernel_size
            macs[name] = out.numel() * (m.in_channels // m.groups) * kh * kw
        elif isinstance(m, torch.nn.Linear):
            macs[name] = out.numel() * m.in_features
        else:
            macs[name] = 0

    hooks = []
    for m in model.modules():
        if len(list(m.children())) == 0:
            hooks += [m.register_forward_pre_hook(pre), m.register_forward_hook(post)]
    with torch.no_grad():
        model(x)  # warm-up
        times.clear()
        for _ in range(repeat):
            model(x)
    for h in hooks:
        h.remove()
    return {n: (kinds[n], macs[n], statistics.median(t)) for n, t in times.items()}


def mb(b):
    return f"{b / 1e6:.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convscope", default=".build/release/convscope")
    parser.add_argument("--models", nargs="*", default=MODELS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, timm {timm.__version__}, 2 threads, batch 1, 224×224\n")
    print("| model | params MB cs / pt | input MB cs / pt | act. peak MB cs / pt | backward MB cs / pt "
          "| layers | MACs equal | layer time sum ms cs / pt |")
    print("|---|---|---|---|---|---|---|---|")
    details = []
    for name in args.models:
        model = build(name).eval()
        x = torch.randn(1, 3, 224, 224)
        summary = convscope(args.convscope, "summary", name, "--format", "json")
        bench = convscope(args.convscope, "bench", name, "--per-layer", "--threads", "2", "--repeat",
                          str(args.repeat), "--warmup", "1", "--format", "json")
        params = sum(p.numel() * p.element_size() for p in model.parameters())
        inputs = x.numel() * x.element_size()
        peak = activation_peak(model, x)
        saved = saved_bytes(model.train(False), x)
        layers = layer_profile(model, x, args.repeat)
        mine = {layer["path"]: layer for layer in bench["layers"]}
        common = [n for n in layers if n in mine]
        unequal = [(n, mine[n]["macs"], layers[n][1]) for n in common if mine[n]["macs"] != layers[n][1]]
        cs_ms = sum(mine[n]["median_ms"] or 0 for n in common)
        pt_ms = sum(layers[n][2] for n in common)
        print(f"| {name} | {mb(summary['params_bytes'])} / {mb(params)} | {mb(summary['input_bytes'])} / "
              f"{mb(inputs)} | {mb(summary['activation_peak_bytes'])} / {mb(peak)} | "
              f"{mb(summary['backward_bytes'])} / {mb(saved)} | {len(common)} of {len(layers)} | "
              f"{len(common) - len(unequal)} of {len(common)} | {cs_ms:.1f} / {pt_ms:.1f} |")
        slow = sorted(common, key=lambda n: -layers[n][2])[:3]
        details.append((name, unequal, [(n, mine[n]["median_ms"], layers[n][2], mine[n]["fused_into"]) for n in slow]))
    print()
    for name, unequal, slow in details:
        for n, a, b in unequal:
            print(f"{name}: MACs differ at {n}: convscope {a}, PyTorch {b}")
        for n, a, b, into in slow:
            where = f" (fused into {into})" if into else ""
            print(f"{name}: slowest in PyTorch {n}: PyTorch {b:.2f} ms, convscope "
                  f"{'—' if a is None else f'{a:.2f} ms'}{where}")


if __name__ == "__main__":
    main()
