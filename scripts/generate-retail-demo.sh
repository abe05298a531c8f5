#!/usr/bin/env bash
# Regenerates datasets/retail-demo.csv deterministically (see datasets/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
swift run -c release generate-retail-demo datasets/retail-demo.csv
