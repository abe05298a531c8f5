#!/usr/bin/env bash
# Builds one libFuzzer target with the address sanitizer and runs it for SECONDS, then merges
# what it found into the committed corpus, minimised (libFuzzer's -merge keeps the smallest
# set of inputs with the same coverage).
#
#   scripts/fuzz.sh TARGET SECONDS     TARGET: fuzz-script fuzz-long fuzz-wide fuzz-rows fuzz-detect fuzz-chart
#   scripts/fuzz.sh all SECONDS        each target in turn, one core at a time
#   scripts/fuzz.sh check SECONDS      a brief pass over each target from the committed corpus and
#                                      regression inputs, leaving them untouched; fails on the first
#                                      crash (CI replays the corpora as unit tests instead: the
#                                      sanitizer build alone took about 10 minutes on this machine)
#
# The sanitizer build lives in .build-fuzz (its first build takes a few minutes). Crashes,
# hangs (-timeout) and memory blow-ups (-rss_limit_mb) are saved under Fuzz/artifacts/TARGET/;
# each one fixed becomes a file in Fuzz/regressions/TARGET/, replayed by the unit tests with
# the corpus (Tests/HorizonFuzzingTests). Logs with the final statistics go to .build-fuzz/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(fuzz-script fuzz-long fuzz-wide fuzz-rows fuzz-detect fuzz-chart)
if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET|all|check SECONDS (targets: ${targets[*]})" >&2
  exit 2
fi
build() {  # TARGET — lld: gold fails on the sanitizer runtime's symbols; HORIZON_FUZZ adds the targets
  HORIZON_FUZZ=1 swift build --scratch-path .build-fuzz -c release --product "$1" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -v "Cannot export local symbol" || true
  [ -x ".build-fuzz/release/$1" ] || { echo "the build of $1 failed" >&2; exit 1; }
}
if [ "$1" = check ]; then
  scripts/setup.sh
  for t in "${targets[@]}"; do
    build "$t"
    work=$(mktemp -d .build-fuzz/check-XXXXXX)
    mkdir -p "Fuzz/regressions/$t"
    echo "fuzzing $t for $2 s from the committed corpus"
    if ! ".build-fuzz/release/$t" "$work" "Fuzz/corpus/$t" "Fuzz/regressions/$t" -dict="Fuzz/dictionaries/$t.dict" \
        -max_total_time="$2" -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$work/" >"$work.log" 2>&1; then
      tail -40 "$work.log"
      echo "$t found a crash, hang or blow-up: $(ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -1)" >&2
      exit 1
    fi
    grep -E "^#[0-9]+[[:space:]]+DONE" "$work.log" | tail -1 || true
    rm -rf "$work" "$work.log"
  done
  exit 0
fi
if [ "$1" = all ]; then
  status=0
  for t in "${targets[@]}"; do "$0" "$t" "$2" || status=1; done
  exit $status
fi
target=$1 seconds=$2
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target '$target' (targets: ${targets[*]})" >&2; exit 2; }

scripts/setup.sh
build "$target"
binary=.build-fuzz/release/$target

corpus=Fuzz/corpus/$target
work=.build-fuzz/work/$target
artifacts=Fuzz/artifacts/$target/
mkdir -p "$corpus" "$work" "$artifacts" .build-fuzz/logs
log=.build-fuzz/logs/$target-$(date +%Y%m%d-%H%M%S).log
case $target in
  fuzz-script) max_len=2048 ;;
  *) max_len=8192 ;;
esac
echo "fuzzing $target for $seconds s (log: $log)"
# Fork mode with one worker (one core): a crash, hang or blow-up is saved and fuzzing goes on,
# so one bug does not end the run. The merge below runs whatever happened.
status=0
"$binary" "$work" "$corpus" -dict="Fuzz/dictionaries/$target.dict" -max_total_time="$seconds" \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -timeout=10 -rss_limit_mb=4096 -max_len=$max_len -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
grep -E "^#[0-9]+" "$log" | tail -1 || true
found=$(grep -cE "^(==[0-9]+==ERROR|ALARM|Fatal error)" "$log" || true)
echo "$target: $found crash/timeout/oom reports in the log; artifacts in $artifacts"

# Minimise: merge the committed corpus and the new finds into a fresh folder, then swap it in.
merged=.build-fuzz/work/$target.merged
rm -rf "$merged" && mkdir -p "$merged"
"$binary" -merge=1 -timeout=10 -rss_limit_mb=4096 "$merged" "$corpus" "$work" >>"$log" 2>&1 || true
if [ -n "$(ls -A "$merged")" ]; then
  rm -rf "$corpus" && mv "$merged" "$corpus"
fi
echo "$target: corpus $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB; libFuzzer status $status"
exit $status
