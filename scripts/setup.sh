#!/usr/bin/env bash
# Installs the Debian packages Horizon needs (readline, OpenBLAS, zlib, liblzma, SQLite, gnuplot),
# skipping the install when they are all present. With --tests it also installs headless
# Chromium, which the notebook screenshot test drives (about 30 s more on a fresh machine; the
# test skips without it), and what the Spark tests need: Java 17 and Python's venv, then a venv
# in .venv with PySpark, pyarrow, pandas and the repository's horizon-spark package (about a
# minute and 400 MB of downloads the first time). Uses sudo when not root.
set -euo pipefail
packages=(libreadline-dev libopenblas-dev zlib1g-dev liblzma-dev libsqlite3-dev gnuplot-nox xz-utils)
browser=()
[ "${1:-}" = "--tests" ] && browser=(chromium) && packages+=(openjdk-17-jre-headless python3-venv)
missing=() missing_browser=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
for p in "${browser[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_browser+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_browser[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]} ${missing_browser[*]}"
  $sudo apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if [ ${#missing_browser[@]} -gt 0 ]; then
    # The browser alone: its recommended extras (desktop integration, codecs) are not needed headless.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_browser[@]}" >/dev/null
  fi
fi
if [ "${1:-}" = "--tests" ]; then
  # Debian's Python (python3-venv above): the one whose venv module is known to be there.
  python=/usr/bin/python3
  [ -x "$python" ] || python=python3
  cd "$(dirname "$0")/.."
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  .venv/bin/python -c "import pyspark, pyarrow, pandas" 2>/dev/null \
    || .venv/bin/pip install -q --disable-pip-version-check "pyspark>=3.4" "pyarrow>=12" "pandas>=1.5,<3"
  # Reinstalled each time: it is small, and the tests must run the package as pip installs it.
  rm -rf spark/build  # setuptools' in-tree build folder: a stale one would be installed as it is
  .venv/bin/pip install -q --disable-pip-version-check --force-reinstall --no-deps ./spark
fi
