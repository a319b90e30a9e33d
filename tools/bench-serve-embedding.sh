#!/usr/bin/env bash
# Times firmsim serve --embedding: start-up until ready, then sequential GET .../similar and
# POST .../infer requests with curl (one connection per request, as a simple client does).
# Usage: tools/bench-serve-embedding.sh ARTIFACT_DIR [REQUESTS] [PORT]
# ARTIFACT_DIR: written by ./firmsim embed (needs mvn -B -o -q package -DskipTests first).
set -euo pipefail
art=${1:?usage: $0 ARTIFACT_DIR [REQUESTS] [PORT]}
n=${2:-200}
port=${3:-18090}
repo=$(mktemp -d)
here=$(cd "$(dirname "$0")/.." && pwd)
start=$(date +%s.%N)
"$here/firmsim" serve --repository "$repo" --port "$port" --embedding "firms=$art" \
  >"$repo.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$repo" "$repo.log"' EXIT
until curl -sf "localhost:$port/v2/health/ready" >/dev/null; do sleep 0.1; done
ready=$(date +%s.%N)
echo "ready after $(echo "$ready - $start" | bc) s (JVM, artifact check, index load, ONNX session)"
firms=$(curl -s "localhost:$port/v2/models/firms" | sed 's/.*"firms":\([0-9]*\).*/\1/')
echo "firms: $firms"
t0=$(date +%s.%N)
for i in $(seq 1 "$n"); do curl -sf "localhost:$port/v2/health/live" >/dev/null; done
t1=$(date +%s.%N)
echo "baseline GET /v2/health/live (curl start + HTTP): $(echo "scale=2; ($t1 - $t0) * 1000 / $n" | bc) ms each"
# firm ids of a simulated panel are 1..N: query a spread of them
t0=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  curl -sf "localhost:$port/v2/models/firms/similar?firm=$(( (i * 97) % firms + 1 ))&k=10" >/dev/null
done
t1=$(date +%s.%N)
echo "similar k=10: $n requests in $(echo "$t1 - $t0" | bc) s, $(echo "scale=2; ($t1 - $t0) * 1000 / $n" | bc) ms each"
dims=$(curl -s "localhost:$port/v2/models/firms" | sed 's/.*"inputs":\[{[^]]*"shape":\[-1,\([0-9]*\),\([0-9]*\)\].*/\1 \2/')
read -r k f <<<"$dims"
data=$(python3 -c "import random; random.seed(1); print(','.join(str(round(random.uniform(-1,1),4)) for _ in range(64*$k*$f)))")
body="{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[64,$k,$f],\"data\":[$data]}]}"
echo "$body" >"$repo/body.json"
t0=$(date +%s.%N)
for i in $(seq 1 "$n"); do
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$repo/body.json" \
    "localhost:$port/v2/models/firms/infer" >/dev/null
done
t1=$(date +%s.%N)
echo "infer 64 windows of [$k, $f]: $n requests in $(echo "$t1 - $t0" | bc) s, $(echo "scale=2; ($t1 - $t0) * 1000 / $n" | bc) ms each"
