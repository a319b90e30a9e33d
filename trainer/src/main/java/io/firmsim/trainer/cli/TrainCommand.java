package io.firmsim.trainer.cli;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.orchestrator.config.ConfigException;
import io.firmsim.trainer.orchestrator.config.EmbedConfig;
import io.firmsim.trainer.orchestrator.config.EmbedConfigReader;
import io.firmsim.trainer.orchestrator.config.ForecastConfig;
import io.firmsim.trainer.orchestrator.config.ForecastConfigReader;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.config.TrainingConfigReader;
import io.firmsim.trainer.orchestrator.embed.EmbedRun;
import io.firmsim.trainer.orchestrator.forecast.ForecastRun;
import io.firmsim.trainer.orchestrator.graph.GraphException;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskGraph;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import io.firmsim.trainer.orchestrator.train.TrainingRun;
import io.firmsim.zoo.BuildInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code firmsim train CONFIG.yaml}: retrains a model as a configuration file describes, or, for a
 * file whose top level is {@code forecast:}, trains a forecaster ensemble ({@link ForecastRun},
 * docs/FORECASTING.md), or, for {@code embed:}, firm embeddings, their index and anomaly scores
 * ({@link EmbedRun}, docs/EMBEDDINGS.md).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Retrains a model from a YAML configuration (docs/TRAINING.md): data, quality gates, one"
          + " fit per submodel in parallel stages, the assembled model and an audit report.",
      "Unchanged fits of an earlier run are reused; the model folder is replaced as a whole;"
          + " exit 3 when a gate or a fit failed (the previous model is kept).",
      "A configuration with a top-level 'forecast:' section trains a forecaster ensemble"
          + " (docs/FORECASTING.md); one with 'embed:' trains firm embeddings, their index and"
          + " anomaly scores (docs/EMBEDDINGS.md)."
    })
