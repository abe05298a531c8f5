#!/usr/bin/env bash
# Big hostile inputs, measured: peak memory (/usr/bin/time -v) and time to load
#   - M4 Hourly (train + test, xz) from ../shared/datasets when present;
#   - a generated long file with 100,000 weekly series of 52 points (5.2 million rows);
#   - a generated long file of about 2 GB (daily, 1,000 series, with price and promo columns).
# The generated files go to a scratch folder (default /tmp/horizon-bench-hostile, or $1) and
# are not committed; this is a bench, not part of CI (the 2 GB file alone takes minutes).
# Ctrl-C during the 2 GB load is checked by hand on a terminal: the progress bar moves, and
# Ctrl-C prints "interrupted: the session is as it was before this command".
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${1:-/tmp/horizon-bench-hostile}
mkdir -p "$scratch"
scripts/setup.sh
swift build -c release --product horizon >/dev/null
horizon=$PWD/.build/release/horizon

measure() {  # NAME SCRIPT
  printf '%s\n' "$2" >"$scratch/$1.hz"
  /usr/bin/time -v "$horizon" "$scratch/$1.hz" >"$scratch/$1.out" 2>"$scratch/$1.time"
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$scratch/$1.time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$scratch/$1.time")
  echo "$1: peak RSS ${rss} MiB, wall ${wall}"
  grep -m1 "^loaded" "$scratch/$1.out" || true
}

# Days since 1970 to YYYY-MM-DD in integer arithmetic (H. Hinnant's algorithm): Debian's
# awk (mawk) has no dates past 2038 in strftime.
civil='function civil(z,  era, doe, yoe, y, doy, mp, d, m) {
  z += 719468; era = int((z >= 0 ? z : z - 146096) / 146097); doe = z - era * 146097
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
  y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
  d = doy - int((153 * mp + 2) / 5) + 1; m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
  return sprintf("%04d-%02d-%02d", y, m, d) }'

m4=../shared/datasets/m4
if [ -f "$m4/Hourly-train.csv.xz" ]; then
  measure m4-hourly "load $m4/Hourly-train.csv.xz format=rows test=$m4/Hourly-test.csv.xz"
fi

series100k=$scratch/series-100k.csv
if [ ! -f "$series100k" ]; then
  awk "$civil"' BEGIN { print "item,week,sales"; srand(7)
         for (w = 0; w < 52; w++) week[w] = civil(18267 + 7 * w)
         for (i = 0; i < 100000; i++) for (w = 0; w < 52; w++) printf "SKU-%06d,%s,%d\n", i, week[w], int(rand() * 40) }' >"$series100k"
fi
echo "100k series: $(du -h "$series100k" | cut -f1), $(($(wc -l <"$series100k") - 1)) rows"
measure series-100k "load $series100k"

big=$scratch/two-gigabytes.csv
if [ ! -f "$big" ]; then
  # 1,000 daily series; each row ~27 bytes, so 80 million rows (~220 years a series: the dates run
  # on past 2100, which the loader takes in its stride).
  awk "$civil"' BEGIN { print "item,date,sales,price,promo"; srand(11)
         for (d = 0; d < 80000; d++) { day = civil(10957 + d)
           for (i = 0; i < 1000; i++) printf "S%04d,%s,%d,%.2f,%d\n", i, day, int(rand() * 50), 9.99, (rand() < 0.1) } }' >"$big"
fi
echo "big file: $(du -h "$big" | cut -f1), $(($(wc -l <"$big") - 1)) rows"
measure two-gigabytes "load $big"
