package io.firmsim.simulator.scenario.run;

import io.firmsim.simulator.model.ModelSource;
import io.firmsim.simulator.model.ResolvedModel;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.simulator.output.OutputWriteException;
import io.firmsim.simulator.report.ReportData;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * {@code firmsim scenario run} without its command line: resolves the plan's model, population and
 * macro paths, runs it ({@link ScenarioRunner}), writes the tables ({@link ScenarioOutputs}) and
 * the report into a staging folder and commits it whole; an interrupted or failed run leaves
 * nothing at the target.
 */
public final class ScenarioRun {
  /** Writes the report files of a run into a folder. */
  @FunctionalInterface
  public interface ReportWriter {
    void write(ReportData data, Path dir) throws IOException;
  }

  /**
   * Where the plan's simulations run: on this machine ({@link #LOCAL}), or split by firm ranges on
   * a cluster ({@link io.firmsim.simulator.cluster.ClusterRunner#scenario}); the result is the
   * same.
   */
  @FunctionalInterface
  public interface Execution {
    ScenarioResult run(
        ScenarioPlan plan,
        ModelSpec model,
        ScenarioInputs inputs,
        FirmDifferencesSink differences,
        LongConsumer progress);
  }

  /** This machine: {@link ScenarioRunner#run}. */
  public static final Execution LOCAL =
      (plan, model, inputs, differences, progress) ->
          new ScenarioRunner(plan, model, inputs.population(), inputs.weights(), inputs.macros())
              .run(differences, progress);

  private ScenarioRun() {}

  /** What a finished run reports on the console. */
  public record Summary(Path out, long firmYears, double loopSeconds, String backend) {}

  /**
   * @param plan the plan (its model: null for the embedded paper model, else a file, artifact
   *     folder (relative to the scenario file's folder when it exists there) or repository name)
   * @param out the output folder
   * @param overwrite whether an earlier firmsim output at {@code out} may be replaced
   * @param modelsDir the model repository, or null for the default
   * @param progress told the firm-years stepped, or null
   * @param report writes the report files
   */
  public static Summary execute(
      ScenarioPlan plan,
      Path out,
      boolean overwrite,
      Path modelsDir,
      LongConsumer progress,
      ReportWriter report) {
    return execute(plan, out, overwrite, modelsDir, progress, report, LOCAL);
  }

  /**
   * As {@link #execute(ScenarioPlan, Path, boolean, Path, LongConsumer, ReportWriter)}, with the
   * simulations run by {@code execution}.
   */
  public static Summary execute(
      ScenarioPlan plan,
      Path out,
      boolean overwrite,
      Path modelsDir,
      LongConsumer progress,
      ReportWriter report,
      Execution execution) {
    OutputDirectory.check(out, overwrite);
    String model = "paper".equals(plan.model()) ? null : plan.model(); // the embedded model
    if (model != null && plan.source() != null) {
      Path parent = plan.source().toAbsolutePath().getParent();
      if (parent != null && Files.exists(parent.resolve(model))) {
        model = parent.resolve(model).toString();
      }
    }
    ResolvedModel resolved = ModelSource.resolve(model, modelsDir);
    ScenarioInputs inputs = ScenarioInputs.prepare(plan, resolved.spec());
    try (OutputDirectory dir = OutputDirectory.begin(out, overwrite, "scenario run")) {
      String writing = "firms/";
      try {
        ScenarioResult result;
        try (ScenarioOutputs outputs = new ScenarioOutputs(dir.staging(), plan)) {
          result = execution.run(plan, resolved.spec(), inputs, outputs, progress);
          Map<String, Object> facts = new LinkedHashMap<>();
          facts.put("scenarioFile", plan.source() == null ? null : plan.source().toString());
          facts.put("model", resolved.toString());
          facts.put("population", inputs.description());
          writing = "the tables";
          outputs.write(result, facts);
        }
        writing = "report";
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("scenario file", plan.source() == null ? "-" : plan.source().toString());
        shown.put("model", resolved.toString());
        shown.put("population", inputs.description());
        shown.put("years", plan.startYear() + " to " + plan.endYear());
        shown.put("replicates", Integer.toString(plan.replicates()));
        shown.put("seed", Long.toString(plan.seed()));
        shown.put(
            "backend",
            result.backend()
                + ", "
                + plan.run().precision().name().toLowerCase(Locale.ROOT)
                + ", "
                + plan.run().mode().name().toLowerCase(Locale.ROOT));
        shown.put(
            "simulated",
            String.format(
                Locale.ROOT,
                "%,d firm-years in %.1f s (%,.0f firm-years/s)",
                result.firmYears(),
                result.loopSeconds(),
                result.firmYears() / Math.max(1e-9, result.loopSeconds())));
        String title =
            plan.source() == null ? "Scenario run" : "Scenario run: " + plan.source().getFileName();
        report.write(ScenarioOutputs.reportData(result, title, shown), dir.staging());
        writing = "";
        dir.commit();
        return new Summary(
            dir.target(), result.firmYears(), result.loopSeconds(), result.backend());
      } catch (IOException e) {
        throw new OutputWriteException(dir.target().resolve(writing), e);
      } catch (UncheckedIOException e) {
        throw new OutputWriteException(dir.target().resolve(writing), e.getCause());
      }
    } catch (IOException e) {
      throw new OutputWriteException(out, e);
    }
  }
}
