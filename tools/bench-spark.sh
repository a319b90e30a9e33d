#!/usr/bin/env bash
# Scale-out benchmark (docs/SCALE_OUT.md): the same simulation and the same scenario run on one JVM
# and on Spark local[2] with several partition counts; prints wall and loop times, the per-task
# loop times from run.json, and checks that aggregates.csv / recovery.csv are byte-identical.
#
# Usage (after mvn -B package -DskipTests): tools/bench-spark.sh [FIRMS] [SCENARIO_FIRMS]
#   FIRMS           generated firms of the simulate runs (default 200000; 10 years, 5 burn-in)
#   SCENARIO_FIRMS  firms of the scenario runs (default 20000; examples/scenarios/benchmark-100k.yaml
#                   with that many firms: 10 years, 20 replicates, baseline and 4 scenarios)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
firms="${1:-200000}"
scenario_firms="${2:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fs="$here/firmsim"

now() { date +%s.%N; }
report() { # name dir start end
  python3 - "$@" <<'PY'
import json, sys
name, d, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
run = json.load(open(d + "/run.json"))
c = run.get("cluster")
line = f"{name:<28} command {t1 - t0:7.1f} s"
if c:
    ts = c["taskLoopSeconds"]
    line += (f"  job {c['jobSeconds']:6.1f} s  ranges {c['ranges']:3d} x {c['firmsPerRange']:7d} firms"
             f"  task loop min/mean/max {min(ts):.2f}/{sum(ts)/len(ts):.2f}/{max(ts):.2f} s"
             f"  sum {sum(ts):.1f} s")
else:
    line += f"  loop {run.get('loopSeconds', float('nan')):.1f} s"
print(line, flush=True)
PY
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); firms $firms x (10 + 5 burn-in) years"
t0=$(now); "$fs" simulate --firms "$firms" --years 10 --out "$work/single" --quiet >/dev/null; t1=$(now)
report "single JVM (2 workers)" "$work/single" "$t0" "$t1"
t0=$(now); "$fs" simulate --firms "$firms" --years 10 --out "$work/single1" --quiet --workers 1 --threads 1 >/dev/null; t1=$(now)
report "single JVM (1 worker)" "$work/single1" "$t0" "$t1"
for p in 2 4 8 16; do
  t0=$(now)
  "$fs" simulate --firms "$firms" --years 10 --out "$work/spark$p" --spark 'local[2]' --partitions "$p" >/dev/null
  t1=$(now)
  report "local[2], $p partitions" "$work/spark$p" "$t0" "$t1"
  cmp -s "$work/single/aggregates.csv" "$work/spark$p/aggregates.csv" || { echo "aggregates differ"; exit 1; }
done
echo "aggregates.csv byte-identical in every run"

sed "s/firms: 100000/firms: $scenario_firms/" "$here/examples/scenarios/benchmark-100k.yaml" > "$work/scenario.yaml"
echo "scenario: $scenario_firms firms x 10 years x 5 variants x 20 replicates"
t0=$(now); "$fs" scenario run "$work/scenario.yaml" --out "$work/sc-single" --quiet >/dev/null; t1=$(now)
printf '%-28s command %7.1f s\n' "scenario, single JVM" "$(echo "$t1 - $t0" | bc)"
for p in 2 4; do
  t0=$(now)
  "$fs" scenario run "$work/scenario.yaml" --out "$work/sc-spark$p" --spark 'local[2]' --partitions "$p" >/dev/null
  t1=$(now)
  printf '%-28s command %7.1f s\n' "scenario, local[2], $p parts" "$(echo "$t1 - $t0" | bc)"
  for f in recovery.csv aggregates-bands.csv aggregate-differences.csv replicates.csv; do
    cmp -s "$work/sc-single/$f" "$work/sc-spark$p/$f" || { echo "$f differs"; exit 1; }
  done
done
echo "scenario tables byte-identical in every run"
