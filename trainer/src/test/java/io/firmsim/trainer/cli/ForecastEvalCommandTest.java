package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code firmsim forecast-eval} on the M3 subset of {@code src/test/resources/forecast/m3-subset}:
 * its figures for the NAIVE2 and THETA submissions and for its own Naive2 equal those of the
 * independent Python implementation ({@code tools/forecast-eval/m3_check.py}, stored in {@code
 * expected.csv}); bad inputs exit 2 naming the file and the series.
 */
class ForecastEvalCommandTest {
  private static final String[] FREQUENCIES = {"Yearly", "Quarterly", "Monthly", "Other"};
  private static final int[] PERIODS = {1, 4, 12, 1};

  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    return new Outcome(code, out.toString(), err.toString());
  }

  private static Path dir() throws Exception {
    return Path.of(ForecastEvalCommandTest.class.getResource("/forecast/m3-subset").toURI());
  }

  private static List<String> groups() throws Exception {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < FREQUENCIES.length; i++) {
      a.addAll(
          List.of(
              "--actuals",
              dir().resolve("M3-" + FREQUENCIES[i] + "-test.csv").toString(),
              "--train",
              dir().resolve("M3-" + FREQUENCIES[i] + "-train.csv").toString(),
              "--seasonality",
              Integer.toString(PERIODS[i])));
    }
    return a;
  }

  /** method,group -> values of a report CSV. */
  private static Map<String, Map<String, String>> table(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",");
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      Map<String, String> row = new HashMap<>();
      for (int j = 0; j < header.length; j++) {
        row.put(header[j], cells[j]);
      }
      out.put(cells[0] + "," + cells[1], row);
    }
    return out;
  }

  @Test
  void subsetFiguresEqualTheIndependentPythonComputation() throws Exception {
    Path report = tmp.resolve("report.csv");
    List<String> args = new ArrayList<>(List.of("forecast-eval"));
    args.addAll(
        List.of(
            "--forecasts",
            dir().resolve("M3-NAIVE2.csv").toString(),
            "--forecasts",
            dir().resolve("M3-THETA.csv").toString(),
            "--naive2-baseline",
            "--out",
            report.toString()));
    args.addAll(groups());
    Outcome o = run(args);
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().startsWith("method"), o.out());
    Map<String, Map<String, String>> ours = table(report);
    Map<String, Map<String, String>> expected = table(dir().resolve("expected.csv"));
    Map<String, String> method =
        Map.of("Naive2", "ours", "M3-NAIVE2", "NAIVE2", "M3-THETA", "THETA");
    assertEquals(15, ours.size());
    for (Map.Entry<String, Map<String, String>> e : ours.entrySet()) {
      Map<String, String> row = e.getValue();
      String group = row.get("group").equals("all") ? "Average" : row.get("group").split("-")[1];
      Map<String, String> want = expected.get(method.get(row.get("method")) + "," + group);
      assertEquals(want.get("series"), row.get("series"), e.getKey());
      assertEquals(want.get("points"), row.get("points"), e.getKey());
      for (String metric : List.of("smape_m4", "smape_m3", "mase")) {
        double w = Double.parseDouble(want.get(metric));
        assertEquals(w, Double.parseDouble(row.get(metric)), 1e-10 * w, e.getKey() + " " + metric);
      }
      // OWA against the Python Naive2 ("ours") of the same group
      Map<String, String> n2 = expected.get("ours," + group);
      double owa =
          (Double.parseDouble(want.get("smape_m4")) / Double.parseDouble(n2.get("smape_m4"))
                  + Double.parseDouble(want.get("mase")) / Double.parseDouble(n2.get("mase")))
              / 2;
      assertEquals(owa, Double.parseDouble(row.get("owa")), 1e-10, e.getKey() + " owa");
    }
    // the negative actual of N2786 and THETA's negative forecasts separate the two sMAPE forms
    Map<String, String> theta = ours.get("M3-THETA,M3-Monthly-test");
    assertFalse(theta.get("smape_m4").equals(theta.get("smape_m3")));
  }

  @Test
  void aMissingForecastIsRefusedNamingTheFileAndTheSeries() throws Exception {
    Path f = tmp.resolve("short.csv");
    List<String> lines = Files.readAllLines(dir().resolve("M3-NAIVE2.csv"));
    lines.remove(3); // N0003
    Files.write(f, lines);
    List<String> args = new ArrayList<>(List.of("forecast-eval", "--forecasts", f.toString()));
    args.addAll(groups());
    Outcome o = run(args);
    assertEquals(2, o.code());
    assertTrue(o.err().contains(f + ": no forecast for series 'N0003'"), o.err());
  }

  @Test
  void aForecastOfTheWrongLengthIsRefused() throws Exception {
    Path f = tmp.resolve("long.csv");
    Files.writeString(f, "id,V1,V2,V3,V4,V5,V6,V7\nN0001,1,1,1,1,1,1,1\n");
    Outcome o =
        run(
            List.of(
                "forecast-eval",
                "--forecasts",
                f.toString(),
                "--actuals",
                dir().resolve("M3-Yearly-test.csv").toString(),
                "--train",
                dir().resolve("M3-Yearly-train.csv").toString(),
                "--seasonality",
                "1"));
    assertEquals(2, o.code());
    assertTrue(o.err().contains(f + ": series 'N0001' has 7 forecasts where"), o.err());
  }

  @Test
  void badArgumentsAndBadFilesExitTwo() throws Exception {
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "id,V1,V2\nN0001,1,,2\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "forecast-eval",
                "--forecasts",
                bad.toString(),
                "--actuals",
                dir().resolve("M3-Yearly-test.csv").toString(),
                "--train",
                dir().resolve("M3-Yearly-train.csv").toString(),
                "--seasonality",
                "1"));
    Outcome o = run(args);
    assertEquals(2, o.code());
    assertTrue(o.err().contains(bad + ", row 2"), o.err());
    List<String> twoPeriods = new ArrayList<>(args);
    twoPeriods.addAll(List.of("--seasonality", "4"));
    o = run(twoPeriods);
    assertEquals(2, o.code());
    assertTrue(o.err().contains("one --seasonality per --actuals"), o.err());
    List<String> nothing = new ArrayList<>(args);
    nothing.subList(1, 3).clear(); // no --forecasts
    o = run(nothing);
    assertEquals(2, o.code());
    assertTrue(o.err().contains("nothing to score"), o.err());
    nothing.add("--naive2-baseline");
    o = run(nothing);
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Naive2  M3-Yearly-test"), o.out());
  }
}
