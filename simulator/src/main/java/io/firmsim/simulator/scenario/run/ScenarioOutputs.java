package io.firmsim.simulator.scenario.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.firmsim.simulator.report.ReportData;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.Variant;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a scenario run, written into a staging folder that the caller commits whole
 * (docs/SCENARIOS.md, "Outputs"):
 *
 * <ul>
 *   <li>{@code aggregates-bands.csv}: {@code variant,year,column,mean,p05,p50,p95} over replicates
 *       of each weighted aggregate ({@link ScenarioAnalysis#columns()});
 *   <li>{@code aggregate-differences.csv}: the same for each scenario's paired difference {@code
 *       scenario - baseline} (same replicate, same draws);
 *   <li>{@code replicates.csv}: {@code variant,replicate,year,column,value}, every replicate's
 *       aggregates (the bands can be recomputed from it);
 *   <li>{@code recovery.csv}: {@code variant,shock,measure,statistic,mean,low,high,replicates}:
 *       shares recovered within each horizon, median recovery years, hit firms, distress shares;
 *   <li>{@code firms/NAME.csv}: per scenario, {@code firm_id,weight,hit,year,d_equity,
 *       d_totalAssets,d_OIBD}, each firm's mean paired difference over the replicates (the last
 *       year, or every year with {@code firmDifferences: all});
 *   <li>{@code run.json}: format {@value #FORMAT} version {@value #FORMAT_VERSION}, the plan's
 *       settings, seeds, backend and timings.
 * </ul>
 *
 * <p>Numbers are written with Java's shortest round-trip form ({@link Double#toString}).
 */
public final class ScenarioOutputs implements FirmDifferencesSink, AutoCloseable {
  /** The {@code format} of run.json. */
  public static final String FORMAT = "firmsim-scenario-run";

  /** The {@code formatVersion} of run.json. */
  public static final int FORMAT_VERSION = 1;

  private final Path dir;
  private final ScenarioPlan plan;
  private final Map<Integer, BufferedWriter> firmFiles = new HashMap<>();

  /**
   * @param dir the staging folder
   * @param plan the plan being run
   */
  public ScenarioOutputs(Path dir, ScenarioPlan plan) {
    this.dir = dir;
    this.plan = plan;
  }

  @Override
  public void chunk(
      int variant,
      long[] firmIds,
      double[] weights,
      boolean[] hit,
      int[] years,
      double[][] differences) {
    if (plan.firmDifferences() == ScenarioPlan.FirmDifferences.NONE) {
      return;
    }
    try {
      BufferedWriter w = firmFiles.get(variant);
      if (w == null) {
        Files.createDirectories(dir.resolve("firms"));
        w =
            Files.newBufferedWriter(
                dir.resolve("firms").resolve(plan.variants().get(variant).name() + ".csv"),
                StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("firm_id,weight,hit,year");
        for (Measure m : Measure.values()) {
          h.append(",d_").append(m.label());
        }
        w.write(h.append('\n').toString());
        firmFiles.put(variant, w);
      }
      int measures = Measure.values().length;
      StringBuilder line = new StringBuilder(128);
      for (int i = 0; i < firmIds.length; i++) {
        for (int d = 0; d < years.length; d++) {
          line.setLength(0);
          line.append(firmIds[i])
              .append(',')
              .append(weights[i])
              .append(',')
              .append(hit[i] ? 1 : 0)
              .append(',')
              .append(years[d]);
          for (int m = 0; m < measures; m++) {
            line.append(',').append(differences[d][i * measures + m]);
          }
          w.write(line.append('\n').toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the firm differences in " + dir, e);
    }
  }

  /** Writes the tables and run.json from a finished run. */
  public void write(ScenarioResult result, Map<String, Object> runFacts) throws IOException {
    close();
    ScenarioAnalysis a = new ScenarioAnalysis(result);
    List<Variant> variants = plan.variants();
    List<String> columns = ScenarioAnalysis.columns();
    int years = plan.years();
    try (BufferedWriter bands = writer("aggregates-bands.csv");
        BufferedWriter diffs = writer("aggregate-differences.csv");
        BufferedWriter reps = writer("replicates.csv")) {
      bands.write("variant,year,column,mean,p05,p50,p95\n");
      diffs.write("variant,year,column,mean,p05,p50,p95\n");
      reps.write("variant,replicate,year,column,value\n");
      for (int v = 0; v < variants.size(); v++) {
        String name = variants.get(v).name();
        for (int k = 0; k < years; k++) {
          int year = plan.startYear() + k;
          for (int c = 0; c < columns.size(); c++) {
            double[] x = a.replicateValues(v, k, c);
            bands.write(row(name, year, columns.get(c), ScenarioAnalysis.band(x)));
            for (int r = 0; r < x.length; r++) {
              reps.write(name + "," + r + "," + year + "," + columns.get(c) + "," + x[r] + "\n");
            }
            if (v > 0) {
              diffs.write(
                  row(
                      name,
                      year,
                      columns.get(c),
                      ScenarioAnalysis.band(a.replicateDifferences(v, k, c))));
            }
          }
        }
      }
    }
    try (BufferedWriter rec = writer("recovery.csv")) {
      rec.write("variant,shock,measure,statistic,mean,low,high,replicates\n");
      int r = plan.replicates();
      for (int v = 1; v < variants.size(); v++) {
        String name = variants.get(v).name();
        List<String> groups = a.groups(v);
        for (int g = 0; g < groups.size(); g++) {
          String p = name + "," + groups.get(g) + ",";
          rec.write(
              p
                  + "all,hit_firms,"
                  + est(ScenarioAnalysis.estimate(a.hitStatistic(v, g, "hit")))
                  + ","
                  + r
                  + "\n");
          rec.write(
              p
                  + "all,distress_share,"
                  + est(ScenarioAnalysis.estimate(a.hitStatistic(v, g, "distress")))
                  + ","
                  + r
                  + "\n");
          rec.write(
              p
                  + "all,baseline_distress_share,"
                  + est(ScenarioAnalysis.estimate(a.hitStatistic(v, g, "baselineDistress")))
                  + ","
                  + r
                  + "\n");
          for (Measure m : Measure.values()) {
            for (int k = 0; k < years; k++) {
              rec.write(
                  p
                      + m.label()
                      + ",within_"
                      + k
                      + ","
                      + est(ScenarioAnalysis.estimate(a.within(v, g, m, k)))
                      + ","
                      + r
                      + "\n");
            }
            rec.write(
                p
                    + m.label()
                    + ",median_years,"
                    + est(ScenarioAnalysis.estimate(a.medianYears(v, g, m)))
                    + ","
                    + r
                    + "\n");
          }
        }
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", FORMAT);
    json.put("formatVersion", FORMAT_VERSION);
    json.putAll(runFacts);
    json.put("startYear", plan.startYear());
    json.put("years", years);
    json.put("replicates", plan.replicates());
    json.put("seed", plan.seed());
    List<Long> seeds = new ArrayList<>();
    for (int r = 0; r < plan.replicates(); r++) {
      seeds.add(ScenarioSeeds.replicate(plan.seed(), r));
    }
    json.put("replicateSeeds", seeds);
    json.put("variants", variants.stream().map(Variant::name).toList());
    json.put("firms", result.firms());
    json.put("backend", result.backend());
    json.put("precision", plan.run().precision().name().toLowerCase());
    json.put("mode", plan.run().mode().name().toLowerCase());
    json.put("workers", plan.run().workers());
    json.put("loopSeconds", result.loopSeconds());
    json.put("firmYears", result.firmYears());
    json.put("firmYearsPerSecond", result.firmYears() / Math.max(1e-9, result.loopSeconds()));
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("run.json").toFile(), json);
  }

  /** The report's data for this run. */
  public static ReportData reportData(
      ScenarioResult result, String title, Map<String, String> facts) {
    return new ScenarioAnalysis(result).report(title, facts);
  }

  private BufferedWriter writer(String name) throws IOException {
    return Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8);
  }

  private static String row(String variant, int year, String column, double[] b) {
    return variant + "," + year + "," + column + "," + b[0] + "," + b[1] + "," + b[2] + "," + b[3]
        + "\n";
  }

  private static String est(ReportData.Estimate e) {
    return e.mean() + "," + e.low() + "," + e.high();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (BufferedWriter w : firmFiles.values()) {
      try {
        w.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    firmFiles.clear();
    if (first != null) {
      throw first;
    }
  }
}
