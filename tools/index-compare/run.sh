#!/usr/bin/env bash
# Lucene against hnswlib for Java on ROWS clustered embeddings of dimension DIM (see docs/EMBEDDINGS.md,
# section Index). Usage: tools/index-compare/run.sh [ROWS] [DIM] [EF_CONSTRUCTION]
#   (after mvn -B -o -q package -DskipTests). Fetches hnswlib-core 1.2.1 and eclipse-collections
#   9.2.0 into the local Maven repository if they are absent (needs the network once).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
M2="${M2_REPO:-$HOME/.m2/repository}"
HN="$M2/com/github/jelmerk/hnswlib-core/1.2.1/hnswlib-core-1.2.1.jar"
EC="$M2/org/eclipse/collections/eclipse-collections/9.2.0/eclipse-collections-9.2.0.jar"
ECA="$M2/org/eclipse/collections/eclipse-collections-api/9.2.0/eclipse-collections-api-9.2.0.jar"
for a in com.github.jelmerk:hnswlib-core:1.2.1:jar org.eclipse.collections:eclipse-collections:9.2.0:jar \
  org.eclipse.collections:eclipse-collections-api:9.2.0:jar; do
  g=${a%%:*}; r=${a#*:}; n=${r%%:*}; v=${r#*:}; v=${v%%:*}
  [ -f "$M2/${g//.//}/$n/$v/$n-$v.jar" ] || mvn -B -q dependency:get -Dartifact="$a" -Dtransitive=false
done
exec java ${JAVA_OPTS:--Xmx6g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "trainer/target/trainer.jar:trainer/target/lib/*:$HN:$EC:$ECA" \
  tools/index-compare/CompareHnswLibraries.java "${1:-100000}" "${2:-32}" "${3:-40}"
