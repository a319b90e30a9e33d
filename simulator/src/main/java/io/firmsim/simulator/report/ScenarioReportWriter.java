package io.firmsim.simulator.report;

import static io.firmsim.simulator.report.ReportText.html;
import static io.firmsim.simulator.report.ReportText.markdown;

import io.firmsim.simulator.report.ChartImage.Kind;
import io.firmsim.simulator.report.ReportData.Estimate;
import io.firmsim.simulator.report.ReportData.Fan;
import io.firmsim.simulator.report.ReportData.MeasureRecovery;
import io.firmsim.simulator.report.ReportData.RatioDistribution;
import io.firmsim.simulator.report.ReportData.RecoveryRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a scenario run's report: {@code report.html}, self-contained (inline CSS, charts embedded
 * as base64 PNG data, no script and no network reference, so it opens offline and can be mailed as
 * one file), {@code report.md} with the same tables linking the PNGs, and the PNGs themselves in
 * {@code charts/}. Sections: run facts, the recovery table ("recovery rate by shock type"), fan
 * charts of key aggregates with their last-year values, recovery curves and the distributions of
 * key ratios in the last year, each with a short note on how to read it.
 *
 * <p>Every text taken from the data is escaped. The same data gives the same files, byte for byte,
 * on the same Java runtime and fonts: nothing depends on the clock or on hash order. Class is
 * stateless and thread-safe.
 */
public final class ScenarioReportWriter {

  /** The HTML report's file name. */
  public static final String HTML = "report.html";

  /** The Markdown report's file name. */
  public static final String MARKDOWN = "report.md";

  /** The charts' folder, relative to the report's. */
  public static final String CHARTS = "charts";

  private static final List<String> MEASURE_ORDER = List.of("equity", "totalAssets", "OIBD");

  private static final String CSS =
      """
      body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#222;margin:24px auto;\
      max-width:1320px;padding:0 16px;line-height:1.45}
      h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:36px;\
      border-bottom:1px solid #ccc;padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}
      p.how{background:#f5f7fa;border-left:4px solid #8aa;padding:8px 12px;max-width:1000px}
      table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
      th,td{border:1px solid #d0d0d0;padding:4px 7px;vertical-align:top}
      th{background:#eef1f4;font-weight:600;text-align:center}
      td.num{text-align:right;white-space:nowrap}td.txt{text-align:left}
      tr.all td{background:#fafafa;font-weight:600}
      span.ci{display:block;color:#777;font-size:11px;font-weight:normal}
      table.facts td:first-child{font-weight:600;background:#f7f7f7}
      div.grid{display:grid;gap:14px;margin:8px 0}div.g2{grid-template-columns:repeat(2,1fr)}
      div.g3{grid-template-columns:repeat(3,1fr)}
      figure{margin:0}figure img{width:100%;height:auto;border:1px solid #e2e2e2}
      nav a{margin-right:14px}footer{margin-top:40px;color:#888;font-size:12px}
      """;

  private ScenarioReportWriter() {}

