package io.firmsim.trainer.orchestrator.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code assemble}: the fitted submodels of every equation into one model file in the
 * format of the paper spec (plus fit statistics, residual distributions and the provenance block),
 * written to the output directory atomically and only when every fit succeeded. Reads every {@code
 * submodel:*} artifact; writes {@value #MODEL}.
 *
 * <p>The file holds no timestamps or timings, so the same configuration, data and seed give the
 * same bytes (timings and times go to the run report).
 */
final class AssembleTask implements Task {
  static final String MODEL = "model";

  private final ModelSpec base;
  private final Set<String> fitted; // equation targets whose submodels are fitted in this run
  private final Path file;
  private final String name;
  private final Map<String, Object> provenance;

  /**
   * @param file where the model goes
   * @param provenance the run's provenance without times (config and data hashes, seed, device,
   *     library versions, commit)
   */
  AssembleTask(
      ModelSpec base, Set<String> fitted, Path file, String name, Map<String, Object> provenance) {
    this.base = base;
    this.fitted = Set.copyOf(fitted);
    this.file = file;
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
    return in;
  }

  @Override
  public Set<String> outputs() {
    return Set.of(MODEL);
  }

  @Override
  public String fingerprint() {
    return "assemble "
        + file
        + " name="
        + name
        + " fitted="
        + new java.util.TreeSet<>(fitted)
        + " provenance="
        + provenance;
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    ObjectNode root =
        FitJson.modelHead(
            base,
            name,
            "Retrained " + (base.title() == null ? base.name() : base.title()),
            "firmsim train");
    for (EquationSpec e : base.equations()) {
      ObjectNode subs = FitJson.addEquation(root, e);
      for (String s : e.method().submodels()) {
        if (fitted.contains(e.target())) {
          JsonNode artifact = context.input(FitTask.artifact(e.target(), s), JsonNode.class);
          subs.set(s, artifact.get("submodel").deepCopy());
        } else {
          // Equations left out of the run keep the base model's submodels.
          subs.set(s, io.firmsim.trainer.modelfit.ModelFitter.baseSubmodel(e.submodel(s)));
        }
      }
    }
    root.set("provenance", FitJson.MAPPER.valueToTree(provenance));
    ModelSpecReader.parse(root, file.toString()); // what we write must load
    byte[] bytes = DirectoryArtifactStore.canonical(root);
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    context.output(MODEL, abs, io.firmsim.trainer.orchestrator.graph.Hashing.sha256(bytes));
    return TaskResult.succeeded(Map.of("file", abs.toString()));
  }
}
