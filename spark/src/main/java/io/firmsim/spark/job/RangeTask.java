package io.firmsim.spark.job;

import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.engine.PartialAggregates;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.spark.output.YearPartitionedPanelWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;

/**
 * The executor side of a simulation job: runs one firm range ({@link FirmRange}) with {@link
 * Simulator#runPart} on the task's device and threads, writes the range's panel part, and returns
 * its {@link PartResult}. A balance violation is returned, not thrown, so that Spark does not retry
 * a deterministic failure and the driver reports the first one in firm order.
 *
 * <p>Device: a task given GPUs by the cluster manager ({@code spark.task.resource.gpu.amount}, read
 * from {@link TaskContext#resources()}) runs on the first of them; otherwise on the run's device
 * (the CPU unless {@code --device gpu}). Threads: the task's CPUs ({@code spark.task.cpus}), set as
 * PyTorch's intra-op thread count when the engine first loads in the executor.
 */
final class RangeTask implements FlatMapFunction<Iterator<FirmRange>, PartResult> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<RunSettings> settings;
  private final GeneratedPopulation generated; // null: ranges carry their firms
  private final String panelDir; // null: no panel
  private final int failFirstAttemptOf; // drill: -1 for none

  /** A generated population as a task needs it: enough to generate any slice. */
  record GeneratedPopulation(long seed, int firms, int marketFirms, double meanTotalAssets)
      implements java.io.Serializable {}

  RangeTask(
      Broadcast<RunSettings> settings,
      GeneratedPopulation generated,
      String panelDir,
      int failFirstAttemptOf) {
    this.settings = settings;
    this.generated = generated;
    this.panelDir = panelDir;
    this.failFirstAttemptOf = failFirstAttemptOf;
  }

  @Override
  public Iterator<PartResult> call(Iterator<FirmRange> ranges) {
    TaskContext ctx = TaskContext.get();
    List<PartResult> out = new java.util.ArrayList<>();
    while (ranges.hasNext()) {
      out.add(run(ranges.next(), ctx));
    }
    return out.iterator();
  }

  private PartResult run(FirmRange range, TaskContext ctx) {
    int attempt = ctx == null ? 0 : ctx.attemptNumber();
    int threads = ctx == null ? 1 : Math.max(1, ctx.cpus());
    int gpu = gpuIndex(ctx);
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
    RunSettings s = settings.value();
    SimulationConfig config = s.config(Math.max(gpu, 0), threads);
    PopulationSource firms = population(range, config);
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    String where =
        (env == null
                ? "unknown"
                : env.executorId() + "@" + env.blockManager().blockManagerId().host())
            + ": "
            + config.device().name().toLowerCase(java.util.Locale.ROOT)
            + (gpu >= 0 ? " (the task's GPU: " + gpu + ")" : "")
            + ", "
            + threads
            + " thread(s)";
    YearPartitionedPanelWriter panel = null;
    Configuration conf = new Configuration();
    if (panelDir != null) {
      panel =
          new YearPartitionedPanelWriter(
              conf,
              new Path(panelDir),
              range.index(),
              attempt,
              s.startYear(),
              s.years(),
              s.precision() == Precision.FLOAT32);
    }
    try {
      PartialAggregates part;
      try {
        part = new Simulator(config).runPart(firms, panel, null);
      } finally {
        if (panel != null) {
          panel.close();
        }
      }
      if (range.index() == failFirstAttemptOf && attempt == 0) {
        // after the work and its files: the retry must not be confused by what this one left
        throw new IllegalStateException(
            "failure drill: the first attempt of range " + range.index() + " fails on purpose");
      }
      return new PartResult(
          range.index(), attempt, part, null, panel == null ? List.of() : panel.files(), where);
    } catch (BalanceViolationException e) {
      deleteQuietly(conf, panel);
      return new PartResult(
          range.index(),
          attempt,
          null,
          new PartResult.Violation(e.firmId(), e.year(), e.gap(), config.precision().tolerance()),
          List.of(),
          where);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "range " + range.index() + ": cannot write its panel part: " + e.getMessage(), e);
    }
  }

  private PopulationSource population(FirmRange range, SimulationConfig config) {
    if (generated == null) {
      return PopulationSource.of(new Population(range.ids(), range.values()));
    }
    return StartupPopulation.withMeanTotalAssets(
            generated.seed(),
            generated.firms(),
            config.model().constants(),
            generated.marketFirms(),
            generated.meanTotalAssets())
        .range(range.from(), range.to());
  }

  /** The first GPU the cluster manager gave the task, or -1. */
  static int gpuIndex(TaskContext ctx) {
    return ctx == null ? -1 : gpuIndex(ctx.resourcesJMap());
  }

  /** The first GPU among a task's resources (name {@code gpu}, addresses device indexes), or -1. */
  static int gpuIndex(Map<String, ResourceInformation> resources) {
    ResourceInformation gpus = resources.get("gpu");
    if (gpus == null || gpus.addresses().length == 0) {
      return -1;
    }
    try {
      return Integer.parseInt(gpus.addresses()[0].trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "the task's GPU address '" + gpus.addresses()[0] + "' is not a device index", e);
    }
  }

  private static void deleteQuietly(Configuration conf, YearPartitionedPanelWriter panel) {
    if (panel == null) {
      return;
    }
    for (String f : panel.files()) {
      try {
        Path p = new Path(f);
        FileSystem fs = p.getFileSystem(conf);
        fs.delete(p, false);
      } catch (IOException e) {
        // the driver deletes the staging folder of a failed job as a whole
      }
    }
  }
}
