package io.firmsim.trainer.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.trainer.forecast.model.ForecasterKind;
import io.firmsim.trainer.forecast.train.LossKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ForecastConfigReader}: defaults filled in, the ensemble as the Cartesian product in file
 * order, paths resolved against the file, refusals with line and dotted path.
 */
class ForecastConfigReaderTest {
  @TempDir Path tmp;
  private Path file;

  private static final String MINIMAL =
      """
      forecast:
        series: data/train.csv
        frequency: monthly
        horizon: 18
        model:
          kind: lstm
        output:
          directory: out
          name: m3-monthly
      """;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(tmp.resolve("data"));
    Files.writeString(tmp.resolve("data/train.csv"), "id,V1\nA,1\n");
    file = tmp.resolve("f.yaml");
  }

  private ForecastConfig parse(String text) {
    return ForecastConfigReader.parse(text, file);
  }

  private ConfigException refused(String text) {
    return assertThrows(ConfigException.class, () -> parse(text));
  }

  @Test
  void defaultsAreFilledIn() throws Exception {
    ForecastConfig c = parse(MINIMAL);
    assertEquals(tmp.resolve("data/train.csv"), c.series());
    assertEquals(1, c.seasonalPeriod());
    assertEquals(ForecastConfig.Training.DEFAULTS, c.training());
    assertEquals(ForecasterKind.LSTM, c.model().kind());
    assertEquals(64, c.model().hiddenSize());
    assertEquals(tmp.resolve("out"), c.output().directory());
    assertEquals("1", c.output().version());
    assertEquals(1, c.members().size());
    assertEquals("L2.smape.seed1", c.members().get(0).id());
    Files.writeString(file, MINIMAL);
    assertTrue(ForecastConfigReader.isForecastConfig(file));
    Files.writeString(file, "data:\n  panel: p.csv\n");
    assertFalse(ForecastConfigReader.isForecastConfig(file));
  }

  @Test
  void theEnsembleIsTheProductInFileOrder() {
    ForecastConfig c =
        parse(
            MINIMAL
                + """
                  ensemble:
                    lookbackMultiples: [3, 2]
                    losses: [mase, smape]
                    seeds: [7, 1, 4]
                """);
    List<ForecastConfig.Member> m = c.members();
    assertEquals(12, m.size());
    assertEquals("L3.mase.seed7", m.get(0).id());
    assertEquals("L3.mase.seed1", m.get(1).id());
    assertEquals("L3.smape.seed7", m.get(3).id());
    assertEquals("L2.mase.seed7", m.get(6).id());
    assertEquals(2, m.get(6).spec().lookbackMultiple());
    assertEquals(LossKind.SMAPE, m.get(11).loss());
    assertEquals(4, m.get(11).seed());
    // every member trains with its own stream, a pure function of (seed, lookback, loss)
    assertEquals(12, m.stream().map(ForecastConfig.Member::trainingSeed).distinct().count());
    assertEquals(
        m.get(0).trainingSeed(),
        new ForecastConfig.Member("x", m.get(0).spec(), m.get(0).loss(), 7).trainingSeed());
  }

  @Test
  void holdOutIsABooleanAndExcludesEarlyStopping() {
    assertTrue(parse(MINIMAL).training().holdOut());
    assertFalse(parse(MINIMAL + "  training:\n    holdOut: false\n").training().holdOut());
    ConfigException e = refused(MINIMAL + "  training:\n    holdOut: \"no\"\n");
    assertEquals("forecast.training.holdOut", e.path());
    assertEquals(
        io.firmsim.trainer.forecast.train.LearningRateSchedule.COSINE,
        parse(MINIMAL + "  training:\n    learningRateSchedule: cosine\n")
            .training()
            .learningRateSchedule());
    assertEquals(
        "forecast.training.learningRateSchedule",
        refused(MINIMAL + "  training:\n    learningRateSchedule: step\n").path());
    e = refused(MINIMAL + "  training:\n    holdOut: false\n    earlyStoppingPatience: 3\n");
    assertEquals("forecast.training.earlyStoppingPatience", e.path());
    assertTrue(e.getMessage().contains("hold-out"), e.getMessage());
  }

  @Test
  void problemsNameLineAndPath() {
    ConfigException e = refused(MINIMAL.replace("horizon: 18", "horizon: \"18\""));
    assertEquals("forecast.horizon", e.path());
    assertEquals(4, e.line());
    e = refused(MINIMAL.replace("data/train.csv", "data/none.csv"));
    assertEquals("forecast.series", e.path());
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    e = refused(MINIMAL.replace("kind: lstm", "kind: nbeats-interpretable\n    degree: 18"));
    assertEquals("forecast.model", e.path());
    assertTrue(e.getMessage().contains("degree"), e.getMessage());
    e = refused(MINIMAL.replace("kind: lstm", "kind: lstm\n    hiddenSize: 0"));
    assertEquals("forecast.model.hiddenSize", e.path());
    assertEquals(7, e.line());
    e = refused(MINIMAL + "  ensemble:\n    seeds: [1, 2, 1]\n");
    assertEquals("forecast.ensemble.seeds[2]", e.path());
    e = refused(MINIMAL + "  training:\n    device: tpu\n");
    assertEquals("forecast.training.device", e.path());
    e = refused(MINIMAL.replace("name: m3-monthly", "name: ../up"));
    assertEquals("forecast.output.name", e.path());
    e = refused(MINIMAL.replace("forecast:", "forecast:\n  data: x"));
    assertEquals("forecast.data", e.path());
    e = refused(MINIMAL + "gates:\n  enabled: true\n");
    assertEquals("gates", e.path());
  }
}
