#!/usr/bin/env bash
# A Spark standalone cluster on this machine (a master and one worker whose executors are separate
# JVMs), without a Spark installation: the jars of a Spark 3.5.9 distribution come from Maven
# Central (tools/spark-dist/pom.xml) and SPARK_HOME is a folder that holds them. Used to check that
# executors in other JVMs give the single-machine result (docs/SCALE_OUT.md).
#
#   tools/spark-standalone-local.sh start [CORES]   # master spark://127.0.0.1:7077, worker with CORES
#   tools/spark-submit-local.sh spark://127.0.0.1:7077 simulate --firms 200000 --out out/standalone
#   tools/spark-standalone-local.sh stop
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${FIRMSIM_SPARK_HOME:-$here/tools/spark-dist/target/spark-home}"
case "${1:-}" in
  start)
    cores="${2:-$(nproc)}"
    [[ -d "$here/tools/spark-dist/target/jars" ]] || mvn -B -q -f "$here/tools/spark-dist/pom.xml" package
    mkdir -p "$home/work" "$home/logs"
    ln -sfn "$here/tools/spark-dist/target/jars" "$home/jars"
    # the launcher library finds the jars of an installation by its RELEASE file
    echo "Spark 3.5.9 for Scala 2.13, jars from Maven Central" > "$home/RELEASE"
    read -r -a opens < "$here/spark/target/classes/spark-java17-options.txt"
    export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13
    nohup java "${opens[@]}" -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
      --host 127.0.0.1 --port 7077 --webui-port 18080 > "$home/logs/master.log" 2>&1 &
    echo $! > "$home/master.pid"
    sleep 4
    nohup java "${opens[@]}" -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
      spark://127.0.0.1:7077 --host 127.0.0.1 --cores "$cores" --memory 8g \
      --webui-port 18081 --work-dir "$home/work" > "$home/logs/worker.log" 2>&1 &
    echo $! > "$home/worker.pid"
    sleep 4
    grep -q "Successfully registered with master" "$home/logs/worker.log" \
      && echo "spark://127.0.0.1:7077: one worker with $cores cores (logs: $home/logs)" \
      || { echo "the worker did not register; see $home/logs" >&2; exit 1; }
    ;;
  stop)
    for p in worker master; do
      [[ -f "$home/$p.pid" ]] && kill "$(cat "$home/$p.pid")" 2>/dev/null || true
      rm -f "$home/$p.pid"
    done
    ;;
  *)
    echo "usage: $0 start [CORES] | stop" >&2
    exit 2
    ;;
esac
