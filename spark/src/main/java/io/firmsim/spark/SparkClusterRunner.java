package io.firmsim.spark;

import io.firmsim.simulator.cluster.ClusterJob;
import io.firmsim.simulator.cluster.ClusterOutcome;
import io.firmsim.simulator.cluster.ClusterRunner;
import io.firmsim.spark.job.SparkSimulation;
import java.io.IOException;
import org.apache.spark.sql.SparkSession;

/**
 * The Apache Spark {@link ClusterRunner}: {@code firmsim simulate --spark MASTER} (and {@code
 * spark-submit} with {@code --spark submit}) run through it. It starts a Spark session for the
 * job's master (or joins the one {@code spark-submit} set up), runs {@link SparkSimulation}, and
 * stops the session it started.
 */
public final class SparkClusterRunner implements ClusterRunner {
  @Override
  public ClusterOutcome simulate(ClusterJob job) throws IOException {
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession.Builder b = SparkSession.builder().appName("firmsim simulate");
    if (job.master() != null) {
      b.master(job.master());
      if (job.master().startsWith("local")) {
        // a local run is one command: no web UI to serve
        b.config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
      }
    }
    SparkSession spark = b.getOrCreate();
    try {
      return new SparkSimulation(spark).run(job);
    } finally {
      if (!existing) {
        spark.stop();
      }
    }
  }
}
