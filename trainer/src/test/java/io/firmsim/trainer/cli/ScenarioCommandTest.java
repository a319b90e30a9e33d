package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathSet;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.trainer.forecast.scenario.AnnualMacroHistory;
import io.firmsim.trainer.forecast.scenario.ForecasterLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code firmsim scenario history} and {@code scenario macro} end to end: the files are read by the
 * simulator's own macro path reader and hold the hand-derived values; seeds reproduce byte for
 * byte; bad input exits 2 naming the file, row and column, a broken forecaster exits 3.
 */
class ScenarioCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  /** Naive forecaster: repeats the last value; counts loads and closes. */
  static final class Naive implements Forecaster {
    int closed;

    @Override
    public int lookback() {
      return 2;
    }

    @Override
    public int horizon() {
      return 3;
    }

    @Override
    public double[][] forecast(List<double[]> histories) {
      double[][] out = new double[histories.size()][3];
      for (int i = 0; i < out.length; i++) {
        double[] h = histories.get(i);
        Arrays.fill(out[i], h[h.length - 1]);
      }
      return out;
    }

    @Override
    public void close() {
      closed++;
    }
  }

  final List<String> loaded = new ArrayList<>();
  final Naive naive = new Naive();

  final ForecasterLoader loader =
      new ForecasterLoader() {
        @Override
        public Forecaster load(String nameOrDir, Optional<Path> modelsDir) {
          loaded.add(nameOrDir + "|" + modelsDir.map(Path::toString).orElse("-"));
          return naive;
        }

        @Override
        public Map<String, String> provenance(String nameOrDir, Optional<Path> modelsDir) {
          return Map.of("metadataSha256", "abc123");
        }
      };

  Outcome run(ForecasterLoader l, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        io.firmsim.simulator.cli.Main.run(
            Main.commandLine(l), new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  /** A 20-year history 1981..2000: growth 1, 2, 4, 1, 2, 4, ..., rate 3 + year % 2. */
  Path history() throws Exception {
    StringBuilder sb = new StringBuilder(AnnualMacroHistory.HEADER + "\n");
    int[] g = {1, 2, 4};
    for (int i = 0; i < 20; i++) {
      sb.append(1981 + i).append(',').append(g[i % 3]).append(',').append(3 + i % 2).append('\n');
    }
    Path f = tmp.resolve("history.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  String[] macro(Path history, Path out, String... more) {
    return macro(history, out, 4, more);
  }

  String[] macro(Path history, Path out, int years, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "scenario",
                "macro",
                "--model",
                "demo",
                "--history",
                history.toString(),
                "--years",
                Integer.toString(years),
                "--paths",
                "12",
                "--out",
                out.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void macroWritesPathsTheSimulatorReads() throws Exception {
    Path h = history();
    Path out = tmp.resolve("scen");
    Outcome o =
        run(loader, macro(h, out, "--seed", "7", "--gnp-base", "1000", "--models-dir", "zoo"));
    assertEquals(0, o.code(), o.err());
    assertEquals(List.of("demo|zoo"), loaded);
    assertEquals(1, naive.closed);
    assertTrue(o.out().contains("12 paths of 4 years (2001..2004)"), o.out());
    // origins: t = 2..16 (20 - 4 - 2 + 1 = 15), last history years 1982..1996
    assertTrue(o.out().contains("from 15 rolling origins (1982..1996)"), o.out());
    // the simulator reads all 12, in order p01..p12
    MacroPathSet set = MacroPathSet.read(out, 2001, 4);
    assertEquals(12, set.size());
    assertEquals("p01", set.entries().get(0).name());
    assertEquals("p12", set.entries().get(11).name());
    JsonNode m = new ObjectMapper().readTree(out.resolve("scenarios.json").toFile());
    assertEquals("firmsim-macro-scenarios", m.get("format").asText());
    assertEquals(1, m.get("formatVersion").asInt());
    assertEquals(7, m.get("seed").asLong());
    assertEquals("demo", m.get("forecaster").get("model").asText());
    assertEquals("abc123", m.get("forecaster").get("metadataSha256").asText());
    assertEquals(3, m.get("forecaster").get("horizon").asInt());
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(h)));
    assertEquals(sha, m.get("history").get("sha256").asText());
    assertTrue(m.get("method").get("recursive").asBoolean());
    assertEquals(15, m.get("method").get("origins").asInt());
    // Hand check of every path: naive point = last values (growth 4 in 2000: i = 19, 19 % 3 = 1
    // -> 2; rate 3 + 19 % 2 = 4); the origin with last year Y adds actual(Y + h) - actual(Y).
    int[] g = {1, 2, 4};
    for (int k = 0; k < 12; k++) {
      JsonNode f = m.get("files").get(k);
      assertEquals(String.format("p%02d.csv", k + 1), f.get("file").asText());
      int last = f.get("originYear").asInt() - 1981; // index of the origin's last year
      MacroPath p = set.entries().get(k).path();
      double level = 1000;
      for (int y = 0; y < 4; y++) {
        double growth = 2 + g[(last + 1 + y) % 3] - g[last % 3];
        double rate = 4 + (3 + (last + 1 + y) % 2) - (3 + last % 2);
        assertEquals(level * growth / 100, p.dgnp(2001 + y), 1e-9, "path " + k + " year " + y);
        assertEquals(rate / 100, p.realr(2001 + y), 1e-15);
        level += level * growth / 100;
      }
    }
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherPaths() throws Exception {
    Path h = history();
    assertEquals(0, run(loader, macro(h, tmp.resolve("a"), "--seed", "3")).code());
    assertEquals(0, run(loader, macro(h, tmp.resolve("b"), "--seed", "3")).code());
    assertEquals(0, run(loader, macro(h, tmp.resolve("c"), "--seed", "4")).code());
    boolean differs = false;
    for (int k = 1; k <= 12; k++) {
      String n = String.format("p%02d.csv", k);
      byte[] a = Files.readAllBytes(tmp.resolve("a").resolve(n));
      assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b").resolve(n)), n);
      differs |= !Arrays.equals(a, Files.readAllBytes(tmp.resolve("c").resolve(n)));
    }
    assertArrayEquals(
        Files.readAllBytes(tmp.resolve("a/scenarios.json")),
        Files.readAllBytes(tmp.resolve("b/scenarios.json")));
    assertTrue(differs, "seeds 3 and 4 gave the same 12 paths");
    // the default base is 2e12 SEK and the default start the year after the history
    JsonNode m = new ObjectMapper().readTree(tmp.resolve("a/scenarios.json").toFile());
    assertEquals(ScenarioMacroCommand.DEFAULT_GNP_BASE, m.get("mapping").get("gnpBase").asDouble());
    assertEquals(2001, m.get("startYear").asInt());
    assertEquals(
        2001, Integer.parseInt(Files.readAllLines(tmp.resolve("a/p01.csv")).get(1).split(",")[0]));
  }

  @Test
  void manyPathsArePaddedToSortAndStartYearIsHonoured() throws Exception {
    Path out = tmp.resolve("many");
    Outcome o =
        run(
            loader,
            "scenario",
            "macro",
            "--model",
            "demo",
            "--history",
            history().toString(),
            "--years",
            "2",
            "--paths",
            "100",
            "--out",
            out.toString(),
            "--start-year",
            "1");
    assertEquals(0, o.code(), o.err());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(100, files.filter(p -> p.toString().endsWith(".csv")).count());
    }
    assertTrue(Files.exists(out.resolve("p001.csv")) && Files.exists(out.resolve("p100.csv")));
    assertEquals(100, MacroPathSet.read(out, 1, 2).size());
    assertEquals("p100", MacroPathSet.read(out, 1, 2).entries().get(99).name());
  }

  @Test
  void historyCommandWritesWhatFromQuarterlyReads() throws Exception {
    Path q = Path.of(getClass().getResource("/forecast/macro/us-quarterly-1959-1963.csv").toURI());
    Path out = tmp.resolve("annual.csv");
    Outcome o =
        run(loader, "scenario", "history", "--quarterly", q.toString(), "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("3 years (1961..1963)"), o.out());
    AnnualMacroHistory back = AnnualMacroHistory.read(out);
    AnnualMacroHistory direct = AnnualMacroHistory.fromQuarterly(q);
    assertArrayEquals(direct.growthPct(), back.growthPct(), 0.0);
    assertArrayEquals(direct.realrPct(), back.realrPct(), 0.0);
    Outcome again =
        run(loader, "scenario", "history", "--quarterly", q.toString(), "--out", out.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("exists"), again.err());
    assertEquals(
        0,
        run(
                loader,
                "scenario",
                "history",
                "--quarterly",
                q.toString(),
                "--out",
                out.toString(),
                "--overwrite")
            .code());
    // --series-out: the same values as two series the forecaster training reads
    Path series = tmp.resolve("series.csv");
    Outcome withSeries =
        run(
            loader,
            "scenario",
            "history",
            "--quarterly",
            q.toString(),
            "--out",
            out.toString(),
            "--series-out",
            series.toString(),
            "--overwrite");
    assertEquals(0, withSeries.code(), withSeries.err());
    List<io.firmsim.trainer.forecast.series.NamedSeries> read =
        io.firmsim.trainer.forecast.series.SeriesFiles.read(series);
    assertEquals(2, read.size());
    assertEquals("gdp_growth_pct", read.get(0).id());
    assertArrayEquals(direct.growthPct(), read.get(0).values(), 0.0);
    assertEquals("realr_pct", read.get(1).id());
    assertArrayEquals(direct.realrPct(), read.get(1).values(), 0.0);
  }

  @Test
  void badInputExitsTwoNamingFileRowAndColumn() throws Exception {
    Path h = history();
    // --out exists and is not empty
    Path busy = tmp.resolve("busy");
    Files.createDirectories(busy);
    Files.writeString(busy.resolve("x.txt"), "mine");
    Outcome o = run(loader, macro(h, busy));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("exists and is not empty"), o.err());
    assertTrue(loaded.isEmpty(), "the model was loaded before the output was checked");
    // a bad history row
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, AnnualMacroHistory.HEADER + "\n1990,1,2\n1991,1,two\n");
    o = run(loader, macro(bad, tmp.resolve("o1")));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("bad.csv, row 3, column 'realr_pct'"), o.err());
    // too short for the origins: 20 years, lookback 2, N = 16 -> 3 origins
    o = run(loader, macro(h, tmp.resolve("o2"), 16));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("history.csv") && o.err().contains("offers 3"), o.err());
    assertEquals(1, naive.closed, "the forecaster was not closed after a refusal");
    // the launcher's loader: no forecaster "demo" in an empty models folder
    Path empty = Files.createDirectories(tmp.resolve("models"));
    o =
        run(
            io.firmsim.trainer.forecast.artifact.ArtifactForecasterLoader.INSTANCE,
            macro(h, tmp.resolve("o3"), "--models-dir", empty.toString()));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("demo"), o.err());
    assertFalse(Files.exists(tmp.resolve("o3")));
    o = run(loader, macro(h, tmp.resolve("o4"), 0));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--years"), o.err());
    o = run(loader, macro(h, tmp.resolve("o5"), "--gnp-base", "-1"));
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--gnp-base"), o.err());
    o = run(loader, "scenario");
    assertEquals(2, o.code());
    for (String d : List.of("o1", "o2", "o3", "o4", "o5")) {
      assertFalse(Files.exists(tmp.resolve(d)), d + " was written");
    }
  }

  @Test
  void aForecasterThatReturnsNaNExitsThree() throws Exception {
    Forecaster broken =
        new Forecaster() {
          @Override
          public int lookback() {
            return 1;
          }

          @Override
          public int horizon() {
            return 1;
          }

          @Override
          public double[][] forecast(List<double[]> histories) {
            double[][] out = new double[histories.size()][1];
            out[0][0] = Double.NaN;
            return out;
          }
        };
    Path out = tmp.resolve("nan");
    Outcome o = run((n, d) -> broken, macro(history(), out));
    assertEquals(3, o.code(), o.err());
    assertTrue(o.err().contains("NaN"), o.err());
    assertFalse(Files.exists(out));
  }
}
