#!/usr/bin/env bash
# Load test of `./firmsim serve` with hey (Debian package `hey`): single-row and 1,024-row infer
# requests on the paper model's year graph (mean mode, float64) at concurrency 1, 16 and 64, with
# and without dynamic batching. Prints one markdown table row per run: throughput (requests/s and
# rows/s), p50 and p99 latency, and the count of non-200 answers. Bounded: each run lasts
# LOAD_SECONDS (default 10); the server binds to 127.0.0.1 only and is stopped at the end.
#
# Usage: tools/load-serve.sh [SECONDS]     (build first: mvn -B -q package -DskipTests)
# Environment: LOAD_MODEL (default paper-year-mean-float64), LOAD_SERVER_ARGS (extra serve flags,
# e.g. "--max-queue-delay-us 500"), LOAD_ROWS (default "1 1024"), LOAD_CONCURRENCY ("1 16 64"),
# LOAD_BATCHING ("on off"), LOAD_PORT (18081).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-${LOAD_SECONDS:-10}}"
port="${LOAD_PORT:-18081}"
model="${LOAD_MODEL:-paper-year-mean-float64}"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
command -v hey >/dev/null || { echo "hey not found: apt-get install hey" >&2; exit 2; }

./firmsim export --out "$work/repo/paper/1" --dtype float64 --name paper --version 1 >/dev/null
# The uniforms a sample-mode year graph takes per firm (0 in mean mode), from the artifact.
uniforms="$(/usr/bin/env python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(len(m["registries"]["uniforms"]))' "$work/repo/paper/1/metadata.json" 2>/dev/null || echo 0)"

# Request bodies: state rows of a plausible firm (positive balance-sheet items), macro (dgnp, realr).
/usr/bin/env python3 - "$work" "$model" "$uniforms" <<'PY'
import json, random, sys
work, model, uniforms = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
S = 43
for rows in (1, 1024):
    data = [abs(random.gauss(1000.0, 300.0)) for _ in range(rows * S)]
    body = {"inputs": [
        {"name": "state", "shape": [rows, S], "datatype": "FP64", "data": data},
        {"name": "macro", "shape": [2], "datatype": "FP64", "data": [0.02, 0.03]}]}
    if "-sample-" in model:
        u = [random.random() for _ in range(rows * uniforms)]
        body["inputs"].insert(1, {"name": "uniforms", "shape": [rows, uniforms],
                                  "datatype": "FP64", "data": u})
    with open(f"{work}/rows{rows}.json", "w") as f:
        json.dump(body, f)
PY

start_server() {
  # shellcheck disable=SC2086 # LOAD_SERVER_ARGS is a list of options
  ./firmsim serve --repository "$work/repo" --host 127.0.0.1 --port "$port" "$@" ${LOAD_SERVER_ARGS:-} \
    > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null; then
      # Warm-up, not recorded: the JIT compiles the request path.
      hey -z 3s -c 16 -m POST -T application/json -D "$work/rows1.json" \
        "http://127.0.0.1:$port/v2/models/$model/infer" >/dev/null
      return 0
    fi
    sleep 0.5
  done
  echo "server did not become ready:" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

echo "<!-- $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg), model $model, ${seconds}s per run, server flags: ${LOAD_SERVER_ARGS:-defaults} -->"
echo "| batching | rows/request | concurrency | requests/s | rows/s | p50 ms | p99 ms | non-200 |"
echo "|---|---|---|---|---|---|---|---|"
for batching in ${LOAD_BATCHING:-on off}; do
  if [[ "$batching" == on ]]; then start_server; else start_server --no-batching; fi
  for rows in ${LOAD_ROWS:-1 1024}; do
    for c in ${LOAD_CONCURRENCY:-1 16 64}; do
      out="$(hey -z "${seconds}s" -c "$c" -m POST -T application/json -D "$work/rows$rows.json" \
        "http://127.0.0.1:$port/v2/models/$model/infer")"
      rps="$(awk '/Requests\/sec:/ {print $2}' <<<"$out")"
      p50="$(awk '/ 50% in / {print $3 * 1000}' <<<"$out")"
      p99="$(awk '/ 99% in / {print $3 * 1000}' <<<"$out")"
      total="$(awk '/\[[0-9]+\][[:space:]]+[0-9]+ responses/ {gsub(/[\[\]]/, "", $1); n += $2} END {print n + 0}' <<<"$out")"
      ok="$(awk '/\[200\][[:space:]]+[0-9]+ responses/ {print $2}' <<<"$out")"
      errs="$(awk '/Error distribution:/ {f = 1; next} f && /\[[0-9]+\]/ {gsub(/[\[\]]/, "", $1); n += $1} END {print n + 0}' <<<"$out")"
      non200=$(( total - ${ok:-0} + errs ))
      rowsps="$(awk -v r="$rps" -v n="$rows" 'BEGIN {printf "%.0f", r * n}')"
      printf '| %s | %s | %s | %.0f | %s | %.2f | %.2f | %s |\n' \
        "$batching" "$rows" "$c" "$rps" "$rowsps" "${p50:-0}" "${p99:-0}" "$non200"
    done
  done
  stop_server
done