public final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "The configuration.")
  Path config;

  @Option(
      names = "--only",
      paramLabel = "TAG",
      description = "Train one equation (T7, DCA) or submodel (DCA.level) and what it needs.")
  String only;

  @Option(names = "--dry-run", description = "Print the stages and exit.")
  boolean dryRun;

  @Option(names = "--force", description = "Retrain everything, reusing nothing.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (ForecastConfigReader.isForecastConfig(config)) {
      return forecast();
    }
    if (EmbedConfigReader.isEmbedConfig(config)) {
      return embed();
    }
    TrainingConfig cfg;
    try {
      cfg = TrainingConfigReader.read(config);
    } catch (ConfigException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    TrainingRun run = new TrainingRun(cfg);
    TaskGraph graph = selected(run::graph);
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      out.print(graph.describe());
      out.flush();
      return 0;
    }
    run.checkOutput(); // before any work: a refused location leaves everything as it was
    boolean console = System.console() != null;
    RunReport report = run.run(graph, force, listener(out, console, true));
    out.println(report.summary());
    if (run.gateReport() != null && !run.gateReport().passed()) {
      spec.commandLine()
          .getErr()
          .println(
              "firmsim: data-quality gates failed; nothing was"
                  + " trained or written:\n"
                  + run.gateReport().describe());
      return 3;
    }
    if (report.anyFailed()) {
      return failed(
          report,
          "model",
          run.folder(),
          run.reportFolder().resolve("report.md"),
          "the finished fits are kept");
    }
    if (run.written()) {
      out.println("model written to " + run.modelFile());
    } else {
      out.println("no model assembled (--only); fits kept for the next run");
    }
    out.flush();
    return 0;
  }

  /** Task lines, and on a terminal a bar per stage ({@code stageBars}). */
  private static RunListener listener(PrintWriter out, boolean console, boolean stageBars) {
    return new RunListener() {
      private ProgressBar bar;

      @Override
      public void stageStarted(int stage, List<Task> tasks) {
        closeBar();
        out.printf(Locale.ROOT, "stage %d: %d task(s)%n", stage, tasks.size());
        out.flush();
        if (stageBars && console && tasks.size() > 1) {
          // A bar per stage on the terminal; the task lines below are the lasting record.
          bar =
              new ProgressBarBuilder()
                  .setTaskName("stage " + stage)
                  .setInitialMax(tasks.size())
                  .setStyle(ProgressBarStyle.ASCII)
                  .build();
        }
      }

      @Override
      public synchronized void taskFinished(Task task, TaskOutcome outcome) {
        out.println("  " + outcome.summary());
        out.flush();
        if (bar != null) {
          bar.step();
        }
        LOG.debug("task {} finished: {}", task.id(), outcome.status());
      }

      @Override
      public void runFinished(RunReport report) {
        closeBar();
      }

      private void closeBar() {
        if (bar != null) {
          bar.close();
          bar = null;
        }
      }
    };
  }

  /**
   * A forecaster configuration ({@code forecast:} at the top level): members trained in parallel,
   * reused by content, the artifact and its report written ({@link ForecastRun}); on a terminal a
   * bar over all members' optimizer steps shows the latest batch loss.
   */
  private Integer forecast() throws Exception {
    ForecastConfig cfg = ForecastConfigReader.read(config);
    PrintWriter out = spec.commandLine().getOut();
    boolean console = System.console() != null;
    ProgressBar[] steps = new ProgressBar[1];
    Map<String, Integer> taken = new HashMap<>();
    ForecastRun.Progress progress =
        (member, step, max, loss) -> {
          synchronized (steps) {
            taken.put(member, step);
            if (steps[0] != null) {
              steps[0].step();
              steps[0].setExtraMessage(
                  String.format(Locale.ROOT, "%s step %d loss %.4g", member, step, loss));
            }
          }
        };
    ForecastRun run = new ForecastRun(cfg, BuildInfo.current().codeVersion(), progress);
    TaskGraph graph = selected(run::graph);
    if (dryRun) {
      out.print(graph.describe());
      out.flush();
      return 0;
    }
    run.checkOutput();
    if (console) {
      steps[0] =
          new ProgressBarBuilder()
              .setTaskName("training")
              .setInitialMax(run.maxSteps())
              .setStyle(ProgressBarStyle.ASCII)
              .build();
    }
    RunListener lines = listener(out, console, false);
    RunListener withBar =
        new RunListener() {
          @Override
          public void stageStarted(int stage, List<Task> tasks) {
            lines.stageStarted(stage, tasks);
          }

          @Override
          public void taskFinished(Task task, TaskOutcome outcome) {
            lines.taskFinished(task, outcome);
            if (task.kind().equals("forecast-member")) {
              // A reused or early-stopped member: move the bar past its remaining steps.
              synchronized (steps) {
                String member = task.id().substring(task.id().indexOf(':') + 1);
                int left = cfg.training().steps() - taken.getOrDefault(member, 0);
                if (steps[0] != null && left > 0) {
                  steps[0].stepBy(left);
                }
              }
            }
          }

          @Override
          public void runFinished(RunReport report) {
            lines.runFinished(report);
          }
        };
    RunReport report;
    try {
      report = run.run(graph, force, withBar);
    } finally {
      synchronized (steps) {
        if (steps[0] != null) {
          steps[0].close();
          steps[0] = null;
        }
      }
    }
    out.println(report.summary());
    if (report.anyFailed()) {
      return failed(
          report,
          "forecaster",
          run.artifactDir(),
          run.reportFolder().resolve("report.md"),
          "the trained members are kept");
    }
    if (run.written()) {
      out.println("forecaster written to " + run.artifactDir());
    } else {
      out.println("no forecaster assembled (--only); members kept for the next run");
    }
    out.flush();
    return 0;
  }

  /**
   * An embedding configuration ({@code embed:} at the top level): encoders trained in parallel,
   * index and anomaly scores, reused by content, the output folder written ({@link EmbedRun}).
   */
  private Integer embed() throws Exception {
    EmbedConfig cfg = EmbedConfigReader.read(config);
    PrintWriter out = spec.commandLine().getOut();
    EmbedRun run = new EmbedRun(cfg, BuildInfo.current().codeVersion());
    TaskGraph graph = selected(run::graph);
    if (dryRun) {
      out.print(graph.describe());
      out.flush();
      return 0;
    }
    run.checkOutput();
    RunReport report = run.run(graph, force, listener(out, System.console() != null, true));
    out.println(report.summary());
    if (report.anyFailed()) {
      return failed(
          report,
          "output",
          run.outputDir(),
          run.reportFolder().resolve(EmbedRun.REPORT),
          "finished tasks are kept");
    }
    out.println(
        run.written()
            ? "embeddings written to " + run.outputDir()
            : "no output assembled (--only); finished tasks kept for the next run");
    out.flush();
    return 0;
  }

  /** The run's task graph, narrowed to {@code --only}; a graph that cannot be made is bad input. */
  private TaskGraph selected(java.util.function.Supplier<TaskGraph> make) {
    try {
      TaskGraph graph = make.get();
      return only == null ? graph : graph.selectByTag(only);
    } catch (GraphException e) {
      throw new BadInputException(config + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reports a failed run (each failed task, then where the previous output and this run's report
   * are) and returns its exit code, 3.
   */
  private int failed(RunReport report, String what, Path previous, Path reportFile, String kept) {
    PrintWriter err = spec.commandLine().getErr();
    for (TaskOutcome o : report.withStatus(TaskOutcome.Status.FAILED)) {
      err.println("firmsim: " + o.taskId() + " failed: " + o.message());
    }
    err.println(
        "firmsim: the run failed; the previous "
            + what
            + " in "
            + previous
            + " (if any) is unchanged; this run's report is "
            + reportFile
            + "; "
            + kept
            + " for the next run");
    return 3;
  }
}
