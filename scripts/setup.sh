#!/usr/bin/env bash
# Installs the Debian packages Horizon needs (readline, OpenBLAS, zlib, liblzma, gnuplot),
# skipping the install when they are all present. Uses sudo when not root.
set -euo pipefail
packages=(libreadline-dev libopenblas-dev zlib1g-dev liblzma-dev gnuplot-nox xz-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
