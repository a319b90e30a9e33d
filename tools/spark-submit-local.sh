#!/usr/bin/env bash
# spark-submit on this machine, without a Spark installation: runs Spark's own SparkSubmit class on
# the jars of a Spark 3.5.9 distribution (assembled from Maven Central by tools/spark-dist/pom.xml),
# with firmsim's job jar and its dependencies passed as a cluster gets them (--jars). It checks the
# spark-submit path of docs/SCALE_OUT.md; on a cluster, run the distribution's bin/spark-submit
# with the same arguments.
#
# Usage (after mvn -B package -DskipTests):
#   tools/spark-submit-local.sh 'local[2]' simulate --firms 20000 --years 5 --out out/spark-submit
# The first argument is the master; the rest go to firmsim (--spark submit is added).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
master="$1"
shift
dist="$here/tools/spark-dist/target/jars"
if [[ ! -d "$dist" ]]; then
  mvn -B -q -f "$here/tools/spark-dist/pom.xml" package
fi
job="$here/spark/target/firmsim-spark.jar"
if [[ ! -f "$job" ]]; then
  echo "spark-submit-local: $job not found; build first with: mvn -B package -DskipTests" >&2
  exit 2
fi
jars="$(ls "$here"/spark/target/job-lib/*.jar | tr '\n' ',' | sed 's/,$//')"
# What bin/spark-submit does: the launcher adds these openings on Java 17 (JavaModuleOptions).
read -r -a opens < "$here/spark/target/classes/spark-java17-options.txt"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
exec "${JAVA:-java}" "${opens[@]}" -Xmx4g \
  "-Dlog4j2.configurationFile=$here/spark/target/classes/firmsim-log4j2.properties" \
  -cp "$dist/*" org.apache.spark.deploy.SparkSubmit \
  --master "$master" \
  --class io.firmsim.trainer.cli.Main \
  --conf spark.ui.enabled=false \
  --conf "spark.driver.extraJavaOptions=-Dai.djl.offline=true" \
  --conf "spark.executor.extraJavaOptions=-Dai.djl.offline=true" \
  --jars "$jars" \
  "$job" "$@" --spark submit
