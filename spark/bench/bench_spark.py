"""The Spark benchmark: N generated weekly series, ets and qrf inference, one `horizon batch`
process against Spark local[2] at several partition counts. Prints wall times, Spark's
overhead as a ratio to the one process, and the peak memory of each horizon process.

usage: bench_spark.py BINARY [--series N] [--partitions 2,8,32] [--models ets,qrf] [--data PATH]
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time

from generate import generate

from horizon_spark import forecast, train

COLUMNS = dict(id="item", time="week", target="sales", freq="W", static=["category"])
QUANTILES = ["p10", "p50", "p90"]
HORIZON = 13


def one_process(binary, data, script, threads):
    """Wall seconds and peak RSS (MB) of one horizon batch run over the whole file."""
    memory = tempfile.mktemp(suffix=".mem")
    args = ["/usr/bin/time", "-f", "%M", "-o", memory, binary, "batch", "--data", data, "--item", "item", "--time", "week",
            "--target", "sales", "--freq", "W", "--static", "category", "--horizon", str(HORIZON), "--threads", str(threads),
            "--commands", script, "--output", os.devnull]
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        sys.exit(f"horizon batch failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    with open(memory) as f:
        return seconds, int(f.read().split()[-1]) / 1024


def wrapper(binary, folder):
    """A binary that runs horizon under /usr/bin/time, one memory file per process."""
    path = os.path.join(folder, "horizon")
    with open(path, "w") as f:
        f.write(f'#!/bin/sh\nexec /usr/bin/time -f "%M" -o "$(mktemp {folder}/mem.XXXXXX)" "{binary}" "$@"\n')
    os.chmod(path, 0o755)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--partitions", default="2,8,32")
    parser.add_argument("--models", default="ets,qrf")
    parser.add_argument("--data")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    data = options.data or os.path.join(tempfile.gettempdir(), f"horizon-weekly-{options.series}.csv")
    if not os.path.exists(data):
        print(f"generating {options.series} weekly series in {data}", flush=True)
        generate(options.series).to_csv(data, index=False)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    started = time.monotonic()
    spark = (SparkSession.builder.master("local[2]").appName("horizon-spark bench").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", "6g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    startup = time.monotonic() - started
    schema = "item string, week string, sales double, category string"
    rows = []

    model_file, train_seconds = None, 0.0
    if "qrf" in options.models:
        started = time.monotonic()
        df = spark.read.csv(data, header=True, schema=schema)
        model_file = train(df, "qrf", horizon=HORIZON, sample=2000 / options.series, binary=binary, quantiles=QUANTILES, **COLUMNS)
        train_seconds = time.monotonic() - started

    for model in options.models.split(","):
        script = f'load model "{model_file}"' if model == "qrf" else f"train {model}"
        seconds, memory = one_process(binary, data, script, threads=2)
        rows.append((model, "one horizon batch process", "-", seconds, 1.0, f"{memory:.0f}"))
        print(rows[-1], flush=True)
        for partitions in [int(p) for p in options.partitions.split(",")]:
            folder = tempfile.mkdtemp(prefix="horizon-bench-")
            started = time.monotonic()
            df = spark.read.csv(data, header=True, schema=schema)
            forecasts, errors = forecast(df, None if model == "qrf" else script, model_file=model_file if model == "qrf" else None,
                                         horizon=HORIZON, partitions=partitions, binary=wrapper(binary, folder),
                                         quantiles=QUANTILES, **COLUMNS)
            count, failed = forecasts.count(), errors.count()
            spark_seconds = time.monotonic() - started
            forecasts.unpersist()
            peaks = [int(open(p).read().split()[-1]) / 1024 for p in glob.glob(os.path.join(folder, "mem.*"))]
            peaks = [p for p in peaks if p > 20]  # the probe's --version runs are not forecasts
            rows.append((model, "Spark local[2]", str(partitions), spark_seconds, spark_seconds / seconds,
                         f"{max(peaks):.0f}" if peaks else "?"))
            print(rows[-1], f"({count} rows, {failed} failed)", flush=True)

    print()
    print(f"{options.series} weekly series, h = {HORIZON}, 2 cores; Spark session start {startup:.1f} s (not counted)"
          + (f"; qrf trained once on 2,000 items in {train_seconds:.1f} s (not counted)" if model_file else ""))
    print(f"{'model':<6} {'run':<27} {'partitions':>10} {'wall s':>8} {'vs one process':>15} {'peak MB per horizon process':>28}")
    for model, run, partitions, seconds, ratio, memory in rows:
        print(f"{model:<6} {run:<27} {partitions:>10} {seconds:>8.1f} {ratio:>14.2f}x {memory:>28}")
    spark.stop()


if __name__ == "__main__":
    main()
