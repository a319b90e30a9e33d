package io.firmsim.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationCsvReader;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code simulate} command end to end: outputs, the population round trip, bad input. */
class SimulateCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome simulate(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "simulate";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void writesAggregatesPanelAndSpeedLine() throws IOException {
    Path dir = tmp.resolve("run");
    Outcome o =
        simulate(
            "--firms",
            "600",
            "--years",
            "3",
            "--burn-in",
            "1",
            "--panel",
            "csv",
            "--out",
            dir.toString());
    assertEquals(0, o.code(), o.err());
    List<String> agg = Files.readAllLines(dir.resolve("aggregates.csv"));
    assertEquals(4, agg.size());
    assertTrue(agg.get(0).startsWith("year,firms,CA,MA,"));
    assertTrue(agg.get(0).endsWith(",max_balance_gap"));
    assertTrue(agg.get(1).startsWith("1,600,"));
    assertEquals(1 + 600 * 3, Files.readAllLines(dir.resolve("panel.csv")).size());
    String[] lines = o.out().strip().split("\n");
    assertTrue(
        lines[lines.length - 1].matches(
            "simulated 2400 firm-years in [0-9.]+ s \\([0-9]+ firm-years/s\\)"),
        lines[lines.length - 1]);
    // Aggregates are the panel summed: check one stock and one flow of year 2.
    double ca = 0;
    double oibd = 0;
    List<String> panel = Files.readAllLines(dir.resolve("panel.csv"));
    List<String> header = List.of(panel.get(0).split(","));
    for (String line : panel.subList(1, panel.size())) {
      String[] c = line.split(",");
      if (c[1].equals("2")) {
        ca += Double.parseDouble(c[header.indexOf("CA")]);
        oibd += Double.parseDouble(c[header.indexOf("OIBD")]);
      }
    }
    List<String> aggHeader = List.of(agg.get(0).split(","));
    String[] year2 = agg.get(2).split(",");
    assertEquals(ca, Double.parseDouble(year2[aggHeader.indexOf("CA")]), 1e-9 * Math.abs(ca));
    assertEquals(oibd, Double.parseDouble(year2[aggHeader.indexOf("OIBD")]), 1e-9 * Math.abs(oibd));
  }

  /**
   * {@code --backend onnx} writes the same outputs as the default backend: in mean mode the
   * aggregates agree to float64 rounding, and run.json names the backend, its threading and the
   * engine that ran the year.
   */
  @Test
  void onnxBackendWritesTheSameAggregatesAndRecordsItself() throws IOException {
    List<List<String>> rows = new ArrayList<>();
    for (String backend : new String[] {"djl", "onnx"}) {
      Path dir = tmp.resolve(backend);
      Outcome o =
          simulate(
              "--firms",
              "1500",
              "--years",
              "3",
              "--mode",
              "mean",
              "--backend",
              backend,
              "--workers",
              "2",
              "--chunk-size",
              "512",
              "--out",
              dir.toString());
      assertEquals(0, o.code(), o.err());
      rows.add(Files.readAllLines(dir.resolve("aggregates.csv")));
      String record = Files.readString(dir.resolve("run.json"));
      assertTrue(
          record
              .replaceAll("\\s", "")
              .contains("\"backend\":{\"name\":\"" + backend + "\",\"workers\":2"),
          record);
      String engine = backend.equals("onnx") ? "OnnxRuntime" : "PyTorch";
      assertTrue(
          record.replaceAll("\\s", "").contains("\"engine\":{\"name\":\"" + engine + "\""), record);
    }
    assertEquals(rows.get(0).size(), rows.get(1).size());
    assertEquals(rows.get(0).get(0), rows.get(1).get(0));
    for (int r = 1; r < rows.get(0).size(); r++) {
      String[] a = rows.get(0).get(r).split(",");
      String[] b = rows.get(1).get(r).split(",");
      for (int c = 0; c < a.length - 1; c++) { // the last column is the largest balance gap
        double x = Double.parseDouble(a[c]);
        double y = Double.parseDouble(b[c]);
        assertEquals(x, y, 1e-12 * Math.max(1, Math.abs(x)), "row " + r + " column " + c);
      }
    }
  }

  /**
   * A panel year read back as a population gives exactly the panel's values, and simulating on from
   * it (with the next start year, so the same draws) reproduces the rest of the original run line
   * for line.
   */
  @ParameterizedTest
  @ValueSource(strings = {"float64", "float32"})
  void populationRoundTripsThroughPanelAndContinuesTheSameRun(String dtype) throws IOException {
    Path full = tmp.resolve("full");
    Outcome a =
        simulate(
            "--firms",
            "700",
            "--years",
            "6",
            "--burn-in",
            "2",
            "--seed",
            "3",
            "--dtype",
            dtype,
            "--panel",
            "csv",
            "--out",
            full.toString());
    assertEquals(0, a.code(), a.err());
    Path panel = full.resolve("panel.csv");

    Population year3 = PopulationCsvReader.read(panel, 3);
    assertEquals(700, year3.size());
    Map<String, String[]> rows = rowsByFirmYear(panel);
    for (int i = 0; i < year3.size(); i++) {
      String[] row = rows.get(year3.firmId(i) + "/3");
      for (StateVariable v : StateVariable.all()) {
        assertEquals(Double.parseDouble(row[2 + v.index()]), year3.value(i, v), v.name());
      }
    }

    Path rest = tmp.resolve("rest");
    Outcome b =
        simulate(
            "--population",
            panel.toString(),
            "--population-year",
            "3",
            "--start-year",
            "4",
            "--years",
            "3",
            "--seed",
            "3",
            "--dtype",
            dtype,
            "--panel",
            "csv",
            "--out",
            rest.toString());
    assertEquals(0, b.code(), b.err());
    Map<String, String[]> continued = rowsByFirmYear(rest.resolve("panel.csv"));
    assertEquals(700 * 3, continued.size());
    for (Map.Entry<String, String[]> e : continued.entrySet()) {
      assertArrayEquals(rows.get(e.getKey()), e.getValue(), e.getKey());
    }
  }

  private static Map<String, String[]> rowsByFirmYear(Path panel) throws IOException {
    Map<String, String[]> m = new TreeMap<>();
    List<String> lines = Files.readAllLines(panel);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      m.put(c[0] + "/" + c[1], c);
    }
    return m;
  }

  // ------------------------------------------------------------------ bad input

  /** A valid population file of start-up firms. */
  private Path population(int firms) throws IOException {
    Population p = new StartupPopulation(1, firms, PaperModel.load().constants()).slice(0, firms);
    List<String> lines = new ArrayList<>();
    lines.add(
        "firm_id," + StateVariable.all().stream().map(Enum::name).collect(Collectors.joining(",")));
    for (int i = 0; i < p.size(); i++) {
      StringBuilder sb = new StringBuilder(Long.toString(p.firmId(i)));
      for (StateVariable v : StateVariable.all()) {
        sb.append(',').append(p.value(i, v));
      }
      lines.add(sb.toString());
    }
    Path f = tmp.resolve("population.csv");
    Files.write(f, lines);
    return f;
  }

  /** Replaces the value of a column in data line {@code line} (file line number, header = 1). */
  private static void setCell(Path file, int line, String column, String value) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    int col = List.of(lines.get(0).split(",")).indexOf(column);
    String[] cells = lines.get(line - 1).split(",", -1);
    cells[col] = value;
    lines.set(line - 1, String.join(",", cells));
    Files.write(file, lines);
  }

  private static void removeColumn(Path file, String column) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    int col = List.of(lines.get(0).split(",")).indexOf(column);
    for (int i = 0; i < lines.size(); i++) {
      List<String> cells = new ArrayList<>(List.of(lines.get(i).split(",", -1)));
      cells.remove(col);
      lines.set(i, String.join(",", cells));
    }
    Files.write(file, lines);
  }

  private static void renameColumn(Path file, String from, String to) throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(0, lines.get(0).replace("," + from + ",", "," + to + ","));
    Files.write(file, lines);
  }

  interface Breaker {
    void apply(Path population) throws IOException;
  }

  static Stream<Arguments> badPopulations() {
    return Stream.of(
        Arguments.of(
            "missing column",
            (Breaker) f -> removeColumn(f, "OFA"),
            List.of("row 1", "'OFA'", "missing column")),
        Arguments.of(
            "unknown column",
            (Breaker) f -> renameColumn(f, "FAAB", "FAAB2"),
            List.of("row 1", "'FAAB2'", "unknown column")),
        Arguments.of(
            "non-numeric value",
            (Breaker) f -> setCell(f, 4, "MA", "12;5"),
            List.of("row 4", "'MA'", "not a number")),
        Arguments.of(
            "non-finite value",
            (Breaker) f -> setCell(f, 3, "CL", "NaN"),
            List.of("row 3", "'CL'", "non-finite")),
        Arguments.of(
            "negative stock",
            (Breaker) f -> setCell(f, 5, "BU", "-1000"),
            List.of("row 5", "'BU'", "negative")),
        Arguments.of(
            "balance identity",
            (Breaker) f -> setCell(f, 6, "URE", "1"),
            List.of("row 6", "balance identity")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPopulations")
  void badPopulationIsRejectedNamingFileRowAndColumnWithNothingWritten(
      String label, Breaker breaker, List<String> expected) throws IOException {
    Path file = population(10);
    breaker.apply(file);
    Path out = tmp.resolve("out");
    Outcome o = simulate("--population", file.toString(), "--years", "2", "--out", out.toString());
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains(file.toString()), o.err());
    for (String e : expected) {
      assertTrue(o.err().contains(e), "expected '" + e + "' in: " + o.err());
    }
    assertNothingWritten(out);
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of(List.of("--firms", "0"), "--firms must be at least 1"),
        Arguments.of(List.of("--firms", "10", "--mode", "median"), "--mode must be sample|mean"),
        Arguments.of(List.of("--firms", "10", "--dtype", "float16"), "--dtype must be"),
        Arguments.of(List.of("--firms", "10", "--years", "0"), "--years must be at least 1"),
        Arguments.of(List.of("--firms", "10", "--panel", "xlsx"), "--panel must be"),
        Arguments.of(List.of("--firms", "10", "--device", "tpu"), "--device must be"),
        Arguments.of(List.of("--firms", "10", "--backend", "tf"), "--backend must be djl|onnx"),
        Arguments.of(List.of("--firms", "10", "--workers", "0"), "--workers must be between 1"),
        Arguments.of(List.of("--firms", "10", "--threads", "0"), "--threads must be between 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  void impossibleArgumentsAreRejected(List<String> args, String expected) {
    Path out = tmp.resolve("out");
    List<String> all = new ArrayList<>(args);
    all.add("--out");
    all.add(out.toString());
    Outcome o = simulate(all.toArray(new String[0]));
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(expected), o.err());
    assertNothingWritten(out);
  }

  @Test
  void malformedMacroFileIsRejectedNamingRowAndColumn() throws IOException {
    Path macro = tmp.resolve("macro.csv");
    Files.write(macro, List.of("year,dgnp,realr", "1,0,0.02", "2,lots,0.02", "3,0,0.02"));
    Path out = tmp.resolve("out");
    Outcome o =
        simulate(
            "--firms", "10", "--years", "3", "--macro", macro.toString(), "--out", out.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(macro.toString()), o.err());
    assertTrue(o.err().contains("row 3") && o.err().contains("'dgnp'"), o.err());
    assertNothingWritten(out);
  }

  @Test
  void macroPathChangesTheResult() throws IOException {
    Path macro = tmp.resolve("macro.csv");
    Files.write(macro, List.of("year,dgnp,realr", "1,5e10,0.05", "2,5e10,0.05"));
    Outcome base =
        simulate(
            "--firms",
            "50",
            "--years",
            "2",
            "--mode",
            "mean",
            "--out",
            tmp.resolve("a").toString());
    Outcome shocked =
        simulate(
            "--firms",
            "50",
            "--years",
            "2",
            "--mode",
            "mean",
            "--macro",
            macro.toString(),
            "--out",
            tmp.resolve("b").toString());
    assertEquals(0, base.code(), base.err());
    assertEquals(0, shocked.code(), shocked.err());
    assertFalse(
        Files.readAllLines(tmp.resolve("a/aggregates.csv"))
            .equals(Files.readAllLines(tmp.resolve("b/aggregates.csv"))));
  }

  private void assertNothingWritten(Path out) {
    assertFalse(Files.exists(out), out + " was created");
    try (Stream<Path> s = Files.list(tmp)) {
      List<String> staging =
          s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
      assertTrue(staging.isEmpty(), "staging directories left: " + staging);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
