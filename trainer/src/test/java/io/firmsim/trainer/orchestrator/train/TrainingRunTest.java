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
import io.firmsim.zoo.vocabulary.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
