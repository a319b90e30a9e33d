package io.firmsim.trainer.orchestrator.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.trainer.cli.Main;
import io.firmsim.trainer.forecast.artifact.EnsembleForecaster;
import io.firmsim.trainer.forecast.artifact.ForecastBackend;
import io.firmsim.trainer.forecast.artifact.ForecasterArtifact;
import io.firmsim.trainer.forecast.artifact.TinyEnsemble;
import io.firmsim.trainer.forecast.eval.ForecastMetrics;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.orchestrator.config.ConfigException;
import io.firmsim.trainer.orchestrator.config.ForecastConfig;
import io.firmsim.trainer.orchestrator.config.ForecastConfigReader;
import io.firmsim.trainer.orchestrator.graph.RunListener;
import io.firmsim.trainer.orchestrator.graph.RunReport;
import io.firmsim.trainer.orchestrator.graph.TaskOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator's forecast task kind: a configuration of 4 members (2 lookbacks x 2 losses)
 * trains them in parallel and writes a verified artifact with its report; a second run reuses every
 * member; a changed series file retrains them all, a damaged stored member only itself; runs in
 * fresh folders with the same seeds give byte-identical member parameters; unknown keys are refused
 * with their YAML path.
 */
class ForecastRunTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  private static final String CONFIG =
      """
      forecast:
        series: series.csv
        frequency: quarterly
        horizon: 4
        seasonalPeriod: 4
        model:
          kind: nbeats-generic
          stacks: 2
          width: 8
          layers: 2
          scaling: max
        training:
          steps: 6
          batchSize: 8
          learningRate: 0.01
          validationEvery: 3
          parallelism: 2
        ensemble:
          lookbackMultiples: [2, 3]
          losses: [smape, mase]
          seeds: [5]
        output:
          directory: %s
          name: sines
          version: "1"
      """;

  private Path setUp(Path dir, String output) throws Exception {
    Files.createDirectories(dir);
    writeSeries(dir.resolve("series.csv"), TinyEnsemble.sines(6, 9));
    Path config = dir.resolve("forecast.yaml");
    Files.writeString(config, CONFIG.formatted(output));
    return config;
  }

  private static void writeSeries(Path file, List<NamedSeries> series) throws Exception {
    StringBuilder sb = new StringBuilder("id");
    int n = series.stream().mapToInt(NamedSeries::length).max().orElseThrow();
    for (int j = 1; j <= n; j++) {
      sb.append(",V").append(j);
    }
    sb.append('\n');
    for (NamedSeries s : series) {
      sb.append(s.id());
      for (double v : s.values()) {
        sb.append(',').append(v);
      }
      sb.append('\n');
    }
    Files.writeString(file, sb);
  }

  private static RunReport run(Path config, AtomicInteger steps) throws Exception {
    ForecastConfig cfg = ForecastConfigReader.read(config);
    ForecastRun run = new ForecastRun(cfg, "test", (m, s, max, loss) -> steps.incrementAndGet());
    RunReport report = run.run(run.graph(), false, RunListener.NONE);
    assertFalse(report.anyFailed(), report.summary());
    assertTrue(run.written());
    return report;
  }

  private static List<TaskOutcome.Status> memberStatuses(RunReport r) {
    return r.outcomes().stream()
        .filter(o -> o.kind().equals("forecast-member"))
        .map(TaskOutcome::status)
        .toList();
  }

  @Test
  void trainsWritesReusesAndRetrainsOnAChangedSeriesFile() throws Exception {
    Path config = setUp(tmp.resolve("a"), "models");
    AtomicInteger steps = new AtomicInteger();
    RunReport first = run(config, steps);
    assertEquals(List.of(TaskOutcome.Status.SUCCEEDED), distinct(memberStatuses(first)));
    assertEquals(4, memberStatuses(first).size());
    assertEquals(4 * 6, steps.get(), "every member ran its 6 steps");
    Path dir = tmp.resolve("a/models/sines/1");
    ForecasterArtifact a = ForecasterArtifact.open(dir);
    assertEquals(4, a.metadata().members().size());
    assertEquals(8, a.metadata().members().get(0).lookback());
    assertEquals(12, a.metadata().members().get(3).lookback());
    assertEquals("series.csv", a.metadata().provenance().get("series").asText());

    JsonNode report = MAPPER.readTree(dir.resolve("report.json").toFile());
    JsonNode members = report.get("members");
    assertEquals(4, members.size());
    for (JsonNode m : members) {
      assertEquals("SUCCEEDED", m.get("status").asText());
      assertEquals(List.of(0, 3, 6), ints(m.get("curve").get("steps")));
      assertEquals(3, m.get("curve").get("validation").size());
      assertTrue(m.get("curve").get("training").get(1).isNumber());
      double best = Double.POSITIVE_INFINITY;
      for (JsonNode v : m.get("curve").get("validation")) {
        best = Math.min(best, v.asDouble());
      }
      assertEquals(best, m.get("validationLoss").asDouble(), 0.0, "the best check is reported");
    }
    // The ensemble's validation sMAPE, recomputed here through the written artifact.
    List<NamedSeries> series = TinyEnsemble.sines(6, 9);
    List<double[]> train = new ArrayList<>();
    series.forEach(s -> train.add(Arrays.copyOf(s.values(), s.length() - 4)));
    double smape = 0;
    try (EnsembleForecaster f = a.load(ForecastBackend.DJL)) {
      double[][] fc = f.forecast(train);
      for (int i = 0; i < series.size(); i++) {
        double[] v = series.get(i).values();
        smape += ForecastMetrics.smapeM4(Arrays.copyOfRange(v, v.length - 4, v.length), fc[i]);
      }
    }
    assertEquals(
        smape / series.size(), report.get("ensemble").get("validationSmape").asDouble(), 1e-12);
    byte[] params = Files.readAllBytes(dir.resolve("member-02.params"));

    steps.set(0);
    RunReport second = run(config, steps);
    assertEquals(List.of(TaskOutcome.Status.CACHED), distinct(memberStatuses(second)));
    assertEquals(0, steps.get(), "no member trained again");
    JsonNode again = MAPPER.readTree(dir.resolve("report.json").toFile());
    for (JsonNode m : again.get("members")) {
      assertEquals("CACHED", m.get("status").asText());
    }
    assertArrayEquals(params, Files.readAllBytes(dir.resolve("member-02.params")));

    // A changed series file retrains every member.
    List<NamedSeries> changed = new ArrayList<>(series);
    double[] v = changed.get(0).values();
    v[3] += 1;
    changed.set(0, new NamedSeries(changed.get(0).id(), v));
    writeSeries(tmp.resolve("a/series.csv"), changed);
    RunReport third = run(config, steps);
    assertEquals(List.of(TaskOutcome.Status.SUCCEEDED), distinct(memberStatuses(third)));
    assertEquals(4 * 6, steps.get());
  }

  @Test
  void aDamagedStoredMemberIsTrainedAgainAlone() throws Exception {
    Path config = setUp(tmp.resolve("d"), "models");
    AtomicInteger steps = new AtomicInteger();
    run(config, steps);
    Path stored =
        tmp.resolve("d/models/.firmsim-state/forecast-sines-1/members/L3.mase.seed5.params");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[bytes.length - 1] ^= 1;
    Files.write(stored, bytes);
    steps.set(0);
    RunReport r = run(config, steps);
    assertEquals(6, steps.get(), "one member's 6 steps");
    for (TaskOutcome o : r.outcomes()) {
      if (o.kind().equals("forecast-member")) {
        assertEquals(
            o.taskId().equals("member:L3.mase.seed5")
                ? TaskOutcome.Status.SUCCEEDED
                : TaskOutcome.Status.CACHED,
            o.status(),
            o.taskId());
      }
    }
    ForecasterArtifact.open(tmp.resolve("d/models/sines/1"));
  }

  private static <T> List<T> distinct(List<T> xs) {
    return xs.stream().distinct().toList();
  }

  private static List<Integer> ints(JsonNode a) {
    List<Integer> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asInt()));
    return out;
  }

  @Test
  void sameSeedsInFreshFoldersGiveByteIdenticalMemberParameters() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    for (String d : List.of("x", "y")) {
      Path config = setUp(tmp.resolve(d), "models");
      int code = Main.run(new PrintWriter(out), new PrintWriter(err), "train", config.toString());
      assertEquals(0, code, err.toString());
    }
    assertTrue(out.toString().contains("forecaster written to"), out.toString());
    for (int i = 1; i <= 4; i++) {
      String f = "member-0" + i + ".params";
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("x/models/sines/1").resolve(f)),
          Files.readAllBytes(tmp.resolve("y/models/sines/1").resolve(f)),
          f);
    }
  }

  @Test
  void unknownKeysAreRefusedWithTheirYamlPath() throws Exception {
    Path config = setUp(tmp.resolve("k"), "models");
    String text = Files.readString(config);
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ForecastConfigReader.parse(text.replace("batchSize", "batchsize"), config));
    assertEquals("forecast.training.batchsize", e.path());
    assertEquals(14, e.line());
    assertTrue(e.getMessage().contains("did you mean 'batchSize'"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> ForecastConfigReader.parse(text.replace("width: 8", "hiddenSize: 8"), config));
    assertEquals("forecast.model.hiddenSize", e.path());
    assertTrue(e.getMessage().contains("not a setting of nbeats-generic"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                ForecastConfigReader.parse(text.replace("[smape, mase]", "[smape, msle]"), config));
    assertEquals("forecast.ensemble.losses[1]", e.path());
    if (ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0) {
      Path gpu = tmp.resolve("k/gpu.yaml");
      Files.writeString(gpu, text.replace("parallelism: 2", "parallelism: 2\n    device: gpu"));
      StringWriter gpuErr = new StringWriter();
      assertEquals(
          2,
          Main.run(
              new PrintWriter(new StringWriter()),
              new PrintWriter(gpuErr),
              "train",
              gpu.toString()));
      assertTrue(gpuErr.toString().contains("sees no GPU"), gpuErr.toString());
    }
    Files.writeString(config, text.replace("seasonalPeriod", "period"));
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()), new PrintWriter(err), "train", config.toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("forecast.period"), err.toString());
    assertTrue(err.toString().contains("line 5"), err.toString());
  }
}
