#!/usr/bin/env bash
# Benchmark of the HNSW embedding index (issue 12): clustered synthetic embeddings, recall@10 against
# exact search, single-thread query latency, build time, heap and size on disk.
# Usage: tools/bench-index.sh [ROWS] [DIM] [CLUSTERS] [QUERIES] [M] [EF_CONSTRUCTION]
#          [EF_SEARCH,...] [L2|COSINE] [OUT_DIR]
#   (after mvn -B -o -q package -DskipTests, which also compiles the test classes)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec java ${JAVA_OPTS:--Xmx6g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "trainer/target/test-classes:trainer/target/trainer.jar:trainer/target/lib/*" \
  io.firmsim.trainer.embed.index.IndexBenchmark "$@"
