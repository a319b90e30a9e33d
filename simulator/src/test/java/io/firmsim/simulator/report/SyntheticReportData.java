package io.firmsim.simulator.report;

import io.firmsim.simulator.report.ReportData.Estimate;
import io.firmsim.simulator.report.ReportData.Fan;
import io.firmsim.simulator.report.ReportData.MeasureRecovery;
import io.firmsim.simulator.report.ReportData.RatioDistribution;
import io.firmsim.simulator.report.ReportData.RecoveryCurve;
import io.firmsim.simulator.report.ReportData.RecoveryRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Made-up but plausible report data for looking at the report: 3 variants (baseline, a demand
 * crash, a credit crunch with a rate spike), 10 years, 2 shock kinds, 20 replicates, 2,000 firms
 * per ratio distribution. Seeded, so every call gives the same data. {@code main(DIR)} writes the
 * report to DIR (for {@code tools/render-report.sh}).
 */
final class SyntheticReportData {

  static final List<String> VARIANTS = List.of("baseline", "demand crash", "credit crunch + rates");
  static final int REPLICATES = 20;

  private SyntheticReportData() {}

  public static void main(String[] args) throws Exception {
    ScenarioReportWriter.write(create(), Path.of(args[0]));
  }

  static ReportData create() {
    Random random = new Random(20040101L);
    List<Integer> years = new ArrayList<>();
    for (int y = 2000; y < 2010; y++) {
      years.add(y);
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("scenario file", "examples/stress.yaml");
    facts.put("seed", "20040101");
    facts.put("firms", "100,000 (weighted 412,530)");
    facts.put("replicates", Integer.toString(REPLICATES));
    facts.put("years", "2000\u20132009");
    facts.put("backend", "djl (PyTorch 2.7.1, CPU)");
    facts.put("wall time", "41.7 s");

    List<Fan> fans = new ArrayList<>();
    // aggregate, unit, level in 2000, yearly growth
    Object[][] aggregates = {
      {"equity", "SEK", 520e9, 0.035},
      {"total assets", "SEK", 1430e9, 0.03},
      {"OIBD", "SEK", 118e9, 0.025},
      {"distress share", "share", 0.04, 0.0},
    };
    double[][] hit = {{0, 0, 0}, {-0.12, -0.05, 0.03}, {-0.07, -0.09, 0.05}};
    for (Object[] a : aggregates) {
      for (int v = 0; v < VARIANTS.size(); v++) {
        double[][] paths = new double[REPLICATES][years.size()];
        for (int r = 0; r < REPLICATES; r++) {
          double level = (double) a[2];
          double noise = 0;
          for (int t = 0; t < years.size(); t++) {
            noise = 0.7 * noise + random.nextGaussian() * 0.012;
            double shock = 0;
            if (t >= 2) {
              double depth = a[0].equals("distress share") ? hit[v][2] : hit[v][0];
              shock = depth * Math.exp(-0.35 * (t - 2));
            }
            if (a[0].equals("distress share")) {
              paths[r][t] = Math.max(0, level + shock + noise * 0.5);
            } else {
              paths[r][t] = level * Math.pow(1 + (double) a[3], t) * (1 + shock + noise);
            }
          }
        }
        fans.add(fan((String) a[0], (String) a[1], VARIANTS.get(v), paths));
      }
    }

    List<RecoveryCurve> curves = new ArrayList<>();
    List<RecoveryRow> rows = new ArrayList<>();
    String[][] shocksByVariant = {{}, {"demand"}, {"credit crunch", "demand"}};
    String[] measures = {"equity", "totalAssets", "OIBD"};
    double[] rates = {0.45, 0.6, 0.9};
    for (int v = 1; v < VARIANTS.size(); v++) {
      List<String> shocks = new ArrayList<>(Arrays.asList(shocksByVariant[v]));
      shocks.add("all");
      for (String shock : shocks) {
        double speed = shock.equals("credit crunch") ? 0.6 : shock.equals("all") ? 0.8 : 1.0;
        double plateau = v == 2 ? 0.88 : 0.95;
        Map<String, MeasureRecovery> byMeasure = new LinkedHashMap<>();
        for (int m = 0; m < measures.length; m++) {
          int[] after = {0, 1, 2, 3, 4, 5, 6};
          double[] share = new double[after.length];
          double[] low = new double[after.length];
          double[] high = new double[after.length];
          for (int k = 0; k < after.length; k++) {
            share[k] = plateau * (1 - Math.exp(-rates[m] * speed * (after[k] + 0.3)));
            double half = 1.96 * Math.sqrt(share[k] * (1 - share[k]) / 60);
            low[k] = Math.max(0, share[k] - half);
            high[k] = Math.min(1, share[k] + half);
          }
          curves.add(
              new RecoveryCurve(VARIANTS.get(v), shock, measures[m], after, share, low, high));
          TreeMap<Integer, Estimate> within = new TreeMap<>();
          for (int k : new int[] {1, 3, 5}) {
            within.put(k, new Estimate(share[k], low[k], high[k]));
          }
          double median = Math.log(1 / (1 - 0.5 / plateau)) / (rates[m] * speed) - 0.3;
          byMeasure.put(
              measures[m],
              new MeasureRecovery(within, new Estimate(median, median * 0.85, median * 1.2)));
        }
        double distress = 0.03 + 0.04 * v * speed;
        double hitFirms = shock.equals("all") ? 61_250.4 * v : 41_180.2 + 9_000 * v;
        rows.add(
            new RecoveryRow(
                VARIANTS.get(v),
                shock,
                hitFirms,
                byMeasure,
                new Estimate(distress, distress - 0.006, distress + 0.007)));
      }
    }

    List<RatioDistribution> ratios = new ArrayList<>();
    int firms = 2000;
    double[] weights = new double[firms];
    for (int i = 0; i < firms; i++) {
      weights[i] = Math.exp(random.nextGaussian() * 0.6) * 200;
    }
    for (int v = 0; v < VARIANTS.size(); v++) {
      double[] er = new double[firms];
      double[] cr = new double[firms];
      double[] roe = new double[firms];
      for (int i = 0; i < firms; i++) {
        er[i] = Math.min(0.98, Math.max(-0.3, 0.34 - 0.04 * v + random.nextGaussian() * 0.15));
        cr[i] = Math.exp(0.25 - 0.08 * v + random.nextGaussian() * 0.5);
        roe[i] = 0.11 - 0.03 * v + random.nextGaussian() * 0.18 + (i % 97 == 0 ? 25 : 0);
      }
      cr[7] = Double.POSITIVE_INFINITY; // a zero denominator: left out
      ratios.add(new RatioDistribution("equity ratio", VARIANTS.get(v), 2009, er, weights));
      ratios.add(new RatioDistribution("current ratio", VARIANTS.get(v), 2009, cr, weights));
      ratios.add(new RatioDistribution("ROE", VARIANTS.get(v), 2009, roe, weights));
    }
    return new ReportData(
        "stress.yaml: demand crash and credit crunch",
        facts,
        VARIANTS,
        years,
        fans,
        curves,
        ratios,
        rows);
  }

  private static Fan fan(String aggregate, String unit, String variant, double[][] paths) {
    int n = paths[0].length;
    double[] mean = new double[n];
    double[] p05 = new double[n];
    double[] p50 = new double[n];
    double[] p95 = new double[n];
    for (int t = 0; t < n; t++) {
      double[] column = new double[paths.length];
      for (int r = 0; r < paths.length; r++) {
        column[r] = paths[r][t];
        mean[t] += column[r] / paths.length;
      }
      Arrays.sort(column);
      p05[t] = type7(column, 0.05);
      p50[t] = type7(column, 0.5);
      p95[t] = type7(column, 0.95);
    }
    return new Fan(aggregate, unit, variant, mean, p05, p50, p95);
  }

  private static double type7(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
