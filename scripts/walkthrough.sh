#!/usr/bin/env bash
# The main job: set up, build in release mode, run the teaching walkthrough and write it as a
# notebook, out/evolution.html (one self-contained page); its runs go to .horizon/runs.sqlite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product horizon
.build/release/horizon scripts/evolution.hz --notebook out/evolution.html
echo "Open out/evolution.html in a browser (it needs no network); 'echo runs | .build/release/horizon' lists the logged runs."
