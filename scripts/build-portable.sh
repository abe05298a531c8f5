#!/usr/bin/env bash
# A `horizon` binary to copy to other machines (cluster executors): Swift's standard library and
# Foundation linked in statically, numeric code for Haswell, i.e. x86-64-v3 (Package.swift), so
# it needs only the Debian libraries `ldd` lists. Fails if a toolchain library is linked.
#
# usage: scripts/build-portable.sh            → .build/release/horizon
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -n "${HORIZON_CPU:-}" ]; then
  echo "HORIZON_CPU=$HORIZON_CPU is set: unset it for a portable build" >&2
  exit 2
fi
swift build -c release --static-swift-stdlib --product horizon
binary=.build/release/horizon
ldd "$binary"
if ldd "$binary" | grep -E "libswift|libFoundation|libdispatch|libBlocksRuntime|lib_FoundationICU|/usr/share/swift|toolchain"; then
  echo "error: $binary links a Swift toolchain library (above)" >&2
  exit 1
fi
echo "portable: $binary ($(du -h "$binary" | cut -f1)) links only the system libraries above"
