package io.firmsim.trainer.cli;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import io.firmsim.trainer.orchestrator.train.TrainingRun;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim fit-model}: every submodel of a model refitted on a firm-year panel. A preset of
 * {@code train}'s task graph ({@link TrainingRun}): the same data, gate, fit and assemble tasks and
 * the same report, with every equation fitted on all firms (no validation share) and the model
 * written to one file. {@code train} with the same settings writes the same bytes.
 */
@Command(
    name = "fit-model",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Refits every submodel of the model (default: the embedded paper model) on a firm-year "
          + "panel as written by 'simulate --panel csv', after the data-quality gates of 'train', "
          + "and writes a model file that 'simulate --model' loads.",
      "Exit 3 when a gate failed, no submodel could be estimated, or a fit did not converge."
    })
public final class FitModelCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--panel",
      required = true,
      paramLabel = "PANEL.csv",
      description = "Firm-year panel (.csv or .parquet).")
  Path panel;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL.json",
      description = "Where the model goes (refused if it exists, unless --overwrite).")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing model file.")
  boolean overwrite;

  @Option(
      names = "--model",
      paramLabel = "MODEL.json",
      description = "Model whose structure is refit (default: embedded paper model).")
  Path model;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Name of the written model (default: the base model's name + '-refit').")
  String name;

  @Option(
      names = "--macro",
      paramLabel = "FILE.csv",
      description = "Macro path of the panel's years (default: zeros).")
  Path macro;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Fits run at once (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--no-schweppe", description = "Huber levels without leverage weights.")
  boolean noSchweppe;

  @Option(names = "--no-gates", description = "Skip the data-quality gates.")
  boolean noGates;

  @Option(
      names = "--max-iterations",
      defaultValue = "100",
      description = "Per fit (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed recorded in the provenance (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The largest --threads accepted. */
  static final int MAX_THREADS = 1024;

  @Override
  public Integer call() throws Exception {
    if (threads < 1 || threads > MAX_THREADS) {
      throw new BadInputException("--threads must be in 1.." + MAX_THREADS + ", found " + threads);
    }
    if (maxIterations < 1) {
      throw new BadInputException("--max-iterations must be at least 1, found " + maxIterations);
    }
    TrainingConfig.Device dev;
    try {
      dev = TrainingConfig.Device.valueOf(device.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--device must be auto, cpu or gpu, found '" + device + "'", e);
    }
    // The output location first: a refused one costs nothing and leaves everything as it was.
    io.firmsim.simulator.output.OutputFile.check(out, overwrite);
    requireFile("--panel", panel);
    if (macro != null) {
      requireFile("--macro", macro);
    }
    if (model != null) {
      requireFile("--model", model);
    }
    String lower = panel.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".csv") && !lower.endsWith(".parquet")) {
      throw new BadInputException(panel + ": expected a .csv or .parquet panel file");
    }
    TrainingConfig.ModelRef ref =
        model == null
            ? TrainingConfig.ModelRef.builtin(TrainingConfig.ModelRef.PAPER)
            : TrainingConfig.ModelRef.file(model);
    ModelSpec base = model == null ? PaperModel.load() : ModelSpecReader.read(model);
    List<String> targets = new ArrayList<>();
    base.equations().forEach(e -> targets.add(e.target()));
    TrainingConfig.TaskSettings defaults =
        new TrainingConfig.TaskSettings(
            maxIterations,
            FitOptions.DEFAULTS.parameterTolerance(),
            FitOptions.DEFAULTS.objectiveTolerance(),
            true,
            0);
    TrainingConfig.Gates g = TrainingConfig.Gates.DEFAULTS;
    if (noGates) {
      g =
          new TrainingConfig.Gates(
              false,
              g.maxMissingShare(),
              g.balanceTolerance(),
              g.negativeTolerance(),
              g.minObservations(),
              g.minEvents(),
              g.outlierZ(),
              g.maxOutlierShare());
    }
    String modelName = name != null ? name : base.name() + "-refit";
    Path abs = out.toAbsolutePath();
    TrainingConfig config =
        new TrainingConfig(
            panel,
            new TrainingConfig.Data(
                Optional.of(panel), Optional.empty(), Optional.ofNullable(macro)),
            new TrainingConfig.Model(
                ref, new TrainingConfig.Output(abs.getParent(), modelName, "")),
            new TrainingConfig.Training(seed, dev, threads, 0.0, defaults, targets, Map.of()),
            g);
    TrainingRun run =
        new TrainingRun(
            config,
            TrainingRun.Destination.file(out, overwrite, modelName),
            !noSchweppe,
            BuildInfo.current().codeVersion());
    long t0 = System.nanoTime();
    RunReport report = run.run(run.graph(), true, RunListener.NONE);
    long t1 = System.nanoTime();
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    o.print(run.reportMarkdown());
    if (run.gateReport() != null && !run.gateReport().passed()) {
      err.println(
          "firmsim: data-quality gates failed; nothing was fitted or written (--no-gates skips"
              + " them):\n"
              + run.gateReport().describe());
      return 3;
    }
    if (report.anyFailed()) {
      for (TaskOutcome f : report.withStatus(TaskOutcome.Status.FAILED)) {
        err.println("firmsim: " + f.taskId() + " failed: " + f.message());
      }
      err.println("firmsim: nothing was written to " + abs);
      return 3;
    }
    int fitted = 0;
    int notEstimated = 0;
    int notConverged = 0;
    for (TaskOutcome t : report.outcomes()) {
      if (!t.kind().equals("fit")) {
        continue;
      }
      if (t.metrics().containsKey("notEstimated")) {
        notEstimated++;
      } else {
        fitted++;
        if (Boolean.FALSE.equals(t.metrics().get("converged"))) {
          notConverged++;
        }
      }
    }
    o.printf(
        Locale.ROOT,
        "fitted %d submodels (%d not estimable, base coefficients kept) in %.2f s; model"
            + " written to %s%n",
        fitted,
        notEstimated,
        (t1 - t0) / 1e9,
        abs);
    if (notConverged > 0) {
      err.println(
          "firmsim: "
              + notConverged
              + " submodel(s) did not converge; the model was written with converged=false there");
      return 3;
    }
    return 0;
  }

  private static void requireFile(String option, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(
          option + " " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
    }
  }
}
