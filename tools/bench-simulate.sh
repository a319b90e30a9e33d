#!/usr/bin/env bash
# Benchmark of the simulation loop (issue 2): 1,000,000 start-up firms x 10 years, no burn-in,
# no panel, for each mode and dtype; prints a markdown table row per run with the loop's rate (the
# last line of `firmsim simulate`) and the peak resident memory of the whole process.
# Usage: tools/bench-simulate.sh [FIRMS] [YEARS] [REPEATS]   (after mvn -B package -DskipTests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
firms=${1:-1000000}
years=${2:-10}
repeats=${3:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [[ ! -x /usr/bin/time ]]; then
  echo "needs /usr/bin/time (Debian package 'time') for peak memory" >&2
  exit 2
fi
echo "| mode | dtype | run | loop s | firm-years/s | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- |"
for mode in sample mean; do
  for dtype in float32 float64; do
    for r in $(seq 1 "$repeats"); do
      log="$out/log"
      /usr/bin/time -v ./firmsim simulate --firms "$firms" --years "$years" --burn-in 0 \
        --mode "$mode" --dtype "$dtype" --out "$out/run" --overwrite --quiet >"$log" 2>&1
      line=$(grep '^simulated' "$log")
      secs=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$line")
      rate=$(sed -E 's/.*\(([0-9]+) firm-years\/s\).*/\1/' <<<"$line")
      rss=$(awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$log")
      echo "| $mode | $dtype | $r | $secs | $rate | $rss |"
    done
  done
done
