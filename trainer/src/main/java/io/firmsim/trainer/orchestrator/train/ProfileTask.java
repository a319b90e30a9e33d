package io.firmsim.trainer.orchestrator.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.FeatureTable;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.profile.FeatureProfile;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import io.firmsim.zoo.profile.ReferenceProfileJson;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Task kind {@code profile}: the reference profile of the training data, the quantile bins ({@link
 * ReferenceProfile#DEFAULT_BINS} per column, {@link FeatureProfile#fromValues}) that servers
 * compare their inputs with to report drift. Reads {@value FitTask#DATA}; writes {@value #PROFILE},
 * a JSON object with one profile per state column ({@code state}: the state each training firm-year
 * started from, which is what the simulator feeds the year graph) and one per feature of the
 * vocabulary ({@code features}: the feature columns of the training rows, the rows every equation
 * graph sees, since its probability, Tobit or HS level submodel is fitted on all of them). {@link
 * AssembleTask} picks each graph's columns from it once the model's equations are known ({@link
 * #profile}). No timings: the same data give the same bytes.
 */
final class ProfileTask implements Task {
  static final String PROFILE = "profile:reference";

  private final int bins;
  private final String codeVersion;

  ProfileTask(int bins, String codeVersion) {
    this.bins = bins;
    this.codeVersion = codeVersion;
  }

  @Override
  public String id() {
    return "profile:reference";
  }

  @Override
  public String kind() {
    return "profile";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(FitTask.DATA);
  }

  @Override
  public Set<String> outputs() {
    return Set.of(PROFILE);
  }

  @Override
  public String fingerprint() {
    return "profile bins=" + bins + " code=" + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) {
    TrainingData data = context.input(FitTask.DATA, TrainingData.class);
    FeatureTable table = data.training();
    int n = table.rows();
    ObjectNode out = FitJson.MAPPER.createObjectNode();
    out.put("bins", bins);
    out.put("rows", n);
    if (n > 0) {
      List<FeatureProfile> state = data.startState();
      Feature[] all = Feature.values();
      FeatureProfile[] features = new FeatureProfile[all.length];
      IntStream.range(0, all.length)
          .parallel()
          .forEach(
              j ->
                  features[j] =
                      FeatureProfile.fromValues(all[j].name(), table.column(all[j]), bins));
      ArrayNode sn = out.putArray("state");
      for (FeatureProfile f : state) {
        sn.add(ReferenceProfileJson.featureToJson(f));
      }
      ArrayNode fn = out.putArray("features");
      for (FeatureProfile f : features) {
        fn.add(ReferenceProfileJson.featureToJson(f));
      }
    }
    context.output(PROFILE, out, DirectoryArtifactStore.hash(out));
    return TaskResult.succeeded(Map.of("rows", n, "bins", bins));
  }

  /**
   * The profile of the state the simulator fed to the year of each table row (the firm's previous
   * panel row), one entry per state column; empty for a table without rows.
   *
   * @param panel the panel the table was computed from
   */
  static List<FeatureProfile> startStateProfile(Panel panel, FeatureTable table, int bins) {
    int n = table.rows();
    if (n == 0) {
      return List.of();
    }
    int[] previous = new int[n];
    for (int i = 0; i < n; i++) {
      previous[i] = panel.previousRow(table.panelRow(i));
    }
    FeatureProfile[] out = new FeatureProfile[StateVariable.count()];
    IntStream.range(0, out.length)
        .parallel()
        .forEach(
            j -> {
              StateVariable v = StateVariable.at(j);
              double[] c = new double[n];
              for (int i = 0; i < n; i++) {
                c[i] = panel.state(previous[i], v);
              }
              out[j] = FeatureProfile.fromValues(v.name(), c, bins);
            });
    return List.of(out);
  }

  /**
   * The reference profile of a model: the year and every equation graph, each with its input
   * columns' profiles from this task's artifact; empty when the training data had no rows.
   */
  static Optional<ReferenceProfile> profile(JsonNode artifact, ModelSpec model) {
    if (artifact.get("rows").asLong() == 0) {
      return Optional.empty();
    }
    String where = "artifact " + PROFILE;
    List<FeatureProfile> state = new ArrayList<>();
    for (JsonNode f : artifact.get("state")) {
      state.add(ReferenceProfileJson.featureFromJson(f, where + ".state"));
    }
    Map<String, FeatureProfile> byName = new HashMap<>();
    for (JsonNode f : artifact.get("features")) {
      FeatureProfile p = ReferenceProfileJson.featureFromJson(f, where + ".features");
      byName.put(p.name(), p);
    }
    List<GraphProfile> graphs = new ArrayList<>();
    graphs.add(new GraphProfile(ReferenceProfile.YEAR, "state", state));
    for (EquationSpec e : model.equations()) {
      List<FeatureProfile> columns = new ArrayList<>();
      for (String f : ReferenceProfile.equationFeatures(e)) {
        FeatureProfile p = byName.get(f);
        if (p == null) {
          throw new IllegalStateException(where + " has no profile of feature " + f);
        }
        columns.add(p);
      }
      graphs.add(new GraphProfile(ReferenceProfile.equationGraph(e.table()), "features", columns));
    }
    return Optional.of(ReferenceProfile.of(artifact.get("bins").asInt(), graphs));
  }
}