  /**
   * Writes {@code dir/report.html}, {@code dir/report.md} and {@code dir/charts/*.png}, creating
   * the folders; existing files of the same names are replaced.
   *
   * @throws IllegalArgumentException when the data is inconsistent (see {@link
   *     ReportCharts#render})
   * @throws IOException when a file cannot be written
   */
  public static void write(ReportData data, Path dir) throws IOException {
    List<ChartImage> charts = ReportCharts.render(data);
    Path chartDir = dir.resolve(CHARTS);
    Files.createDirectories(chartDir);
    for (ChartImage c : charts) {
      Files.write(chartDir.resolve(c.fileName()), c.png());
    }
    Files.writeString(dir.resolve(HTML), htmlReport(data, charts), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(MARKDOWN), markdownReport(data, charts), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------
  // Notes on how to read each section (shared by both formats).

  private static final String HOW_RECOVERY =
      "Each row is a scenario and a shock kind (\u201call\u201d: every shock of the scenario)."
          + " Hit firms is the weighted number of firms the shock reached. A hit firm has"
          + " recovered a measure once its value is back on its own baseline path (same firm, same"
          + " random draws, no shock), within the tolerance the run used; \u2264k y is the share"
          + " recovered at most k years after the shock ended, median the years by which half of"
          + " the hit firms had recovered (\u2013 where fewer than half recover within the"
          + " simulated years). Distress is the share of hit firms with negative equity or no"
          + " current assets in the last year. The intervals (small and grey, or in brackets) are"
          + " confidence intervals over replicates.";

  private static final String HOW_FANS =
      "Each chart follows one aggregate over the years, summed over firms with their weights."
          + " The line is the mean over replicates, the shaded band runs from the 5% to the 95%"
          + " replicate quantile: it shows how much the outcome varies with the random draws, not"
          + " how uncertain the model is. The baseline is dark grey; a scenario's band that leaves"
          + " the baseline's marks an effect larger than the run-to-run variation. The table gives"
          + " the last year's values.";

  private static final String HOW_CURVES =
      "One row of charts per shock kind, one chart per measure. Each line is a scenario: the"
          + " share of its hit firms back on their baseline path at most k years after the shock"
          + " ended (k = 0: at the end of the shock), with its confidence band over replicates."
          + " Curves rise as firms recover; a curve that flattens below 100% leaves firms"
          + " permanently below their baseline path.";

  private static final String HOW_RATIOS =
      "Weighted histograms of each ratio over firms in the last simulated year (first"
          + " replicate): the height of a step is the share of firms' weight in that bin. The"
          + " horizontal range is the pooled weighted 1st to 99th percentile of all variants;"
          + " firms outside it are not drawn, so shares add up to a little less than 100%. Firms"
          + " whose ratio is undefined (zero denominator) are left out. The table gives weighted"
          + " quantiles and means over all firms with a defined ratio.";

  // ---------------------------------------------------------------------------------------------
  // HTML

  static String htmlReport(ReportData data, List<ChartImage> charts) {
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(html(data.title()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(html(data.title())).append("</h1>\n");
    h.append("<p>Scenario report: ")
        .append(html(String.join(", ", data.variants())))
        .append(" (baseline first), ")
        .append(yearSpan(data))
        .append(".</p>\n");
    h.append(
            "<nav><a href=\"#facts\">Run facts</a><a href=\"#recovery\">Recovery by shock type</a>")
        .append("<a href=\"#aggregates\">Key aggregates</a><a href=\"#curves\">Recovery curves</a>")
        .append("<a href=\"#ratios\">Ratio distributions</a></nav>\n");

    h.append("<h2 id=\"facts\">Run facts</h2>\n<table class=\"facts\">\n");
    for (Map.Entry<String, String> f : data.facts().entrySet()) {
      h.append("<tr><td>")
          .append(html(f.getKey()))
          .append("</td><td class=\"txt\">")
          .append(html(f.getValue()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2 id=\"recovery\">Recovery rate by shock type</h2>\n");
    h.append("<p class=\"how\">").append(html(HOW_RECOVERY)).append("</p>\n");
    htmlRecoveryTable(h, data);

    h.append("<h2 id=\"aggregates\">Key aggregates</h2>\n");
    h.append("<p class=\"how\">").append(html(HOW_FANS)).append("</p>\n");
    htmlFigures(h, charts, Kind.FAN, "g2");
    htmlLastYearTable(h, data);

    h.append("<h2 id=\"curves\">Recovery curves</h2>\n");
    h.append("<p class=\"how\">").append(html(HOW_CURVES)).append("</p>\n");
    for (String shock : groups(charts, Kind.RECOVERY)) {
      h.append("<h3>").append(html(ReportCharts.shockLabel(shock))).append("</h3>\n");
      htmlFigures(
          h, charts.stream().filter(c -> c.group().equals(shock)).toList(), Kind.RECOVERY, "g3");
    }

    h.append("<h2 id=\"ratios\">Ratio distributions in the last year</h2>\n");
    h.append("<p class=\"how\">").append(html(HOW_RATIOS)).append("</p>\n");
    htmlFigures(h, charts, Kind.RATIO, "g2");
    htmlRatioTable(h, data);

    h.append("<footer>Written by firmsim's scenario report (")
        .append(charts.size())
        .append(" charts embedded; the same PNGs are in ")
        .append(CHARTS)
        .append("/).</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void htmlFigures(
      StringBuilder h, List<ChartImage> charts, Kind kind, String gridClass) {
    h.append("<div class=\"grid ").append(gridClass).append("\">\n");
    for (ChartImage c : charts) {
      if (c.kind() != kind) {
        continue;
      }
      h.append("<figure><img alt=\"")
          .append(html(c.title()))
          .append("\" width=\"")
          .append(c.width())
          .append("\" height=\"")
          .append(c.height())
          .append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(c.png()))
          .append("\"></figure>\n");
    }
    h.append("</div>\n");
  }

  private static void htmlRecoveryTable(StringBuilder h, ReportData data) {
    List<String> measures = measures(data.recoveryTable());
    Map<String, List<Integer>> horizons = horizons(data.recoveryTable(), measures);
    h.append("<table class=\"recovery\">\n<tr><th rowspan=\"2\">Scenario</th>")
        .append("<th rowspan=\"2\">Shock</th><th rowspan=\"2\">Hit firms</th>");
    for (String m : measures) {
      h.append("<th colspan=\"")
          .append(horizons.get(m).size() + 1)
          .append("\">")
          .append(html(capitalised(ReportCharts.measureLabel(m))))
          .append(" recovered</th>");
    }
    h.append("<th rowspan=\"2\">Distress</th></tr>\n<tr>");
    for (String m : measures) {
      for (int k : horizons.get(m)) {
        h.append("<th>\u2264").append(k).append(" y</th>");
      }
      h.append("<th>median</th>");
    }
    h.append("</tr>\n");
    for (RecoveryRow row : data.recoveryTable()) {
      h.append(row.shock().equals(ReportCharts.ALL) ? "<tr class=\"all\">" : "<tr>");
      h.append("<td class=\"txt\">").append(html(row.variant())).append("</td>");
      h.append("<td class=\"txt\">").append(html(row.shock())).append("</td>");
      h.append("<td class=\"num\">").append(ReportText.count(row.hitFirms())).append("</td>");
      for (String m : measures) {
        MeasureRecovery r = row.byMeasure().get(m);
        for (int k : horizons.get(m)) {
          Estimate e = r == null ? null : r.within().get(k);
          htmlEstimate(h, e, false);
        }
        htmlEstimate(h, r == null ? null : r.medianYears(), true);
      }
      htmlEstimate(h, row.distress(), false);
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static void htmlEstimate(StringBuilder h, Estimate e, boolean years) {
    h.append("<td class=\"num\">");
    if (e == null) {
      h.append(ReportText.NONE);
    } else {
      h.append(years ? ReportText.years(e.mean()) : ReportText.percent(e.mean()));
      String ci = years ? ReportText.yearsInterval(e) : ReportText.percentInterval(e);
      if (!ci.isEmpty()) {
        h.append("<span class=\"ci\">").append(ci).append("</span>");
      }
    }
    h.append("</td>");
  }

  private static void htmlLastYearTable(StringBuilder h, ReportData data) {
    if (data.fans().isEmpty() || data.years().isEmpty()) {
      return;
    }
    int last = data.years().size() - 1;
    h.append("<h3>")
        .append(data.years().get(last))
        .append(": mean over replicates (5\u201395% band)</h3>\n");
    h.append("<table class=\"aggregates\">\n<tr><th>Aggregate</th>");
    for (String v : data.variants()) {
      h.append("<th>").append(html(v)).append("</th>");
    }
    h.append("</tr>\n");
    for (Map.Entry<String, List<Fan>> e : fansByAggregate(data).entrySet()) {
      ReportText.Scale scale = fanScale(e.getValue(), last);
      h.append("<tr><td class=\"txt\">").append(html(e.getKey())).append("</td>");
      for (String v : data.variants()) {
        Fan f = e.getValue().stream().filter(x -> x.variant().equals(v)).findFirst().orElse(null);
        h.append("<td class=\"num\">");
        if (f == null) {
          h.append(ReportText.NONE);
        } else {
          h.append(html(scale.format(f.mean()[last])))
              .append("<span class=\"ci\">")
              .append(html(bandText(scale, f, last)))
              .append("</span>");
        }
        h.append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static void htmlRatioTable(StringBuilder h, ReportData data) {
    if (data.ratios().isEmpty()) {
      return;
    }
    h.append("<h3>Weighted quantiles</h3>\n<table class=\"ratios\">\n<tr><th>Ratio</th>")
        .append("<th>Variant</th><th>Year</th><th>Firms (weighted)</th><th>Mean</th><th>10%</th>")
        .append("<th>Median</th><th>90%</th></tr>\n");
    for (List<String> cells : ratioRows(data)) {
      h.append("<tr>");
      for (int i = 0; i < cells.size(); i++) {
        h.append(i < 2 ? "<td class=\"txt\">" : "<td class=\"num\">")
            .append(html(cells.get(i)))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  // ---------------------------------------------------------------------------------------------
  // Markdown

  static String markdownReport(ReportData data, List<ChartImage> charts) {
    StringBuilder m = new StringBuilder(1 << 14);
    m.append("# ").append(markdown(data.title())).append("\n\n");
    m.append("Scenario report: ")
        .append(markdown(String.join(", ", data.variants())))
        .append(" (baseline first), ")
        .append(yearSpan(data))
        .append(".\n\n## Run facts\n\n| Fact | Value |\n|---|---|\n");
    for (Map.Entry<String, String> f : data.facts().entrySet()) {
      m.append("| ")
          .append(markdown(f.getKey()))
          .append(" | ")
          .append(markdown(f.getValue()))
          .append(" |\n");
    }

    m.append("\n## Recovery rate by shock type\n\n").append(HOW_RECOVERY).append("\n\n");
    List<String> measures = measures(data.recoveryTable());
    Map<String, List<Integer>> horizons = horizons(data.recoveryTable(), measures);
    m.append("| Scenario | Shock | Hit firms |");
    int columns = 3;
    for (String measure : measures) {
      String label = capitalised(ReportCharts.measureLabel(measure));
      for (int k : horizons.get(measure)) {
        m.append(' ').append(markdown(label)).append(" \u2264").append(k).append(" y |");
        columns++;
      }
      m.append(' ').append(markdown(label)).append(" median |");
      columns++;
    }
    m.append(" Distress |\n|");
    columns++;
    for (int i = 0; i < columns; i++) {
      m.append(i < 2 ? "---|" : "---:|");
    }
    m.append('\n');
    for (RecoveryRow row : data.recoveryTable()) {
      m.append("| ")
          .append(markdown(row.variant()))
          .append(" | ")
          .append(markdown(row.shock()))
          .append(" | ")
          .append(ReportText.count(row.hitFirms()))
          .append(" |");
      for (String measure : measures) {
        MeasureRecovery r = row.byMeasure().get(measure);
        for (int k : horizons.get(measure)) {
          m.append(' ').append(markdownEstimate(r == null ? null : r.within().get(k), false));
          m.append(" |");
        }
        m.append(' ').append(markdownEstimate(r == null ? null : r.medianYears(), true));
        m.append(" |");
      }
      m.append(' ').append(markdownEstimate(row.distress(), false)).append(" |\n");
    }

    m.append("\n## Key aggregates\n\n").append(HOW_FANS).append("\n\n");
    markdownFigures(m, charts, Kind.FAN, null);
    if (!data.fans().isEmpty() && !data.years().isEmpty()) {
      int last = data.years().size() - 1;
      m.append("\n### ")
          .append(data.years().get(last))
          .append(": mean over replicates (5\u201395% band)\n\n| Aggregate |");
      for (String v : data.variants()) {
        m.append(' ').append(markdown(v)).append(" |");
      }
      m.append("\n|---|").append("---:|".repeat(data.variants().size())).append('\n');
      for (Map.Entry<String, List<Fan>> e : fansByAggregate(data).entrySet()) {
        ReportText.Scale scale = fanScale(e.getValue(), last);
        m.append("| ").append(markdown(e.getKey())).append(" |");
        for (String v : data.variants()) {
          Fan f = e.getValue().stream().filter(x -> x.variant().equals(v)).findFirst().orElse(null);
          m.append(' ')
              .append(
                  f == null
                      ? ReportText.NONE
                      : markdown(
                          scale.format(f.mean()[last]) + " (" + bandText(scale, f, last) + ")"))
              .append(" |");
        }
        m.append('\n');
      }
    }

    m.append("\n## Recovery curves\n\n").append(HOW_CURVES).append("\n\n");
    for (String shock : groups(charts, Kind.RECOVERY)) {
      m.append("### ").append(markdown(ReportCharts.shockLabel(shock))).append("\n\n");
      markdownFigures(m, charts, Kind.RECOVERY, shock);
    }

    m.append("\n## Ratio distributions in the last year\n\n").append(HOW_RATIOS).append("\n\n");
    markdownFigures(m, charts, Kind.RATIO, null);
    if (!data.ratios().isEmpty()) {
      m.append("\n| Ratio | Variant | Year | Firms (weighted) | Mean | 10% | Median | 90% |\n")
          .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
      for (List<String> cells : ratioRows(data)) {
        m.append('|');
        for (String c : cells) {
          m.append(' ').append(markdown(c)).append(" |");
        }
        m.append('\n');
      }
    }
    return m.toString();
  }

  private static void markdownFigures(
      StringBuilder m, List<ChartImage> charts, Kind kind, String group) {
    for (ChartImage c : charts) {
      if (c.kind() == kind && (group == null || c.group().equals(group))) {
        m.append("![")
            .append(markdown(c.title()))
            .append("](")
            .append(CHARTS)
            .append('/')
            .append(c.fileName())
            .append(")\n");
      }
    }
    m.append('\n');
  }

  private static String markdownEstimate(Estimate e, boolean years) {
    if (e == null) {
      return ReportText.NONE;
    }
    String mean = years ? ReportText.years(e.mean()) : ReportText.percent(e.mean());
    String ci = years ? ReportText.yearsInterval(e) : ReportText.percentInterval(e);
    return ci.isEmpty() ? mean : mean + " (" + ci + ")";
  }

  // ---------------------------------------------------------------------------------------------
  // Shared

  private static String yearSpan(ReportData data) {
    if (data.years().isEmpty()) {
      return "no years";
    }
    return data.years().get(0) + "\u2013" + data.years().get(data.years().size() - 1);
  }

  private static String capitalised(String s) {
    return s.isEmpty() || Character.isUpperCase(s.charAt(0))
        ? s
        : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** The measures in the table: equity, total assets, OIBD first, then others as they appear. */
  private static List<String> measures(List<RecoveryRow> rows) {
    Set<String> seen = new LinkedHashSet<>();
    for (RecoveryRow r : rows) {
      seen.addAll(r.byMeasure().keySet());
    }
    List<String> ordered = new ArrayList<>();
    for (String m : MEASURE_ORDER) {
      if (seen.remove(m)) {
        ordered.add(m);
      }
    }
    ordered.addAll(seen);
    return ordered;
  }

  private static Map<String, List<Integer>> horizons(
      List<RecoveryRow> rows, List<String> measures) {
    Map<String, List<Integer>> out = new LinkedHashMap<>();
    for (String m : measures) {
      Set<Integer> ks = new TreeSet<>();
      for (RecoveryRow r : rows) {
        MeasureRecovery mr = r.byMeasure().get(m);
        if (mr != null) {
          ks.addAll(mr.within().keySet());
        }
      }
      out.put(m, List.copyOf(ks));
    }
    return out;
  }

  private static List<String> groups(List<ChartImage> charts, Kind kind) {
    Set<String> out = new LinkedHashSet<>();
    for (ChartImage c : charts) {
      if (c.kind() == kind) {
        out.add(c.group());
      }
    }
    return List.copyOf(out);
  }

  private static Map<String, List<Fan>> fansByAggregate(ReportData data) {
    Map<String, List<Fan>> out = new LinkedHashMap<>();
    for (Fan f : data.fans()) {
      out.computeIfAbsent(f.aggregate(), k -> new ArrayList<>()).add(f);
    }
    return out;
  }

  private static ReportText.Scale fanScale(List<Fan> fans, int year) {
    double maxAbs = 0;
    for (Fan f : fans) {
      for (double v : new double[] {f.mean()[year], f.p05()[year], f.p95()[year]}) {
        if (Double.isFinite(v)) {
          maxAbs = Math.max(maxAbs, Math.abs(v));
        }
      }
    }
    return ReportText.Scale.of(fans.get(0).unit(), maxAbs);
  }

  private static String bandText(ReportText.Scale scale, Fan f, int year) {
    return scale.formatRange(f.p05()[year], f.p95()[year]);
  }

  private static List<List<String>> ratioRows(ReportData data) {
    List<List<String>> rows = new ArrayList<>();
    Map<String, List<RatioDistribution>> byRatio = new LinkedHashMap<>();
    for (RatioDistribution r : data.ratios()) {
      byRatio.computeIfAbsent(r.ratio(), k -> new ArrayList<>()).add(r);
    }
    for (List<RatioDistribution> group : byRatio.values()) {
      List<RatioDistribution> ordered = new ArrayList<>(group);
      ordered.sort(
          (a, b) -> data.variants().indexOf(a.variant()) - data.variants().indexOf(b.variant()));
      for (RatioDistribution r : ordered) {
        WeightedSample s = new WeightedSample(r.values(), r.weights());
        rows.add(
            List.of(
                r.ratio(),
                r.variant(),
                Integer.toString(r.year()),
                ReportText.count(s.totalWeight()),
                ReportText.ratio(s.mean()),
                ReportText.ratio(s.quantile(0.1)),
                ReportText.ratio(s.quantile(0.5)),
                ReportText.ratio(s.quantile(0.9))));
      }
    }
    return rows;
  }
}
