package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.simulator.bands.Quantiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code firmsim scenario run} end to end on a small scenario file: every output is written and
 * committed whole; the bands equal the mean and type-7 quantiles recomputed here from {@code
 * replicates.csv}; the paired differences equal scenario minus baseline per replicate; a bad file
 * exits 2 naming the line and key path and writes nothing; an existing output is not replaced
 * without {@code --overwrite}.
 */
class ScenarioRunCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        io.firmsim.simulator.cli.Main.run(
            Main.commandLine(), new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  Path scenarioFile(String extra) throws Exception {
    Path f = tmp.resolve("small.yaml");
    Files.writeString(
        f,
        String.join(
            "\n",
            "population:",
            "  generated: {firms: 700, burnIn: 2}",
            "startYear: 2001",
            "years: 3",
            "replicates: 3",
            "seed: 5",
            "run: {workers: 2}",
            "output: {firmDifferences: all}",
            "scenarios:",
            "  - name: crash",
            "    shocks:",
            "      - {kind: demand, start: 2002, duration: 1, who: {share: 0.5}, magnitude: 0.4}",
            "      - {kind: taxChange, target: taxRate, start: 2001, magnitude: 0.05}",
            extra,
            ""));
    return f;
  }

  static Map<String, double[]> csvByKey(Path file, int keyColumns, int valueColumns)
      throws Exception {
    Map<String, double[]> m = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      String key = String.join(",", java.util.Arrays.copyOf(c, keyColumns));
      double[] v = new double[valueColumns];
      for (int i = 0; i < valueColumns; i++) {
        v[i] = Double.parseDouble(c[keyColumns + i]);
      }
      m.put(key, v);
    }
    return m;
  }

  @Test
  void writesEveryOutputAndTheBandsFollowFromTheReplicates() throws Exception {
    Path out = tmp.resolve("out");
    Outcome o = run("scenario", "run", scenarioFile("").toString(), "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("firm-years"), o.out());
    for (String f :
        List.of(
            "aggregates-bands.csv",
            "aggregate-differences.csv",
            "replicates.csv",
            "recovery.csv",
            "firms/crash.csv",
            "run.json",
            "report.html",
            "report.md")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals("firmsim-scenario-run", run.get("format").asText());
    assertEquals(1, run.get("formatVersion").asInt());
    assertEquals(3, run.get("replicateSeeds").size());
    assertEquals(5, run.get("replicateSeeds").get(0).asLong());

    // Replicate values: variant,replicate,year,column -> value.
    Map<String, List<Double>> byCell = new HashMap<>();
    Map<String, Double> single = new HashMap<>();
    List<String> lines = Files.readAllLines(out.resolve("replicates.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      byCell
          .computeIfAbsent(c[0] + "," + c[2] + "," + c[3], k -> new ArrayList<>())
          .add(Double.parseDouble(c[4]));
      single.put(c[0] + "," + c[1] + "," + c[2] + "," + c[3], Double.parseDouble(c[4]));
    }
    Map<String, double[]> bands = csvByKey(out.resolve("aggregates-bands.csv"), 3, 4);
    assertEquals(byCell.size(), bands.size());
    for (var e : byCell.entrySet()) {
      double[] x = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      double[] b = bands.get(e.getKey());
      assertEquals(Quantiles.mean(x), b[0], 0.0, e.getKey());
      assertEquals(Quantiles.type7(x, 0.05), b[1], 0.0, e.getKey());
      assertEquals(Quantiles.type7(x, 0.5), b[2], 0.0, e.getKey());
      assertEquals(Quantiles.type7(x, 0.95), b[3], 0.0, e.getKey());
    }
    Map<String, double[]> diffs = csvByKey(out.resolve("aggregate-differences.csv"), 3, 4);
    for (String key : diffs.keySet()) {
      String[] k = key.split(",");
      double[] d = new double[3];
      for (int r = 0; r < 3; r++) {
        d[r] =
            single.get("crash," + r + "," + k[1] + "," + k[2])
                - single.get("baseline," + r + "," + k[1] + "," + k[2]);
      }
      assertEquals(Quantiles.mean(d), diffs.get(key)[0], 1e-9 * Math.max(1, Math.abs(d[0])), key);
    }
    // The tax rise makes a difference: taxes paid go up in every replicate.
    for (int r = 0; r < 3; r++) {
      assertTrue(
          single.get("crash," + r + ",2001,TAX") > single.get("baseline," + r + ",2001,TAX"),
          "replicate " + r);
    }
    // Per-firm differences: 700 firms x 3 years; the per-firm mean equity differences add up to
    // the aggregate difference (all weights are 1).
    List<String> firms = Files.readAllLines(out.resolve("firms/crash.csv"));
    assertEquals("firm_id,weight,hit,year,d_equity,d_totalAssets,d_OIBD", firms.get(0));
    assertEquals(1 + 700 * 3, firms.size());
    double sum = 0;
    for (String line : firms.subList(1, firms.size())) {
      String[] c = line.split(",");
      if (c[3].equals("2003")) {
        sum += Double.parseDouble(c[4]);
      }
    }
    double aggregate = diffs.get("crash,2003,equity")[0];
    assertEquals(aggregate, sum, 1e-6 * Math.max(1, Math.abs(aggregate)));
    // Recovery rows for both shock kinds and for all.
    String recovery = Files.readString(out.resolve("recovery.csv"));
    for (String g : List.of("crash,demand,", "crash,taxChange,", "crash,all,")) {
      assertTrue(recovery.contains(g + "equity,within_1,"), g);
    }
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("crash") && !html.contains("<script"));

    // Not replaced without --overwrite; replaced with it.
    Outcome again = run("scenario", "run", scenarioFile("").toString(), "--out", out.toString());
    assertEquals(2, again.code(), again.err());
  }

  @Test
  void badFileExitsTwoNamingLineAndPathAndWritesNothing() throws Exception {
    Path out = tmp.resolve("bad");
    Path f = scenarioFile("      - {kind: impairment, asset: XX, start: 2002, magnitude: 0.1}");
    Outcome o = run("scenario", "run", f.toString(), "--out", out.toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("line 14"), o.err());
    assertTrue(o.err().contains("scenarios[0].shocks[2].asset"), o.err());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(1, s.count(), "only the scenario file"); // no staging folder left behind
    }
  }
}
