package io.firmsim.spark.job;

import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.run.FirmDifferencesSink;
import io.firmsim.simulator.scenario.run.ScenarioInputs;
import io.firmsim.simulator.scenario.run.ScenarioPart;
import io.firmsim.simulator.scenario.run.ScenarioResult;
import io.firmsim.simulator.scenario.run.ScenarioRunner;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The driver of a partitioned stress-scenario run: the plan's every replicate and variant for one
 * firm range per Spark task ({@link ScenarioRunner#runPart}), combined in firm order on the driver
 * ({@link ScenarioRunner#combine}), which gives the single-machine result bit for bit: the same
 * bands, paired differences and recovery tables.
 *
 * <p>A task holds the whole start population (a broadcast: shocks pick their firms from the whole
 * population, by size deciles for instance) and simulates its range through all R replicates and K
 * + 1 variants; ranges are whole tiles of 512 firms (whole chunks when a range holds one). Balance
 * violations come back as results and the first in firm order is thrown.
 */
public final class SparkScenario {
  private final SparkSession spark;
  private int failFirstAttemptOf = -1;

  public SparkScenario(SparkSession spark) {
    this.spark = spark;
  }

  /** A failure drill, as {@link SparkSimulation#failFirstAttemptOf}. */
  public SparkScenario failFirstAttemptOf(int range) {
    this.failFirstAttemptOf = range;
    return this;
  }

  /** Runs the plan; see {@link io.firmsim.simulator.cluster.ClusterRunner#scenario}. */
  public ScenarioResult run(
      Integer partitions,
      ScenarioPlan plan,
      ModelSpec model,
      ScenarioInputs inputs,
      FirmDifferencesSink differences) {
    long started = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = inputs.population().size();
    int chunk =
        plan.run().chunkSize() != null
            ? plan.run().chunkSize()
            : SimulationConfig.defaultChunkSize(
                plan.run().backend(), plan.run().precision(), false);
    int p = partitions != null ? partitions : Math.max(1, 2 * jsc.defaultParallelism());
    int size = SparkSimulation.rangeSize(n, p, chunk);
    List<int[]> ranges = new ArrayList<>();
    for (int from = 0, i = 0; from < n; from += size, i++) {
      ranges.add(new int[] {i, from, (int) Math.min(n, (long) from + size)});
    }
    Broadcast<ScenarioWork> work =
        jsc.broadcast(
            new ScenarioWork(
                plan.withWorkers(1),
                ModelSpecWriter.bytes(model),
                inputs.population(),
                inputs.weights(),
                inputs.macros()));
    List<ScenarioRangeResult> results;
    try {
      results =
          new ArrayList<>(
              jsc.parallelize(ranges, ranges.size())
                  .mapPartitions(new Task(work, failFirstAttemptOf))
                  .collect());
    } finally {
      work.destroy();
    }
    results.sort(Comparator.comparingInt(ScenarioRangeResult::index));
    if (results.size() != ranges.size()) {
      throw new IllegalStateException(results.size() + " results for " + ranges.size() + " ranges");
    }
    List<ScenarioPart> parts = new ArrayList<>();
    for (ScenarioRangeResult r : results) {
      if (r.violation() != null) {
        PartResult.Violation v = r.violation();
        throw new BalanceViolationException(v.firmId(), v.year(), v.gap(), v.tolerance());
      }
      parts.add(r.part());
    }
    double wall = (System.nanoTime() - started) / 1e9;
    String backend =
        parts.get(0).backend()
            + " on Apache Spark "
            + spark.version()
            + " ("
            + spark.sparkContext().master()
            + ", "
            + parts.size()
            + " ranges)";
    return ScenarioRunner.combine(plan, n, inputs.weights(), parts, differences, backend, wall);
  }

  /** The executor side: a range through every replicate and variant. */
  private static final class Task implements FlatMapFunction<Iterator<int[]>, ScenarioRangeResult> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ScenarioWork> work;
    private final int failFirstAttemptOf;

    Task(Broadcast<ScenarioWork> work, int failFirstAttemptOf) {
      this.work = work;
      this.failFirstAttemptOf = failFirstAttemptOf;
    }

    @Override
    public Iterator<ScenarioRangeResult> call(Iterator<int[]> ranges) {
      TaskContext ctx = TaskContext.get();
      int attempt = ctx == null ? 0 : ctx.attemptNumber();
      if (System.getProperty("ai.djl.pytorch.num_threads") == null && ctx != null) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, ctx.cpus())));
      }
      List<ScenarioRangeResult> out = new ArrayList<>();
      while (ranges.hasNext()) {
        int[] r = ranges.next();
        ScenarioRangeResult result;
        try {
          ScenarioPart part = work.value().runner().runPart(r[1], r[2], null);
          result = new ScenarioRangeResult(r[0], attempt, part, null);
        } catch (BalanceViolationException e) {
          double tolerance = work.value().plan().run().precision().tolerance();
          result =
              new ScenarioRangeResult(
                  r[0],
                  attempt,
                  null,
                  new PartResult.Violation(e.firmId(), e.year(), e.gap(), tolerance));
        }
        if (r[0] == failFirstAttemptOf && attempt == 0) {
          throw new IllegalStateException(
              "failure drill: the first attempt of range " + r[0] + " fails on purpose");
        }
        out.add(result);
      }
      return out.iterator();
    }
  }
}
