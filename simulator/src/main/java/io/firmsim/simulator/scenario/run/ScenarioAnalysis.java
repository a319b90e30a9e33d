package io.firmsim.simulator.scenario.run;

import io.firmsim.simulator.bands.Quantiles;
import io.firmsim.simulator.report.ReportData;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Statistics of a {@link ScenarioResult} across replicates: per-year bands of the weighted
 * aggregates, paired differences against the baseline, and recovery statistics with confidence
 * intervals.
 *
 * <p>Bands: the replicates' mean and their 5%, 50% and 95% quantiles (type 7). Paired differences:
 * the same over the replicates' {@code scenario - baseline} (both with the replicate's draws).
 * Confidence intervals of a replicate mean: {@code mean +- t(0.975, R - 1) sd / sqrt(R)}, Student's
 * t with R - 1 degrees of freedom; undefined (NaN) with one replicate.
 *
 * <p>Recovery shares: for horizon k, among the hit firms observed at least k years after their last
 * shocked year, the weighted share whose recovery time is at most k. Median recovery time: the
 * smallest m such that the firms recovered within m years weigh at least half of all hit firms
 * (firms whose window is not fully observed count as not recovered, so this is an upper estimate);
 * NaN when fewer than half recover within the run.
 */
public final class ScenarioAnalysis {
  /** The firm ratios of the last year kept for the report's distributions. */
  public static final List<String> RATIOS =
      List.of("equity ratio", "current ratio", "return on equity");

  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();

  private final ScenarioResult result;
  private final List<SlotLayout> layouts;
  private final int years;
  private final int reps;

  public ScenarioAnalysis(ScenarioResult result) {
    this.result = result;
    this.layouts = result.layouts();
    this.years = result.plan().years();
    this.reps = result.plan().replicates();
  }

  /** Equity / total assets, CA / CL and NBI / equity of firm {@code i}; NaN where undefined. */
  static double[] ratios(double[] states, double[] flows, int i) {
    double equity = Measure.equity(states, i);
    double assets = Measure.totalAssets(states, i);
    double ca = states[i * V + StateVariable.CA.index()];
    double cl = states[i * V + StateVariable.CL.index()];
    double nbi = flows[i * F + FlowVariable.NBI.index()];
    return new double[] {
      assets > 0 ? equity / assets : Double.NaN,
      cl > 0 ? ca / cl : Double.NaN,
      equity > 0 ? nbi / equity : Double.NaN
    };
  }

  /** The aggregate columns of the bands: the weighted sums, then {@code distress_share}. */
  public static List<String> columns() {
    List<String> c = new ArrayList<>(SlotLayout.AGGREGATES);
    c.add("distress_share");
    return c;
  }

  /** Per replicate, one variant's column value in year index k (the weighted sum or share). */
  public double[] replicateValues(int variant, int k, int column) {
    double[] x = new double[reps];
    SlotLayout l = layouts.get(variant);
    for (int r = 0; r < reps; r++) {
      double[] t = result.totals()[r][variant];
      x[r] =
          column < SlotLayout.AGG
              ? t[l.aggregate(k, column)]
              : t[l.aggregate(k, 3)] / t[l.aggregate(k, 0)];
    }
    return x;
  }

  /** {@code scenario - baseline} per replicate. */
  public double[] replicateDifferences(int variant, int k, int column) {
    double[] a = replicateValues(variant, k, column);
    double[] b = replicateValues(0, k, column);
    for (int r = 0; r < reps; r++) {
      a[r] -= b[r];
    }
    return a;
  }

  /** Mean, 5%, 50% and 95% of values over replicates. */
  public static double[] band(double[] x) {
    return new double[] {
      Quantiles.mean(x), Quantiles.type7(x, 0.05), Quantiles.type7(x, 0.5), Quantiles.type7(x, 0.95)
    };
  }

  /** The mean of {@code x} with its t confidence interval; NaN anywhere gives NaN. */
  public static ReportData.Estimate estimate(double[] x) {
    int r = x.length;
    double mean = 0;
    for (double v : x) {
      if (Double.isNaN(v)) {
        return new ReportData.Estimate(Double.NaN, Double.NaN, Double.NaN);
      }
      mean += v;
    }
    mean /= r;
    if (r < 2) {
      return new ReportData.Estimate(mean, Double.NaN, Double.NaN);
    }
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (r - 1));
    double half =
        new TDistribution(null, r - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(r);
    return new ReportData.Estimate(mean, mean - half, mean + half);
  }

  /** The recovery groups of a variant: {@code all}, then the shock kinds it uses. */
  public List<String> groups(int variant) {
    return layouts.get(variant).groups;
  }

  /** Per replicate, the weighted share of a group's hit firms recovered within k years. */
  public double[] within(int variant, int group, Measure m, int k) {
    SlotLayout l = layouts.get(variant);
    double[] x = new double[reps];
    for (int r = 0; r < reps; r++) {
      double[] t = result.totals()[r][variant];
      double num = 0;
      double den = 0;
      for (int c = k; c < years; c++) {
        for (int tau = 0; tau <= years; tau++) {
          double w = t[l.histogram(group, m, tau, c)];
          den += w;
          if (tau <= k) {
            num += w;
          }
        }
      }
      x[r] = den > 0 ? num / den : Double.NaN;
    }
    return x;
  }

