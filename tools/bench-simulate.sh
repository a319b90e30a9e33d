#!/usr/bin/env bash
# Benchmark of the simulation loop (issues 2 and 8): FIRMS start-up firms x YEARS years, no burn-in,
# no panel, on both backends in the same run: sample float32, sample float64, mean float64 (and mean
# float32). Prints a markdown table row per run with the backend's workers x threads, the loop's
# rate (the last line of `firmsim simulate`) and the peak resident memory of the whole process
# (/usr/bin/time -v).
#
# Usage: tools/bench-simulate.sh [FIRMS] [YEARS] [REPEATS]   (after mvn -B package -DskipTests)
# Environment:
#   BENCH_BACKENDS  backends to run (default "djl onnx")
#   BENCH_ARGS      extra simulate options for every run (e.g. "--workers 1 --threads 2")
#   BENCH_HOGS      N: keep N busy processes (`yes > /dev/null`) running during the runs, to measure
#                   a machine shared with other work (default 0)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
firms=${1:-1000000}
years=${2:-10}
repeats=${3:-3}
backends=${BENCH_BACKENDS:-djl onnx}
hogs=${BENCH_HOGS:-0}
out=$(mktemp -d)
hog_pids=()
cleanup() {
  for pid in ${hog_pids[@]+"${hog_pids[@]}"}; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$out"
}
trap cleanup EXIT
if [[ ! -x /usr/bin/time ]]; then
  echo "needs /usr/bin/time (Debian package 'time') for peak memory" >&2
  exit 2
fi
for _ in $(seq 1 "$hogs"); do
  yes >/dev/null &
  hog_pids+=($!)
done
echo "<!-- $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg),"\
  "busy processes added: $hogs, OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset (launcher: PASSIVE)},"\
  "extra options: ${BENCH_ARGS:-none} -->"
echo "| backend | mode | dtype | workers x threads | run | loop s | firm-years/s | peak RSS MB |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for backend in $backends; do
  for case in "sample float32" "sample float64" "mean float64" "mean float32"; do
    read -r mode dtype <<<"$case"
    for r in $(seq 1 "$repeats"); do
      log="$out/log"
      # shellcheck disable=SC2086 # BENCH_ARGS is a list of options
      /usr/bin/time -v ./firmsim simulate --firms "$firms" --years "$years" --burn-in 0 \
        --backend "$backend" --mode "$mode" --dtype "$dtype" ${BENCH_ARGS:-} \
        --out "$out/run" --overwrite --quiet >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
      line=$(grep '^simulated' "$log")
      secs=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$line")
      rate=$(sed -E 's/.*\(([0-9]+) firm-years\/s\).*/\1/' <<<"$line")
      rss=$(awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' "$log")
      threads=$(python3 -c 'import json, sys
b = json.load(open(sys.argv[1]))["backend"]
print(b["workers"], "x", b["threadsPerWorker"])' "$out/run/run.json" 2>/dev/null || echo "?")
      echo "| $backend | $mode | $dtype | $threads | $r | $secs | $rate | $rss |"
    done
  done
done
