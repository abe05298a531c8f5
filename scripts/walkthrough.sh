#!/usr/bin/env bash
# The main job: set up, build in release mode and run the teaching walkthrough.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product horizon
.build/release/horizon scripts/evolution.hz
