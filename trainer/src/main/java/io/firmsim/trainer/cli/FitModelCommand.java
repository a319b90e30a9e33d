package io.firmsim.trainer.cli;

import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.modelfit.ModelFitter;
import io.firmsim.trainer.panel.FeatureTable;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code firmsim fit-model}: every submodel of a model refitted on a firm-year panel. */
@Command(
    name = "fit-model",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Refits every submodel of the model (default: the embedded paper model) on a firm-year "
          + "panel as written by 'simulate --panel csv', and writes a model file that "
          + "'simulate --model' loads."
    })
public final class FitModelCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--panel",
      required = true,
      paramLabel = "PANEL.csv",
      description = "Firm-year panel.")
  Path panel;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "MODEL.json",
      description = "Where the model goes.")
  Path out;

  @Option(
      names = "--model",
      paramLabel = "MODEL.json",
      description = "Model whose structure is refit (default: embedded paper model).")
  Path model;

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

  @Option(
      names = "--max-iterations",
      defaultValue = "100",
      description = "Per fit (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Override
  public Integer call() throws Exception {
    if (threads < 1) {
      throw new BadInputException("--threads must be at least 1, found " + threads);
    }
    DeviceChoice dev;
    try {
      dev = DeviceChoice.valueOf(device.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--device must be auto, cpu or gpu, found '" + device + "'");
    }
    ModelSpec base = model == null ? PaperModel.load() : ModelSpecReader.read(model);
    long t0 = System.nanoTime();
    Panel p = PanelCsvReader.read(panel);
    MacroPath macroPath = MacroPath.zeros();
    if (macro != null) {
      int first = Integer.MAX_VALUE;
      int last = Integer.MIN_VALUE;
      for (int y : p.years()) {
        first = Math.min(first, y);
        last = Math.max(last, y);
      }
      macroPath = MacroPathReader.read(macro, first, last - first + 1);
    }
    FeatureTable table = FeatureTable.of(p, macroPath);
    if (table.rows() == 0) {
      throw new BadInputException(
          panel
              + ": no firm-year has its previous year in the panel, so"
              + " no lagged feature can be computed");
    }
    long t1 = System.nanoTime();
    ModelFitter.Outcome outcome =
        ModelFitter.fit(
            table,
            base,
            dev,
            threads,
            new FitOptions(
                maxIterations,
                FitOptions.DEFAULTS.parameterTolerance(),
                FitOptions.DEFAULTS.objectiveTolerance()),
            !noSchweppe);
    long t2 = System.nanoTime();
    outcome
        .model()
        .with("fit")
        .put("panel", panel.getFileName().toString())
        .put("rows", table.rows());
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      FitJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), outcome.model());
      ModelSpecReader.read(tmp); // what we write must load
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    PrintWriter o = spec.commandLine().getOut();
    int notConverged = 0;
    for (ModelFitter.SubmodelOutcome s : outcome.submodels()) {
      String name = s.target() + "." + s.submodel();
      if (s.fit() == null) {
        o.printf(Locale.ROOT, "%-18s not estimated: %s%n", name, s.notEstimated());
      } else {
        if (!s.fit().converged()) {
          notConverged++;
        }
        o.printf(
            Locale.ROOT,
            "%-18s %-8s n=%-8d iterations=%-3d %s%s%n",
            name,
            s.fit().family().jsonName(),
            s.fit().observations(),
            s.fit().iterations(),
            s.fit().converged() ? "converged" : "NOT CONVERGED",
            s.droppedConstant().isEmpty()
                ? ""
                : " not identified: " + String.join(",", s.droppedConstant()));
      }
    }
    o.printf(
        Locale.ROOT,
        "fitted %d submodels on %d firm-years in %.2f s (reading %.2f s)%n",
        outcome.submodels().size(),
        table.rows(),
        (t2 - t1) / 1e9,
        (t1 - t0) / 1e9);
    if (notConverged > 0) {
      spec.commandLine()
          .getErr()
          .println(
              "firmsim: "
                  + notConverged
                  + " submodel(s) did not converge; the model was written with converged=false there");
      return 3;
    }
    return 0;
  }
}
