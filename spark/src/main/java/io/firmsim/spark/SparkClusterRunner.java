package io.firmsim.spark;

import io.firmsim.simulator.cluster.ClusterJob;
import io.firmsim.simulator.cluster.ClusterOutcome;
import io.firmsim.simulator.cluster.ClusterRunner;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.run.FirmDifferencesSink;
import io.firmsim.simulator.scenario.run.ScenarioInputs;
import io.firmsim.simulator.scenario.run.ScenarioResult;
import io.firmsim.spark.job.SparkScenario;
import io.firmsim.spark.job.SparkSimulation;
import io.firmsim.zoo.modelspec.ModelSpec;
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
    boolean existing = running();
    SparkSession spark = session("firmsim simulate", job.master());
    try {
      return new SparkSimulation(spark).run(job);
    } finally {
      if (!existing) {
        stop(spark);
      }
    }
  }

  @Override
  public ScenarioResult scenario(
      String master,
      Integer partitions,
      ScenarioPlan plan,
      ModelSpec model,
      ScenarioInputs inputs,
      FirmDifferencesSink differences) {
    boolean existing = running();
    SparkSession spark = session("firmsim scenario run", master);
    try {
      return new SparkScenario(spark).run(partitions, plan, model, inputs, differences);
    } finally {
      if (!existing) {
        stop(spark);
      }
    }
  }

  /**
   * Whether a session with a live context runs already (a caller's, or spark-submit's): then the
   * job joins it and leaves it running.
   */
  private static boolean running() {
    return live(SparkSession.getActiveSession()) || live(SparkSession.getDefaultSession());
  }

  private static boolean live(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  /** Stops a session this runner started, and forgets it (so that the next run starts afresh). */
  private static void stop(SparkSession spark) {
    spark.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** The session for {@code master} (null: the one spark-submit configured). */
  private static SparkSession session(String app, String master) {
    SparkSession.Builder b = SparkSession.builder().appName(app);
    if (master != null) {
      b.master(master);
      if (master.startsWith("local")) {
        // a local run is one command: no web UI to serve
        b.config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
      }
    }
    return b.getOrCreate();
  }
}
