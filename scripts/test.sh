#!/usr/bin/env bash
# Sets up (with headless Chromium for the notebook screenshot test), builds and runs every test.
# Tests that need ../shared/datasets skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
swift build --build-tests
swift test --skip-build
