package io.firmsim.trainer.cli;

import io.firmsim.simulator.cluster.ClusterRunner;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.run.ScenarioRun;
import io.firmsim.trainer.scenario.ScenarioFileReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code firmsim scenario run FILE.yaml --out DIR}: the baseline and the scenarios of a scenario
 * file on one population with common random numbers, over its replicates (docs/SCENARIOS.md). The
 * folder appears whole or not at all.
 *
 * <p>Exit codes: 0 written; 2 bad input (the scenario file with its line and key path, a population
 * or macro file with its row and column, an {@code --out} that exists without {@code --overwrite});
 * 3 a failed run (a balance violation); 1 a bug or an output that cannot be written.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a scenario file: baseline and scenarios on the same firms and draws, R replicates;"
            + " writes bands, paired differences, recovery analytics and report.html.")
public final class ScenarioRunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE.yaml", description = "The scenario file.")
  Path file;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an earlier firmsim output folder.")
  boolean overwrite;

  @Option(
      names = "--models-dir",
      paramLabel = "DIR",
      description = "Model repository for a model named in the file (default: models).")
  Path modelsDir;

  @Option(
      names = "--spark",
      paramLabel = "MASTER",
      description =
          "Run on Apache Spark, one task per firm range through every replicate and variant: "
              + "local[N], spark://HOST:PORT, yarn, k8s://..., or 'submit' under spark-submit. The "
              + "same tables as without it (docs/SCALE_OUT.md).")
  String spark;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "With --spark: about N firm ranges (default: twice Spark's parallelism).")
  Integer partitions;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    ScenarioRun.Execution execution = ScenarioRun.LOCAL;
    if (partitions != null && (spark == null || partitions < 1)) {
      throw new BadInputException(
          spark == null
              ? "--partitions needs --spark"
              : "--partitions must be at least 1, found " + partitions);
    }
    if (spark != null) {
      ClusterRunner cluster = ClusterRunner.require();
      String master = spark.equals("submit") ? null : spark;
      execution =
          (plan, model, inputs, differences, progress) ->
              cluster.scenario(master, partitions, plan, model, inputs, differences);
    }
    ScenarioPlan plan = ScenarioFileReader.read(file);
    long total = (long) plan.replicates() * plan.variants().size() * plan.years() * firms(plan);
    ScenarioRun.Summary s;
    try (ProgressBar bar = quiet || spark != null || total < 2_000_000 ? null : bar(total)) {
      LongConsumer progress = bar == null ? null : bar::stepBy;
      s =
          ScenarioRun.execute(
              plan,
              out,
              overwrite,
              modelsDir,
              progress,
              io.firmsim.simulator.report.ScenarioReportWriter::write,
              execution);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "simulated %,d firm-years in %.1f s (%,.0f firm-years/s, %s); wrote %s%n",
        s.firmYears(),
        s.loopSeconds(),
        s.firmYears() / Math.max(1e-9, s.loopSeconds()),
        s.backend(),
        s.out());
    o.flush();
    return 0;
  }

  private static long firms(ScenarioPlan plan) {
    if (plan.population() instanceof io.firmsim.simulator.scenario.PopulationPlan.Generated g) {
      return g.firms();
    }
    if (plan.population() instanceof io.firmsim.simulator.scenario.PopulationPlan.Calibrated c) {
      return c.firms();
    }
    return 0; // a file: its size is known only once read; no bar
  }

  private static ProgressBar bar(long total) {
    return new ProgressBarBuilder()
        .setTaskName("scenario run")
        .setInitialMax(total)
        .setUnit(" firm-years", 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .build();
  }
}
