package io.firmsim.simulator.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a scenario run's report shows, computed by the scenario runner: fan charts of key
 * aggregates per variant, recovery curves per shock kind, distributions of key ratios in the last
 * year and the recovery table. Pure data: {@code ScenarioReportWriter} turns it into {@code
 * report.html}, {@code report.md} and PNG charts.
 *
 * @param title the report's title (the scenario file's name)
 * @param facts run facts in display order (seed, firms, replicates, backend, times...)
 * @param variants the baseline's name, then the scenarios', in file order
 * @param years the reported calendar years, ascending
 * @param fans one per (aggregate, variant)
 * @param curves one per (variant, shock, measure)
 * @param ratios one per (ratio, variant), the last year's firm values
 * @param recoveryTable one row per (scenario, shock kind), then one per scenario for all its shocks
 */
public record ReportData(
    String title,
    Map<String, String> facts,
    List<String> variants,
    List<Integer> years,
    List<Fan> fans,
    List<RecoveryCurve> curves,
    List<RatioDistribution> ratios,
    List<RecoveryRow> recoveryTable) {

  public ReportData {
    facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    variants = List.copyOf(variants);
    years = List.copyOf(years);
    fans = List.copyOf(fans);
    curves = List.copyOf(curves);
    ratios = List.copyOf(ratios);
    recoveryTable = List.copyOf(recoveryTable);
  }

  /**
   * A weighted aggregate of one variant over the years, across replicates: the replicates' mean and
   * their 5%, 50% and 95% quantiles (type 7), one value per reported year.
   *
   * @param aggregate the aggregate's name (e.g. {@code equity}, {@code OIBD}, {@code distress
   *     share})
   * @param unit its unit for axis labels (e.g. {@code SEK}, {@code share})
   */
  public record Fan(
      String aggregate,
      String unit,
      String variant,
      double[] mean,
      double[] p05,
      double[] p50,
      double[] p95) {}

  /**
   * The share of hit firms whose measure is back on its baseline path at most {@code k} years after
   * the shock ended, for {@code k = yearsAfter[i]}: replicate mean and confidence interval.
   *
   * @param shock a shock kind's label, or {@code all} for every shock of the scenario
   * @param measure {@code equity}, {@code totalAssets} or {@code OIBD}
   */
  public record RecoveryCurve(
      String variant,
      String shock,
      String measure,
      int[] yearsAfter,
      double[] share,
      double[] low,
      double[] high) {}

  /**
   * One ratio's firm values in one variant's last year (the first replicate), with the firms'
   * weights; non-finite ratios (zero denominators) are left out.
   *
   * @param ratio e.g. {@code equity ratio}, {@code current ratio}, {@code ROE}
   */
  public record RatioDistribution(
      String ratio, String variant, int year, double[] values, double[] weights) {}

  /** A replicate mean with its confidence interval; NaN where undefined. */
  public record Estimate(double mean, double low, double high) {}

  /**
   * Recovery of one measure: the share recovered within each horizon, and the median recovery time
   * in years after the shock ended (NaN when fewer than half of the hit firms recover within the
   * simulated years).
   */
  public record MeasureRecovery(SortedMap<Integer, Estimate> within, Estimate medianYears) {
    public MeasureRecovery {
      within = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(within));
    }
  }

  /**
   * One line of the recovery table: a scenario and a shock kind (or {@code all}), the weighted
   * number of firms hit, recovery by measure ({@code equity}, {@code totalAssets}, {@code OIBD})
   * and the share of hit firms in distress (negative equity, or no current assets) in the last
   * year.
   */
  public record RecoveryRow(
      String variant,
      String shock,
      double hitFirms,
      Map<String, MeasureRecovery> byMeasure,
      Estimate distress) {
    public RecoveryRow {
      byMeasure = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byMeasure));
    }
  }
}
