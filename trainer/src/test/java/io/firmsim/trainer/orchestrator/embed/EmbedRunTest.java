package io.firmsim.trainer.orchestrator.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.embed.anomaly.AnomalyEvaluation;
import io.firmsim.trainer.embed.anomaly.FirmYearFeatures;
import io.firmsim.trainer.embed.anomaly.IsolationForest;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.orchestrator.config.ConfigException;
import io.firmsim.trainer.orchestrator.config.EmbedConfig;
import io.firmsim.trainer.orchestrator.config.EmbedConfigReader;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator's {@code embed:} configuration: a run over a small simulated panel writes the
 * output folder (encoder artifact, index, anomaly scores equal to an isolation forest fitted here,
 * report); a second run reuses every task; a changed panel file re-runs every task; two seeds train
 * two encoders at the same time, each equal to the one a single-seed run trains; YAML errors name
 * line and path.
 */
class EmbedRunTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static Panel panel;
  private static Panel otherPanel;

  @TempDir Path tmp;

  private static final String CONFIG =
      """
      embed:
        panel: panel.csv
        window: 3
        dim: 4
        hidden: 8
        steps: %d
        batchSize: 32
        learningRate: 0.01
        seeds: %s
        metric: cosine
        anomaly:
          trees: 50
          quantile: 0.05
          seed: 7
        output:
          directory: out
          name: firms
          version: "2"
      """;

  @BeforeAll
  static void simulate() {
    panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 80, 5, 3, 23);
    otherPanel = StatedLevelNoise.simulatePanel(PaperModel.load(), 80, 5, 3, 24);
  }

  private static void writePanel(Panel p, Path file) throws Exception {
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, false)) {
      w.write(p.firmIds(), p.years(), p.state(), p.flows(), p.rows());
    }
  }

  private Path setUp(Path dir, int steps, String seeds) throws Exception {
    Files.createDirectories(dir);
    writePanel(panel, dir.resolve("panel.csv"));
    Path config = dir.resolve("embed.yaml");
    Files.writeString(config, CONFIG.formatted(steps, seeds));
    return config;
  }

  private static RunReport run(Path config, RunListener listener) throws Exception {
    EmbedConfig cfg = EmbedConfigReader.read(config);
    EmbedRun run = new EmbedRun(cfg, "test");
    RunReport report = run.run(run.graph(), false, listener);
    assertFalse(report.anyFailed(), report.summary());
    assertTrue(run.written());
    return report;
  }

  private static Map<String, TaskOutcome.Status> statuses(RunReport r) {
    Map<String, TaskOutcome.Status> m = new HashMap<>();
    r.outcomes().forEach(o -> m.put(o.taskId(), o.status()));
    return m;
  }

  private static Map<String, TaskOutcome.Status> all(TaskOutcome.Status s, String... ids) {
    Map<String, TaskOutcome.Status> m = new HashMap<>();
    for (String id : ids) {
      m.put(id, s);
    }
    return m;
  }

  @Test
  void writesTheFolderReusesEveryTaskAndRerunsAllOnAChangedPanel() throws Exception {
    Path config = setUp(tmp.resolve("a"), 20, "[3]");
    RunReport first = run(config, RunListener.NONE);
    String[] ids = {"data:panel", "embed:seed3", "index:firms", "anomaly:firm-years"};
    assertEquals(all(TaskOutcome.Status.SUCCEEDED, ids), statuses(first));
    Path out = tmp.resolve("a/out/firms/2");
    EmbedRun.verifyOutput(out);

    EmbeddingArtifact artifact = EmbeddingArtifact.open(out.resolve("encoder"));
    assertEquals(3, artifact.metadata().encoder().window());
    assertEquals(4, artifact.metadata().encoder().embedding());
    assertEquals(3L, artifact.metadata().encoder().seed());
    assertEquals("panel.csv", artifact.metadata().provenance().get("data").get("source").asText());

    // The index holds each of the 80 firms once (its latest window, ending in the last year).
    int lastYear = panel.year(0);
    for (int r = 0; r < panel.rows(); r++) {
      lastYear = Math.max(lastYear, panel.year(r));
    }
    try (EmbeddingIndex index = EmbeddingIndex.load(out.resolve("index"))) {
      assertEquals(80, index.table().rows());
      assertEquals(4, index.table().dimension());
      for (int r = 0; r < index.table().rows(); r++) {
        assertEquals(lastYear, index.table().endYear(r));
      }
      assertEquals(10, index.query(index.table().firmId(0), 10).size());
    }

    // The scores equal an isolation forest fitted here on the same columns and seed.
    double[][] rows = FirmYearFeatures.of(panel).matrix(FirmYearFeatures.SCORING_COLUMNS);
    double[] expected = IsolationForest.builder().optTrees(50).optSeed(7).fit(rows).scores(rows);
    boolean[] flags = AnomalyEvaluation.flag(expected, 0.05);
    List<String> lines = Files.readAllLines(out.resolve("anomalies.csv"));
    assertEquals("firm_id,year,isolation_score,flag", lines.get(0));
    assertEquals(panel.rows() + 1, lines.size());
    int flagged = 0;
    for (int r = 0; r < panel.rows(); r++) {
      String[] f = lines.get(r + 1).split(",");
      assertEquals(panel.firmId(r), Long.parseLong(f[0]));
      assertEquals(panel.year(r), Integer.parseInt(f[1]));
      assertEquals(expected[r], Double.parseDouble(f[2]), 0.0);
      assertEquals(flags[r] ? "1" : "0", f[3]);
      flagged += flags[r] ? 1 : 0;
    }
    assertTrue(flagged > 0 && flagged <= 0.05 * panel.rows(), "flagged " + flagged);

    JsonNode report = MAPPER.readTree(out.resolve("report.json").toFile());
    assertEquals(EmbedRun.FORMAT, report.get("format").asText());
    assertEquals(flagged, report.get("anomalies").get("flagged").asInt());
    assertEquals(80, report.get("index").get("rows").asInt());
    JsonNode enc = report.get("encoders").get(0);
    assertEquals("SUCCEEDED", enc.get("status").asText());
    assertEquals(20, enc.get("steps").asInt());
    assertTrue(enc.get("finalLoss").asDouble() < enc.get("initialLoss").asDouble());
    byte[] params = Files.readAllBytes(out.resolve("encoder/autoencoder.params"));
    byte[] csv = Files.readAllBytes(out.resolve("anomalies.csv"));

    // Unchanged: every task reused, the same files.
    RunReport second = run(config, RunListener.NONE);
    assertEquals(all(TaskOutcome.Status.CACHED, ids), statuses(second));
    assertEquals(4, second.withStatus(TaskOutcome.Status.CACHED).size());
    EmbedRun.verifyOutput(out);
    assertArrayEquals(params, Files.readAllBytes(out.resolve("encoder/autoencoder.params")));
    assertArrayEquals(csv, Files.readAllBytes(out.resolve("anomalies.csv")));
    JsonNode again = MAPPER.readTree(out.resolve("report.json").toFile());
    assertEquals("CACHED", again.get("encoders").get(0).get("status").asText());

    // A changed panel file: every task runs again, with other results.
    writePanel(otherPanel, tmp.resolve("a/panel.csv"));
    RunReport third = run(config, RunListener.NONE);
    assertEquals(all(TaskOutcome.Status.SUCCEEDED, ids), statuses(third));
    EmbedRun.verifyOutput(out);
    assertFalse(
        java.util.Arrays.equals(csv, Files.readAllBytes(out.resolve("anomalies.csv"))),
        "the scores changed with the panel");
    assertNotEquals(
        report.get("provenance").get("panelSha256").asText(),
        MAPPER
            .readTree(out.resolve("report.json").toFile())
            .get("provenance")
            .get("panelSha256")
            .asText());
  }

  @Test
  void twoSeedsTrainTwoIndependentEncodersAtTheSameTime() throws Exception {
    Path two = setUp(tmp.resolve("two"), 150, "[1, 2]");
    Map<String, Integer> stageOf = new ConcurrentHashMap<>();
    RunListener listener =
        new RunListener() {
          @Override
          public void stageStarted(int stage, List<Task> tasks) {
            tasks.forEach(t -> stageOf.put(t.id(), stage));
          }
        };
    RunReport r = run(two, listener);
    assertEquals(stageOf.get("embed:seed1"), stageOf.get("embed:seed2"), "one stage");
    List<Instant[]> spans = new ArrayList<>();
    for (String id : List.of("embed:seed1", "embed:seed2")) {
      TaskOutcome o = r.outcome(id).orElseThrow();
      assertEquals(TaskOutcome.Status.SUCCEEDED, o.status());
      spans.add(
          new Instant[] {
            Instant.parse((String) o.metrics().get("started")),
            Instant.parse((String) o.metrics().get("finished"))
          });
    }
    assertTrue(
        spans.get(0)[0].isBefore(spans.get(1)[1]) && spans.get(1)[0].isBefore(spans.get(0)[1]),
        "the two trainings overlap in time");

    // Each seed's encoder equals the one a run with that seed alone trains, bit for bit.
    Path stateTwo = tmp.resolve("two/out/.firmsim-state/embed-firms-2/artifacts");
    byte[] seed1 = Files.readAllBytes(stateTwo.resolve("embed-seed1/autoencoder.params"));
    byte[] seed2 = Files.readAllBytes(stateTwo.resolve("embed-seed2/autoencoder.params"));
    assertFalse(java.util.Arrays.equals(seed1, seed2), "two seeds, two encoders");
    for (String seed : List.of("1", "2")) {
      Path one = setUp(tmp.resolve("one" + seed), 150, "[" + seed + "]");
      run(one, RunListener.NONE);
      byte[] alone =
          Files.readAllBytes(
              tmp.resolve("one" + seed + "/out/.firmsim-state/embed-firms-2/artifacts")
                  .resolve("embed-seed" + seed + "/autoencoder.params"));
      assertArrayEquals(seed.equals("1") ? seed1 : seed2, alone, "seed " + seed);
    }
    // The output holds the first seed's encoder.
    assertArrayEquals(
        seed1, Files.readAllBytes(tmp.resolve("two/out/firms/2/encoder/autoencoder.params")));
  }

  @Test
  void aDamagedStoredArtifactIsBuiltAgainAlone() throws Exception {
    Path config = setUp(tmp.resolve("s"), 5, "[1]");
    run(config, RunListener.NONE);
    Path stored =
        tmp.resolve("s/out/.firmsim-state/embed-firms-2/artifacts/anomalies/anomalies.csv");
    Files.writeString(stored, "damaged\n");
    RunReport r = run(config, RunListener.NONE);
    Map<String, TaskOutcome.Status> expected =
        all(TaskOutcome.Status.CACHED, "embed:seed1", "index:firms");
    expected.put("data:panel", TaskOutcome.Status.SUCCEEDED); // the anomaly task needs the panel
    expected.put("anomaly:firm-years", TaskOutcome.Status.SUCCEEDED);
    assertEquals(expected, statuses(r));
    EmbedRun.verifyOutput(tmp.resolve("s/out/firms/2"));
    assertEquals(
        panel.rows() + 1, Files.readAllLines(tmp.resolve("s/out/firms/2/anomalies.csv")).size());
  }

  @Test
  void aDamagedOutputFileIsRefusedNamingIt() throws Exception {
    Path config = setUp(tmp.resolve("d"), 5, "[1]");
    run(config, RunListener.NONE);
    Path out = tmp.resolve("d/out/firms/2");
    Path csv = out.resolve("anomalies.csv");
    Files.writeString(csv, Files.readString(csv).replaceFirst(",0\n", ",1\n"));
    BadInputException e = assertThrows(BadInputException.class, () -> EmbedRun.verifyOutput(out));
    assertTrue(e.getMessage().contains("anomalies.csv") && e.getMessage().contains("changed"));
    Path report = out.resolve("report.json");
    Files.writeString(
        report, Files.readString(report).replace("\"version\" : 1", "\"version\" : 9"));
    e = assertThrows(BadInputException.class, () -> EmbedRun.verifyOutput(out));
    assertTrue(e.getMessage().contains("report.json") && e.getMessage().contains("version 9"));
  }

  @Test
  void firmsimTrainDispatchesAnEmbedFile() throws Exception {
    Path config = setUp(tmp.resolve("cli"), 5, "[1]");
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        io.firmsim.trainer.cli.Main.run(
            new java.io.PrintWriter(out), new java.io.PrintWriter(err), "train", config.toString());
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("embeddings written to"), out.toString());
    EmbedRun.verifyOutput(tmp.resolve("cli/out/firms/2"));

    Files.writeString(config, Files.readString(config).replace("  window: 3", "  windows: 3"));
    err = new java.io.StringWriter();
    code =
        io.firmsim.trainer.cli.Main.run(
            new java.io.PrintWriter(out), new java.io.PrintWriter(err), "train", config.toString());
    assertEquals(2, code);
    assertTrue(
        err.toString().contains("embed.yaml") && err.toString().contains("embed.windows"),
        err.toString());
  }

  @Test
  void yamlErrorsNameLineAndPath() throws Exception {
    Path dir = tmp.resolve("y");
    Files.createDirectories(dir);
    writePanel(panel, dir.resolve("panel.csv"));
    Path file = dir.resolve("embed.yaml");
    String good = CONFIG.formatted(10, "[1]");

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> EmbedConfigReader.parse(good.replace("    trees: 50", "    tress: 50"), file));
    assertEquals(12, e.line());
    assertEquals("embed.anomaly.tress", e.path());

    e =
        assertThrows(
            ConfigException.class,
            () -> EmbedConfigReader.parse(good.replace("seeds: [1]", "seeds: [1, 1]"), file));
    assertEquals("embed.seeds[1]", e.path());
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());

    e =
        assertThrows(
            ConfigException.class,
            () -> EmbedConfigReader.parse(good.replace("metric: cosine", "metric: dot"), file));
    assertEquals(10, e.line());
    assertEquals("embed.metric", e.path());

    // device: cpu or gpu, next to the metric; anything else refused at its line.
    assertEquals(
        "gpu",
        EmbedConfigReader.parse(
                good.replace("metric: cosine", "metric: cosine\n  device: gpu"), file)
            .device());
    assertEquals("cpu", EmbedConfigReader.parse(good, file).device());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                EmbedConfigReader.parse(
                    good.replace("metric: cosine", "metric: cosine\n  device: tpu"), file));
    assertEquals(11, e.line());
    assertEquals("embed.device", e.path());

    e =
        assertThrows(
            ConfigException.class,
            () -> EmbedConfigReader.parse(good.replace("panel.csv", "missing.csv"), file));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("missing.csv"), e.getMessage());

    e =
        assertThrows(
            ConfigException.class,
            () -> EmbedConfigReader.parse(good.replace("  window: 3", "  window: 0"), file));
    assertEquals("embed.window", e.path());

    EmbedConfig ok = EmbedConfigReader.parse(good, file);
    assertEquals(2, ok.parallelism(), "one encoder and the anomaly task at once");
    assertEquals(0.05, ok.anomaly().quantile(), 0.0);
    assertEquals(dir.resolve("out"), ok.output().directory());
    assertTrue(EmbedConfigReader.isEmbedConfig(writeConfig(file, good)));
  }

  private static Path writeConfig(Path file, String text) throws Exception {
    Files.writeString(file, text);
    return file;
  }
}