  /** Per replicate, the median recovery time (see the class comment), NaN when not reached. */
  public double[] medianYears(int variant, int group, Measure m) {
    SlotLayout l = layouts.get(variant);
    double[] x = new double[reps];
    for (int r = 0; r < reps; r++) {
      double[] t = result.totals()[r][variant];
      double hit = t[l.hit(group)];
      double cum = 0;
      x[r] = Double.NaN;
      for (int tau = 0; tau < years; tau++) {
        for (int c = 0; c < years; c++) {
          cum += t[l.histogram(group, m, tau, c)];
        }
        if (hit > 0 && cum >= 0.5 * hit) {
          x[r] = tau;
          break;
        }
      }
    }
    return x;
  }

  /** Per replicate: the weighted hit firms, or the distressed share of them (scenario/baseline). */
  public double[] hitStatistic(int variant, int group, String which) {
    SlotLayout l = layouts.get(variant);
    double[] x = new double[reps];
    for (int r = 0; r < reps; r++) {
      double[] t = result.totals()[r][variant];
      double hit = t[l.hit(group)];
      x[r] =
          switch (which) {
            case "hit" -> hit;
            case "distress" -> hit > 0 ? t[l.distressed(group)] / hit : Double.NaN;
            case "baselineDistress" -> hit > 0 ? t[l.baselineDistressed(group)] / hit : Double.NaN;
            default -> throw new IllegalArgumentException(which);
          };
    }
    return x;
  }

  /** The data of the run's report. */
  public ReportData report(String title, Map<String, String> facts) {
    ScenarioPlan plan = result.plan();
    List<Variant> variants = plan.variants();
    List<String> names = variants.stream().map(Variant::name).toList();
    List<Integer> yearList = new ArrayList<>();
    for (int k = 0; k < years; k++) {
      yearList.add(plan.startYear() + k);
    }
    List<String> columns = columns();
    String[][] fanColumns = {
      {"total_assets", "total assets", "SEK"},
      {"equity", "equity", "SEK"},
      {"OIBD", "OIBD", "SEK"},
      {"distress_share", "distress share", "share"}
    };
    List<ReportData.Fan> fans = new ArrayList<>();
    for (String[] fc : fanColumns) {
      int column = columns.indexOf(fc[0]);
      for (int v = 0; v < variants.size(); v++) {
        double[][] b = new double[4][years];
        for (int k = 0; k < years; k++) {
          double[] x = band(replicateValues(v, k, column));
          for (int q = 0; q < 4; q++) {
            b[q][k] = x[q];
          }
        }
        fans.add(new ReportData.Fan(fc[1], fc[2], names.get(v), b[0], b[1], b[2], b[3]));
      }
    }
    List<ReportData.RecoveryCurve> curves = new ArrayList<>();
    List<ReportData.RecoveryRow> rows = new ArrayList<>();
    List<Integer> horizons = plan.recovery().horizons();
    for (int v = 1; v < variants.size(); v++) {
      List<String> groups = groups(v);
      // Kinds first, then "all", as the table reads.
      List<Integer> order = new ArrayList<>();
      for (int g = 1; g < groups.size(); g++) {
        order.add(g);
      }
      if (!groups.isEmpty()) {
        order.add(0);
      }
      for (int g : order) {
        Map<String, ReportData.MeasureRecovery> byMeasure = new LinkedHashMap<>();
        for (Measure m : Measure.values()) {
          int[] ks = new int[years];
          double[] share = new double[years];
          double[] low = new double[years];
          double[] high = new double[years];
          for (int k = 0; k < years; k++) {
            ReportData.Estimate e = estimate(within(v, g, m, k));
            ks[k] = k;
            share[k] = e.mean();
            low[k] = e.low();
            high[k] = e.high();
          }
          curves.add(
              new ReportData.RecoveryCurve(
                  names.get(v), groups.get(g), m.label(), ks, share, low, high));
          TreeMap<Integer, ReportData.Estimate> within = new TreeMap<>();
          for (int h : horizons) {
            within.put(
                h,
                h < years
                    ? estimate(within(v, g, m, h))
                    : new ReportData.Estimate(Double.NaN, Double.NaN, Double.NaN));
          }
          byMeasure.put(
              m.label(), new ReportData.MeasureRecovery(within, estimate(medianYears(v, g, m))));
        }
        rows.add(
            new ReportData.RecoveryRow(
                names.get(v),
                groups.get(g),
                Quantiles.mean(hitStatistic(v, g, "hit")),
                byMeasure,
                estimate(hitStatistic(v, g, "distress"))));
      }
    }
    List<ReportData.RatioDistribution> dists = new ArrayList<>();
    for (int q = 0; q < RATIOS.size(); q++) {
      for (int v = 0; v < variants.size(); v++) {
        double[] x = result.ratios()[v][q];
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
          if (Double.isFinite(x[i])) {
            kept.add(new double[] {x[i], result.weights()[i]});
          }
        }
        double[] values = new double[kept.size()];
        double[] w = new double[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
          values[i] = kept.get(i)[0];
          w[i] = kept.get(i)[1];
        }
        dists.add(
            new ReportData.RatioDistribution(
                RATIOS.get(q), names.get(v), plan.endYear(), values, w));
      }
    }
    return new ReportData(title, facts, names, yearList, fans, curves, dists, rows);
  }
}
