package io.firmsim.trainer.orchestrator.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.config.TrainingConfigReader;
import io.firmsim.trainer.orchestrator.gates.RawPanel;
import io.firmsim.trainer.orchestrator.graph.MemoryArtifactStore;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome.Status;
import io.firmsim.trainer.panel.FeatureTable;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.profile.FeatureProfile;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reuse keyed by content: a macro file edited in place re-runs exactly the tasks that read it and
 * those downstream, an unchanged rerun reuses every task, another build re-runs every task, and a
 * damaged cached artifact is recomputed. A generated panel is simulated under the macro path.
 */
class TrainingRunTest {
  @TempDir Path tmp;

  private Path panel() throws IOException {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 1500, 4, 2, 8);
    Path csv = tmp.resolve("panel.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, csv, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    return csv;
  }

  private Path macro(double dgnp) throws IOException {
    Path m = tmp.resolve("macro.csv");
    StringBuilder sb = new StringBuilder("year,dgnp,realr\n");
    for (int y = 1; y <= 4; y++) {
      sb.append(y).append(',').append(dgnp * y).append(",0.01\n");
    }
    Files.writeString(m, sb.toString());
    return m;
  }

  private TrainingConfig config(String data) throws IOException {
    Path f = tmp.resolve("train.yaml");
    Files.writeString(
        f,
        String.join(
            "\n",
            "data:",
            data,
            "  macro: " + tmp.resolve("macro.csv"),
            "model:",
            "  output: { directory: " + tmp.resolve("models") + ", name: m, version: \"1\" }",
            "training:",
            "  device: cpu",
            "  validationShare: 0.2",
            "  defaults: { allowNonConverged: true }",
            "  equations: [T1, T7]",
            "gates: { enabled: false }",
            ""));
    return TrainingConfigReader.read(f);
  }

  private RunReport last;

  private Map<String, Status> run(TrainingConfig cfg, String build) throws IOException {
    TrainingRun run =
        new TrainingRun(cfg, TrainingRun.Destination.folder(cfg), true, "test+" + build);
    last = run.run(run.graph(), false, RunListener.NONE);
    assertFalse(last.anyFailed(), last.summary());
    return last.outcomes().stream()
        .collect(Collectors.toMap(o -> o.taskId(), o -> o.status(), (a, b) -> a, TreeMap::new));
  }

  private static Map<String, Status> all(Map<String, Status> ids, Status s) {
    return ids.keySet().stream()
        .collect(Collectors.toMap(id -> id, id -> s, (a, b) -> a, TreeMap::new));
  }

