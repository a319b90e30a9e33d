package io.firmsim.trainer.orchestrator.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.fit.CollinearFeaturesException;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.SubmodelFitter;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.SubmodelData;
import io.firmsim.trainer.panel.Subsamples;
import io.firmsim.zoo.modelspec.EquationSpec;
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
 * identified. A fit that does not converge fails the task unless its settings allow it.
 */
final class FitTask implements Task {
  static final String DATA = "dataset:training";

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
    FitResult fit;
    List<String> notIdentified = new ArrayList<>(train.droppedConstant());
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
      } catch (io.firmsim.trainer.fit.NotEstimableException | IllegalArgumentException e) {
        return TaskResult.failed(equation.target() + "." + submodel + ": " + e.getMessage());
      }
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
    context.output(artifact(equation.target(), submodel), artifact, null);
    Map<String, Object> summary = new LinkedHashMap<>(metrics);
    summary.put("iterations", fit.iterations());
    summary.put("converged", fit.converged());
    summary.put("rows", fit.observations());
    if (!fit.converged() && !settings.allowNonConverged()) {
      return TaskResult.failed(
          equation.target()
              + "."
              + submodel
              + " did not converge in "
              + fit.iterations()
              + " iterations (allowNonConverged: false)",
          summary);
    }
    return TaskResult.succeeded(summary);
  }
}
