"""Writes N weekly demand series (seeded) as a long CSV: item, week, sales, category.

Each item has a level drawn log-uniformly, a yearly season of its own phase and strength, a
slow trend, Poisson noise and, for a tenth of them, intermittent demand; histories run 60 to
156 weeks and end on the same week, as a retailer's catalogue does.
"""

import sys

import numpy as np
import pandas as pd


def generate(n, seed=7):
    rng = np.random.default_rng(seed)
    end = pd.Timestamp("2025-12-29")  # a Monday
    lengths = rng.integers(60, 157, size=n)
    frames = []
    chunk = 5000
    for start in range(0, n, chunk):
        ids = np.arange(start, min(n, start + chunk))
        rows = []
        for i in ids:
            length = lengths[i]
            t = np.arange(length)
            level = np.exp(rng.uniform(np.log(2), np.log(500)))
            season = 1 + rng.uniform(0, 0.5) * np.sin(2 * np.pi * (t + rng.uniform(0, 52)) / 52)
            trend = 1 + rng.normal(0, 0.002) * t
            mean = np.clip(level * season * trend, 0.05, None)
            if rng.uniform() < 0.1:
                mean = mean * (rng.uniform(size=length) < 0.3)
            sales = rng.poisson(mean)
            weeks = pd.date_range(end=end, periods=length, freq="7D").strftime("%Y-%m-%d")
            rows.append(pd.DataFrame({"item": f"SKU-{i:06d}", "week": weeks, "sales": sales,
                                      "category": f"C{i % 20:02d}"}))
        frames.append(pd.concat(rows, ignore_index=True))
    return pd.concat(frames, ignore_index=True)


if __name__ == "__main__":
    n, path = int(sys.argv[1]), sys.argv[2]
    generate(n).to_csv(path, index=False)