  @Test
  void reuseFollowsContentAndBuild() throws IOException {
    macro(1e9);
    TrainingConfig cfg = config("  panel: " + panel());
    Map<String, Status> first = run(cfg, "a");
    assertEquals(all(first, Status.SUCCEEDED), first);
    Path model = tmp.resolve("models/m-1/model.json");
    byte[] before = Files.readAllBytes(model);
    checkReferenceProfile(ModelSpecReader.read(model), cfg);

    // Unchanged: everything is reused, nothing is read again.
    assertEquals(all(first, Status.CACHED), run(cfg, "a"));

    // The macro file edited in place (same path): the data task does not read it and is up to
    // date (it runs only to hand its in-memory panel to the gates task); the gates task builds
    // the features with it, and everything downstream runs again.
    macro(2e9);
    assertEquals(all(first, Status.SUCCEEDED), run(cfg, "a"));
    assertTrue(
        last.outcome("data:panel").orElseThrow().message().startsWith("up to date"),
        last.outcome("data:panel").orElseThrow().message());
    for (String id : first.keySet()) {
      if (!id.equals("data:panel")) {
        assertFalse(last.outcome(id).orElseThrow().message().startsWith("up to date"), id);
      }
    }
    assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(model)));

    // Another build: every task runs again.
    assertEquals(all(first, Status.SUCCEEDED), run(cfg, "b"));

    // A damaged cached fit is recomputed (and gives the same model again).
    byte[] good = Files.readAllBytes(model);
    Path artifact = tmp.resolve("models/.firmsim-state/m-1/artifacts/submodel_DCA.level.json");
    assertTrue(Files.exists(artifact), artifact.toString());
    Files.writeString(artifact, Files.readString(artifact).replaceFirst("[0-9]", "7"));
    TrainingRun run = new TrainingRun(cfg, TrainingRun.Destination.folder(cfg), true, "test+b");
    RunReport report = run.run(run.graph(), false, RunListener.NONE);
    assertEquals(Status.SUCCEEDED, report.outcome("fit:DCA.level").orElseThrow().status());
    assertTrue(report.outcome("fit:DCA.level").orElseThrow().message().contains("damaged"));
    assertEquals(Status.CACHED, report.outcome("fit:EDEPMA.prob").orElseThrow().status());
    assertArrayEquals(good, Files.readAllBytes(model));
  }

  /**
   * The model carries a reference profile of every graph: edges increasing, proportions summing to
   * 1, counts equal to the training rows; and the shares of two columns recounted here from the
   * panel (the training firms' previous-year state for the year graph, the training table's feature
   * column for an equation) with a plain loop over each bin's bounds.
   */
  private void checkReferenceProfile(ModelSpec spec, TrainingConfig cfg) {
    ReferenceProfile profile = spec.referenceProfile().orElseThrow();
    assertEquals(ReferenceProfile.graphNames().size(), profile.graphs().size());
    long trainingRows = spec.provenance().orElseThrow().at("/data/rows/training").asLong();
    assertTrue(trainingRows > 1000, "training rows " + trainingRows);
    for (GraphProfile g : profile.graphs()) {
      for (FeatureProfile f : g.features()) {
        assertEquals(trainingRows, f.count(), g.graph() + " " + f.name());
        double[] e = f.edges();
        for (int i = 1; i < e.length; i++) {
          assertTrue(e[i] > e[i - 1], g.graph() + " " + f.name());
        }
        assertEquals(1.0, java.util.Arrays.stream(f.proportions()).sum(), 1e-9, f.name());
        assertTrue(f.binCount() <= 10 && f.binCount() >= 1, f.name());
      }
    }
    // Recount two columns from the panel.
    Panel panel = RawPanel.readCsv(tmp.resolve("panel.csv")).completePanel(null);
    FirmSplit.Split split = FirmSplit.of(panel, 0.2, cfg.training().seed());
    Panel train = split.training();
    List<Double> ca = new ArrayList<>();
    for (int r = 0; r < train.rows(); r++) {
      int prev = train.previousRow(r);
      if (prev >= 0) {
        ca.add(train.state(prev, StateVariable.CA));
      }
    }
    assertEquals(trainingRows, ca.size());
    FeatureProfile caProfile = profile.graph("year").orElseThrow().features().get(0);
    assertEquals("CA", caProfile.name());
    assertArrayEquals(caProfile.proportions(), shares(caProfile.edges(), ca), 1e-12);
    // T7 (DCA): its first feature, on the training table's rows.
    GraphProfile t7 = profile.graph("T07").orElseThrow();
    assertEquals(ReferenceProfile.equationFeatures(spec.equations().get(6)), t7.names());
    FeatureProfile first = t7.features().get(0);
    TrainingData td = trainingData(cfg);
    List<Double> column = new ArrayList<>();
    for (double v : td.training().column(Feature.byName(first.name()).orElseThrow())) {
      column.add(v);
    }
    assertArrayEquals(first.proportions(), shares(first.edges(), column), 1e-12);
  }

  /** The data task and the gates task of the configuration, run on their own. */
  private static TrainingData trainingData(TrainingConfig cfg) {
    MemoryArtifactStore store = new MemoryArtifactStore();
    DataTask data = new DataTask(cfg, "test", new InputFiles());
    GatesTask gates = new GatesTask(cfg, PaperModel.load(), r -> {}, "test", new InputFiles());
    try {
      assertTrue(data.run(new TaskContext(data, store, "")).isSuccess());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertTrue(gates.run(new TaskContext(gates, store, "")).isSuccess());
    return (TrainingData) store.get(FitTask.DATA);
  }

  private static double[] shares(double[] edges, List<Double> values) {
    double[] out = new double[edges.length + 1];
    for (int b = 0; b <= edges.length; b++) {
      double lower = b == 0 ? Double.NEGATIVE_INFINITY : edges[b - 1];
      double upper = b == edges.length ? Double.POSITIVE_INFINITY : edges[b];
      int n = 0;
      for (double v : values) {
        if ((b == 0 || v > lower) && v <= upper) {
          n++;
        }
      }
      out[b] = (double) n / values.size();
    }
    return out;
  }

  @Test
  void generatedPanelIsSimulatedUnderTheMacroPath() throws Exception {
    macro(5e9);
    TrainingConfig cfg =
        config(
            String.join(
                "\n",
                "  generate:",
                "    firms: 300",
                "    years: 4",
                "    burnIn: 2",
                "    seed: 4"));
    MemoryArtifactStore store = new MemoryArtifactStore();
    DataTask data = new DataTask(cfg, "test", new InputFiles());
    assertTrue(data.run(new TaskContext(data, store, "")).isSuccess());
    Panel generated = ((RawPanel) store.get(DataTask.PANEL)).completePanel(null);
    // The simulator run with the macro path directly gives the same panel; without it, another.
    Panel withMacro =
        StatedLevelNoise.simulatePanel(
            PaperModel.load(),
            300,
            4,
            2,
            4,
            io.firmsim.simulator.macro.MacroPathReader.read(tmp.resolve("macro.csv"), 1, 4),
            io.firmsim.simulator.engine.DeviceChoice.CPU);
    Panel without = StatedLevelNoise.simulatePanel(PaperModel.load(), 300, 4, 2, 4);
    assertArrayEquals(withMacro.state(), generated.state());
    assertFalse(java.util.Arrays.equals(without.state(), generated.state()));
    // The features of that panel carry the file's dgnp in every row's year.
    GatesTask gates = new GatesTask(cfg, PaperModel.load(), r -> {}, "test", new InputFiles());
    assertTrue(gates.run(new TaskContext(gates, store, "")).isSuccess());
    TrainingData td = (TrainingData) store.get(FitTask.DATA);
    double[] dgnp = td.training().column(Feature.dgnp);
    FeatureTable table = td.training();
    assertTrue(dgnp.length > 0);
    for (int i = 0; i < dgnp.length; i++) {
      assertEquals(5e9 * table.year(i), dgnp[i], 0.0, "row " + i);
    }
  }
}
