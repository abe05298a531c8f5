#!/usr/bin/env bash
# Sets up (with headless Chromium for the notebook screenshot test, Java and a Python venv for
# the Spark tests), builds and runs every test: Swift's, then horizon-spark's on Spark local[2]
# against the debug build. Tests that need ../shared/datasets skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
swift build --build-tests
swift test --skip-build
HORIZON_BINARY="$PWD/.build/debug/horizon" .venv/bin/python -m unittest discover -s spark/tests
