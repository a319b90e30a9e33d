package io.firmsim.trainer.orchestrator.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.profile.ReferenceProfileJson;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Task kind {@code assemble}: the fitted submodels of every equation into one model in the format
 * of the paper spec (plus fit statistics, residual distributions, the submodels not estimated with
 * the reason under {@code fit.notEstimated}, the provenance block, and the {@code referenceProfile}
 * of the training data: each graph's input columns, taken from {@value ProfileTask#PROFILE} in the
 * assembled equations' feature order). Reads every {@code submodel:*} artifact and the profile;
 * writes {@value #MODEL}, the model JSON, which the run writes to its output location together with
 * the reports once every task succeeded. Equations left out of the run and submodels the data could
 * not estimate keep the base model's coefficients. When not one fitted submodel could be estimated
 * the task fails: there is no model to write.
 *
 * <p>The model holds no timestamps or timings, so the same settings, data and seed give the same
 * bytes (timings and times go to the run report), whichever command ran.
 */
final class AssembleTask implements Task {
  static final String MODEL = "model";

  private final ModelSpec base;
  private final String baseIdentity;
  private final Set<String> fitted; // equation targets whose submodels are fitted in this run
  private final String name;
  private final Supplier<Map<String, Object>> provenance;
  private Map<String, Object> provenanceValue;

  /**
   * @param baseIdentity what identifies the base model's content (its file hash)
   * @param provenance the run's provenance without times or row counts (data hashes, seed, device,
   *     library versions, firmsim's build); computed on first use
   */
  AssembleTask(
      ModelSpec base,
      String baseIdentity,
      Set<String> fitted,
      String name,
      Supplier<Map<String, Object>> provenance) {
    this.base = base;
    this.baseIdentity = baseIdentity;
    this.fitted = Set.copyOf(fitted);
    this.name = name;
    this.provenance = provenance;
  }

  @Override
  public String id() {
    return "assemble:model";
  }

  @Override
  public String kind() {
    return "assemble";
  }

  @Override
  public Set<String> inputs() {
    Set<String> in = new LinkedHashSet<>();
    for (EquationSpec e : base.equations()) {
      if (!fitted.contains(e.target())) {
        continue;
      }
      for (String s : e.method().submodels()) {
        in.add(FitTask.artifact(e.target(), s));
      }
    }
    in.add(ProfileTask.PROFILE);
    return in;
  }

  @Override
  public Set<String> outputs() {
    return Set.of(MODEL);
  }

  private synchronized Map<String, Object> provenance() {
    if (provenanceValue == null) {
      provenanceValue = provenance.get();
    }
    return provenanceValue;
  }

  @Override
  public String fingerprint() {
    return "assemble name="
        + name
        + " base="
        + baseIdentity
        + " fitted="
        + new TreeSet<>(fitted)
        + " provenance="
        + provenance();
  }

  @Override
  public TaskResult run(TaskContext context) {
    ObjectNode root =
        FitJson.modelHead(
            base,
            name,
            "Refit of " + (base.title() == null ? base.name() : base.title()),
            "firmsim refit of " + base.name());
    ArrayNode notEstimated = FitJson.MAPPER.createArrayNode();
    List<String> reasons = new ArrayList<>();
    int estimated = 0;
    JsonNode rows = null;
    for (EquationSpec e : base.equations()) {
      ObjectNode subs = FitJson.addEquation(root, e);
      for (String s : e.method().submodels()) {
        if (!fitted.contains(e.target())) {
          // Equations left out of the run keep the base model's submodels.
          subs.set(s, ModelSpecWriter.submodel(e.submodel(s)));
          continue;
        }
        JsonNode artifact = context.input(FitTask.artifact(e.target(), s), JsonNode.class);
        rows = artifact.get("rows");
        if (artifact.has("notEstimated")) {
          JsonNode why = artifact.get("notEstimated");
          subs.set(s, ModelSpecWriter.submodel(e.submodel(s)));
          notEstimated.add(why.deepCopy());
          reasons.add(
              why.get("submodel").asText()
                  + " ("
                  + why.get("reason").asText()
                  + ": "
                  + why.get("detail").asText()
                  + ")");
        } else {
          subs.set(s, artifact.get("submodel").deepCopy());
          estimated++;
        }
      }
    }
    if (estimated == 0) {
      return TaskResult.failed(
          "no submodel could be estimated from the data, so no model was written: "
              + String.join("; ", reasons));
    }
    root.putObject("fit").set("notEstimated", notEstimated);
    ObjectNode prov = FitJson.MAPPER.valueToTree(provenance());
    if (rows != null && prov.get("data") instanceof ObjectNode data) {
      data.set("rows", rows.deepCopy());
    }
    root.set("provenance", prov);
    ProfileTask.profile(
            context.input(ProfileTask.PROFILE, JsonNode.class), ModelSpecReader.parse(root, name))
        .ifPresent(p -> root.set(ReferenceProfileJson.KEY, ReferenceProfileJson.toJson(p)));
    ModelSpecReader.parse(root, name); // what we write must load
    context.output(MODEL, root, DirectoryArtifactStore.hash(root));
    return TaskResult.succeeded(
        Map.of("estimated", estimated, "notEstimated", notEstimated.size()));
  }
}
