#!/usr/bin/env bash
# The Spark benchmark (issue 17): generated weekly series (100,000 by default), ets and qrf
# inference, one `horizon batch` process against Spark local[2] at several partition counts;
# prints wall times, Spark's overhead as a ratio and each horizon process's peak memory. Needs
# the test set-up (Java, .venv with PySpark: scripts/setup.sh --tests) and a release build.
#
# usage: scripts/bench-spark.sh [--series N] [--partitions 2,8,32] [--models ets,qrf]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests >/dev/null
swift build -c release --product horizon >/dev/null
cd spark/bench
exec ../../.venv/bin/python bench_spark.py ../../.build/release/horizon "$@"
