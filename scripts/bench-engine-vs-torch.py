#!/usr/bin/env python3
"""Times Horizon's tensor engine and PyTorch on the same training steps, in one run.

Runs `horizon-bench engine --csv` (build it first: swift build -c release --product horizon-bench),
then times the same blocks at the same shapes in PyTorch on the CPU with the same thread count
(one), and prints both with the ratio torch/engine (above 1: Horizon is faster).

Skips cleanly (exit 0, a message) when torch is not importable. Usage:
    python3 scripts/bench-engine-vs-torch.py [--quick] [--rounds N]
"""
import csv
import io
import os
import statistics
import subprocess
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("torch is not importable: skipping the PyTorch comparison (pip install torch)")
    sys.exit(0)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "horizon-bench")


def median_seconds(step, warmup=2, minimum_runs=5, budget=1.5):
    """The same protocol as the Swift side: warm-up runs, then the median over >= 5 runs / ~1.5 s."""
    for _ in range(warmup):
        step()
    times = []
    start = time.perf_counter()
    while len(times) < minimum_runs or (time.perf_counter() - start < budget and len(times) < 200):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def torch_step(block, batch, steps, width, features):
    torch.manual_seed(1)
    if block == "lstm":
        layer = torch.nn.LSTM(features, width, batch_first=True)
        x = torch.rand(batch, steps, features) * 2 - 1
        params = list(layer.parameters())

        def step():
            out, _ = layer(x)
            out.mean().backward()
            for p in params:
                p.grad = None
    elif block == "conv":
        kernels, dilations = [7, 3, 3], [1, 3, 9]
        layers, channels = [], features
        for k, d in zip(kernels, dilations):
            layers.append(torch.nn.Conv1d(channels, width, k, dilation=d))
            channels = width
        params = [p for layer in layers for p in layer.parameters()]
        x = torch.rand(batch, features, steps) * 2 - 1  # PyTorch's native (B, C, T) layout

        def step():
            h = x
            for layer, k, d in zip(layers, kernels, dilations):
                h = F.relu(layer(F.pad(h, ((k - 1) * d, 0))))
            h.mean().backward()
            for p in params:
                p.grad = None
    elif block == "attention":
        attention = torch.nn.MultiheadAttention(width, 4, batch_first=True)
        norm = torch.nn.LayerNorm(width)
        params = list(attention.parameters()) + list(norm.parameters())
        x = torch.rand(batch, steps, width) * 2 - 1
        mask = torch.triu(torch.ones(steps, steps, dtype=torch.bool), diagonal=1)

        def step():
            attended, _ = attention(x, x, x, attn_mask=mask, need_weights=False)
            norm(x + attended).mean().backward()
            for p in params:
                p.grad = None
    else:
        raise ValueError(block)
    return step


def main():
    quick = "--quick" in sys.argv
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 1
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} is missing: run `swift build -c release --product horizon-bench` first")
    torch.set_num_threads(1)
    results = {}
    for _ in range(rounds):
        args = [BENCH, "engine", "--csv"] + (["--quick"] if quick else [])
        rows = list(csv.DictReader(io.StringIO(subprocess.run(args, check=True, capture_output=True, text=True).stdout)))
        for row in rows:
            key = (row["block"], int(row["batch"]), int(row["steps"]), int(row["width"]), int(row["features"]))
            torch_ms = 1e3 * median_seconds(torch_step(*key))
            results.setdefault(key, []).append((float(row["engine_ms"]), torch_ms))
    print(f"training step, forward + backward, one thread (torch {torch.__version__}); medians over {rounds} round(s)")
    print(f"{'block':<10} {'shape':<20} {'horizon ms':>10} {'torch ms':>10} {'torch/horizon':>14}")
    for (block, batch, steps, width, _), pairs in results.items():
        engine = statistics.median(p[0] for p in pairs)
        reference = statistics.median(p[1] for p in pairs)
        shape = f"B={batch} T={steps} H={width}"
        print(f"{block:<10} {shape:<20} {engine:>10.2f} {reference:>10.2f} {reference / engine:>14.2f}")


if __name__ == "__main__":
    main()
