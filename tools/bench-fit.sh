#!/usr/bin/env bash
# Benchmark of single fits (issue 3): each family on ROWS x FEATURES synthetic data in memory.
# Usage: tools/bench-fit.sh [ROWS] [FEATURES] [REPEATS]   (after mvn -B package -DskipTests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec java ${JAVA_OPTS:--Xmx6g} -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "trainer/target/trainer.jar:trainer/target/lib/*" io.firmsim.trainer.bench.FitBenchmark "$@"
