package io.firmsim.trainer.orchestrator.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.fit.CollinearFeaturesException;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.NotEstimableException;
import io.firmsim.trainer.fit.SubmodelFitter;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.SubmodelData;
import io.firmsim.trainer.panel.Subsamples;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Task kind {@code fit}: one submodel fitted on the training firms' subsample (MODEL.md section 6),
 * evaluated on the training and validation rows. Reads {@value #DATA}; writes {@code
 * submodel:TARGET.name}, a JSON object with the submodel (model-file shape, fit statistics) and its
 * metrics. Features constant or collinear in the subsample are dropped and listed as not
 * identified. A submodel the data cannot estimate ({@link NotEstimableException}, caught by type;
 * fewer than {@value #MIN_ROWS_PER_PARAMETER} rows per parameter counts as such) succeeds with an
 * artifact that says why ({@code notEstimated}), and the assembled model keeps the base model's
 * coefficients there. A fit that does not converge fails the task unless its settings allow it.
 */
final class FitTask implements Task {
  static final String DATA = "dataset:training";

  /** A submodel with fewer rows per parameter is not estimated (the base coefficients stay). */
  static final int MIN_ROWS_PER_PARAMETER = 10;

  private final EquationSpec equation;
  private final String submodel;
  private final SubmodelSettings settings;
  private final Supplier<NDManager> managers;
  private final String codeVersion;

  FitTask(
      EquationSpec equation,
      String submodel,
      SubmodelSettings settings,
      Supplier<NDManager> managers,
      String codeVersion) {
    this.equation = equation;
    this.submodel = submodel;
    this.settings = settings;
    this.managers = managers;
    this.codeVersion = codeVersion;
  }

  static String artifact(String target, String submodel) {
    return "submodel:" + target + "." + submodel;
  }

  @Override
  public String id() {
    return "fit:" + equation.target() + "." + submodel;
  }

  @Override
  public String kind() {
    return "fit";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(DATA);
  }

  @Override
  public Set<String> outputs() {
    return Set.of(artifact(equation.target(), submodel));
  }

  @Override
  public Set<String> tags() {
    return Set.of("T" + equation.table(), equation.target(), equation.target() + "." + submodel);
  }

  @Override
  public String fingerprint() {
    return "fit "
        + equation.target()
        + "."
        + submodel
        + " family="
        + equation.submodel(submodel).family()
        + " "
        + settings.describe()
        + " code="
        + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) {
    TrainingData data = context.input(DATA, TrainingData.class);
    SubmodelData train =
        Subsamples.of(data.training(), equation, submodel, settings.features(), true);
    String name = equation.target() + "." + submodel;
    FitResult fit;
    List<String> notIdentified = new ArrayList<>(train.droppedConstant());
    try {
      int parameters = train.p() + (train.family() == Family.ORDINAL3 ? 2 : 1);
      if (train.n() < MIN_ROWS_PER_PARAMETER * parameters) {
        throw new NotEstimableException(
            NotEstimableException.Reason.TOO_FEW_ROWS,
            train.n()
                + " rows for "
                + parameters
                + " parameters (fewer than "
                + MIN_ROWS_PER_PARAMETER
                + " per parameter)");
      }
      while (true) {
        try (NDManager m = managers.get()) {
          fit =
              SubmodelFitter.fit(
                  m,
                  train.family(),
                  train.link(),
                  train.features(),
                  train.x(),
                  train.y(),
                  settings.schweppe(),
                  settings.options());
          break;
        } catch (CollinearFeaturesException e) {
          // Not identified in these rows: drop the last feature of the collinear set and refit.
          String drop = e.features().get(e.features().size() - 1);
          notIdentified.add(drop);
          List<Feature> fewer = new ArrayList<>();
          for (String f : train.features()) {
            if (!f.equals(drop)) {
              fewer.add(Feature.byName(f).orElseThrow());
            }
          }
          train = Subsamples.of(data.training(), equation, submodel, fewer, false);
        }
      }
    } catch (NotEstimableException e) {
      // A property of the data: the model keeps the base coefficients and says why.
      ObjectNode artifact = FitJson.MAPPER.createObjectNode();
      artifact
          .putObject("notEstimated")
          .put("submodel", name)
          .put("reason", e.reason().name())
          .put("detail", e.getMessage());
      rows(artifact, data);
      context.output(
          artifact(equation.target(), submodel), artifact, DirectoryArtifactStore.hash(artifact));
      return new TaskResult(
          TaskResult.Status.SUCCEEDED,
          "not estimable (" + e.reason() + "): " + e.getMessage() + "; base coefficients kept",
          Map.of("rows", train.n(), "notEstimated", e.reason().name()));
    }
    List<Feature> kept = new ArrayList<>();
    for (String f : fit.features()) {
      kept.add(Feature.byName(f).orElseThrow());
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    // The rows just fitted carry exactly the fit's features: no second extraction.
    metrics.put("training", SubmodelMetrics.of(fit, train));
    metrics.put(
        "validation",
        SubmodelMetrics.of(fit, Subsamples.of(data.validation(), equation, submodel, kept, false)));
    ObjectNode artifact = FitJson.MAPPER.createObjectNode();
    artifact.set("submodel", FitJson.submodel(fit, notIdentified));
    artifact.set("metrics", FitJson.MAPPER.valueToTree(metrics));
    rows(artifact, data);
    context.output(
        artifact(equation.target(), submodel), artifact, DirectoryArtifactStore.hash(artifact));
    Map<String, Object> summary = new LinkedHashMap<>(metrics);
    summary.put("iterations", fit.iterations());
    summary.put("converged", fit.converged());
    summary.put("rows", fit.observations());
    if (!fit.converged() && !settings.allowNonConverged()) {
      return TaskResult.failed(
          name
              + " did not converge in "
              + fit.iterations()
              + " iterations (allowNonConverged: false)",
          summary);
    }
    return TaskResult.succeeded(summary);
  }

  /** The row counts of the data, for the model's provenance. */
  private static void rows(ObjectNode artifact, TrainingData data) {
    artifact
        .putObject("rows")
        .put("panel", data.panelRows())
        .put("training", data.training().rows())
        .put("validation", data.validation().rows());
  }
}
