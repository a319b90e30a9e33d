package io.firmsim.simulator.report;

import io.firmsim.simulator.report.ChartImage.Kind;
import io.firmsim.simulator.report.ReportData.Fan;
import io.firmsim.simulator.report.ReportData.RatioDistribution;
import io.firmsim.simulator.report.ReportData.RecoveryCurve;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the scenario report's charts with XChart, headless, as PNG images of fixed sizes:
 *
 * <ul>
 *   <li>a fan chart per key aggregate ({@code fan-<aggregate>.png}): each variant's replicate mean
 *       as a line and its 5-95% replicate band as a translucent area, baseline first in dark grey;
 *   <li>recovery curves per shock kind and measure ({@code recovery-<shock>-<measure>.png}): the
 *       share of hit firms recovered against years after the shock, one line per variant with its
 *       confidence band;
 *   <li>a weighted histogram per ratio ({@code ratio-<ratio>.png}): the share of firms' weight in
 *       each of {@value #BINS} equal bins over the pooled weighted 1st to 99th percentile of all
 *       variants, one step outline per variant (firms outside that range are not drawn, so the
 *       tails do not squash the body).
 * </ul>
 *
 * <p>A variant keeps its colour in every chart. Names in file names are lower-cased with other
 * characters replaced by dashes, made unique by a numeric suffix. The same data gives the same
 * images, byte for byte, on the same Java runtime and fonts. Class is stateless and thread-safe.
 */
public final class ReportCharts {

  /** Width in pixels of fan charts and ratio histograms. */
  public static final int WIDE_WIDTH = 760;

  /** Height in pixels of fan charts and ratio histograms. */
  public static final int WIDE_HEIGHT = 460;

  /** Width in pixels of recovery-curve charts (three share a row of the report). */
  public static final int SMALL_WIDTH = 480;

  /** Height in pixels of recovery-curve charts. */
  public static final int SMALL_HEIGHT = 380;

  /** Number of bins of the ratio histograms. */
  public static final int BINS = 30;

  /** The shock label of rows and curves that cover every shock of a scenario. */
  static final String ALL = "all";

  private static final Color BASELINE = new Color(0x44, 0x44, 0x44);

  // Okabe and Ito's colour-blind-safe palette, most distinct first.
  private static final Color[] PALETTE = {
    new Color(0x00, 0x72, 0xB2),
    new Color(0xD5, 0x5E, 0x00),
    new Color(0x00, 0x9E, 0x73),
    new Color(0xCC, 0x79, 0xA7),
    new Color(0xE6, 0x9F, 0x00),
    new Color(0x56, 0xB4, 0xE9),
    new Color(0xF0, 0xE4, 0x42),
  };

  private static final Color TRANSPARENT = new Color(0, 0, 0, 0);

  static {
    // Java2D must not look for a display: the report is written by batch runs and in CI.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private ReportCharts() {}

  /**
   * Renders every chart of the report: fan charts in the order aggregates first appear in {@code
   * data.fans()}, then recovery curves by shock (in order of first appearance) and measure, then
   * ratio histograms.
   *
   * @throws IllegalArgumentException when the data is inconsistent: an array whose length does not
   *     match the years or its sibling arrays, a variant not in {@code data.variants()}, or
   *     variants named twice
   */
  public static List<ChartImage> render(ReportData data) {
    validate(data);
    Set<String> names = new HashSet<>();
    List<ChartImage> charts = new ArrayList<>();
    for (Map.Entry<String, List<Fan>> e : group(data.fans(), Fan::aggregate).entrySet()) {
      charts.add(fanChart(data, e.getKey(), e.getValue(), names));
    }
    Map<String, List<RecoveryCurve>> byShocks = group(data.curves(), RecoveryCurve::shock);
    // "all" (every shock of a scenario) after the shock kinds.
    List<RecoveryCurve> all = byShocks.remove(ALL);
    if (all != null) {
      byShocks.put(ALL, all);
    }
    for (Map.Entry<String, List<RecoveryCurve>> byShock : byShocks.entrySet()) {
      for (Map.Entry<String, List<RecoveryCurve>> byMeasure :
          group(byShock.getValue(), RecoveryCurve::measure).entrySet()) {
        charts.add(
            recoveryChart(data, byShock.getKey(), byMeasure.getKey(), byMeasure.getValue(), names));
      }
    }
    for (Map.Entry<String, List<RatioDistribution>> e :
        group(data.ratios(), RatioDistribution::ratio).entrySet()) {
      charts.add(ratioChart(data, e.getKey(), e.getValue(), names));
    }
    return List.copyOf(charts);
  }

  /** A readable name of a recovery measure: {@code totalAssets} becomes {@code total assets}. */
  static String measureLabel(String measure) {
    return measure.equals("totalAssets") ? "total assets" : measure;
  }

  /** A shock's label in titles: {@code all} becomes {@code all shocks}. */
  static String shockLabel(String shock) {
    return shock.equals(ALL) ? "all shocks" : shock;
  }

  /** The colour of the variant at {@code index} in the report's variant list (0 = baseline). */
  static Color colour(int index) {
    return index == 0 ? BASELINE : PALETTE[(index - 1) % PALETTE.length];
  }

  private static ChartImage fanChart(
      ReportData data, String aggregate, List<Fan> fans, Set<String> names) {
    String unit = fans.get(0).unit();
    double maxAbs = 0;
    for (Fan f : fans) {
      for (double[] a : List.of(f.mean(), f.p05(), f.p95())) {
        for (double v : a) {
          if (Double.isFinite(v)) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
          }
        }
      }
    }
    ReportText.Scale scale = ReportText.Scale.of(unit, maxAbs);
    String title = aggregate + ": mean and 5\u201395% band over replicates";
    XYChart chart = newChart(WIDE_WIDTH, WIDE_HEIGHT, title, "year", axisTitle(aggregate, scale));
    double[] x = data.years().stream().mapToDouble(Integer::doubleValue).toArray();
    List<Fan> ordered = inVariantOrder(data, fans, Fan::variant);
    for (Fan f : ordered) {
      double[] low = scaled(f.p05(), scale);
      double[] high = scaled(f.p95(), scale);
      if (allFinite(low) && allFinite(high)) {
        band(chart, f.variant() + " band", x, low, high, colour(index(data, f.variant())));
      }
    }
    for (Fan f : ordered) {
      double[] mean = scaled(f.mean(), scale);
      // Where the mean has gaps (NaN), markers keep the points between them visible.
      line(chart, f.variant(), x, mean, colour(index(data, f.variant())), !allFinite(mean));
    }
    return image(chart, Kind.FAN, aggregate, "", "fan-" + ReportText.slug(aggregate), title, names);
  }

  private static ChartImage recoveryChart(
      ReportData data,
      String shock,
      String measure,
      List<RecoveryCurve> curves,
      Set<String> names) {
    String title = measureLabel(measure) + " recovered after " + shockLabel(shock);
    XYChart chart =
        newChart(
            SMALL_WIDTH, SMALL_HEIGHT, title, "years after the shock", "share of hit firms (%)");
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
    List<RecoveryCurve> ordered = inVariantOrder(data, curves, RecoveryCurve::variant);
    for (RecoveryCurve c : ordered) {
      double[] x = toDouble(c.yearsAfter());
      double[] low = scaled(c.low(), ReportText.Scale.of("share", 1));
      double[] high = scaled(c.high(), ReportText.Scale.of("share", 1));
      if (allFinite(low) && allFinite(high)) {
        band(chart, c.variant() + " band", x, low, high, colour(index(data, c.variant())));
      }
    }
    for (RecoveryCurve c : ordered) {
      double[] y = scaled(c.share(), ReportText.Scale.of("share", 1));
      line(chart, c.variant(), toDouble(c.yearsAfter()), y, colour(index(data, c.variant())), true);
    }
    String name =
        "recovery-" + ReportText.slug(shock) + "-" + ReportText.slug(measureLabel(measure));
    return image(chart, Kind.RECOVERY, shock, measure, name, title, names);
  }

  private static ChartImage ratioChart(
      ReportData data, String ratio, List<RatioDistribution> dists, Set<String> names) {
    List<RatioDistribution> ordered = inVariantOrder(data, dists, RatioDistribution::variant);
    List<WeightedSample> samples = new ArrayList<>();
    List<Double> pooledValues = new ArrayList<>();
    List<Double> pooledWeights = new ArrayList<>();
    for (RatioDistribution d : ordered) {
      WeightedSample s = new WeightedSample(d.values(), d.weights());
      samples.add(s);
      // Each variant counts equally in the pooled range, whatever its number of firms.
      double total = s.totalWeight();
      for (int i = 0; i < d.values().length; i++) {
        if (Double.isFinite(d.values()[i]) && total > 0) {
          pooledValues.add(d.values()[i]);
          pooledWeights.add(d.weights()[i] / total);
        }
      }
    }
    WeightedSample pooled =
        new WeightedSample(
            pooledValues.stream().mapToDouble(Double::doubleValue).toArray(),
            pooledWeights.stream().mapToDouble(Double::doubleValue).toArray());
    double low = pooled.quantile(0.01);
    double high = pooled.quantile(0.99);
    if (!(high > low)) {
      double pad = Double.isFinite(low) && low != 0 ? Math.abs(low) * 0.1 : 0.5;
      low = Double.isFinite(low) ? low - pad : -0.5;
      high = Double.isFinite(high) ? high + pad : 0.5;
    }
    int year = ordered.isEmpty() ? 0 : ordered.get(0).year();
    String title = ratio + " in " + year + ": weighted share of firms per bin";
    XYChart chart = newChart(WIDE_WIDTH, WIDE_HEIGHT, title, ratio, "share of firms (%)");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setXAxisDecimalPattern(axisPattern(high - low));
    double width = (high - low) / BINS;
    for (int k = 0; k < ordered.size(); k++) {
      RatioDistribution d = ordered.get(k);
      double[] shares = samples.get(k).histogram(low, high, BINS);
      // The outline: along the axis, then up and across each bin. The first point, a hundredth of
      // a bin left of the range, is invisible on the axis; it keeps the x values from being
      // equally spaced, for which XChart labels every value (overlapping) instead of round ticks.
      double[] xs = new double[2 * BINS + 3];
      double[] ys = new double[2 * BINS + 3];
      xs[0] = low - width / 100;
      xs[1] = low;
      for (int b = 0; b < BINS; b++) {
        xs[2 * b + 2] = low + b * width;
        xs[2 * b + 3] = b == BINS - 1 ? high : low + (b + 1) * width;
        ys[2 * b + 2] = 100 * shares[b];
        ys[2 * b + 3] = 100 * shares[b];
      }
      xs[2 * BINS + 2] = high;
      line(chart, d.variant(), xs, ys, colour(index(data, d.variant())), false);
    }
    return image(chart, Kind.RATIO, ratio, "", "ratio-" + ReportText.slug(ratio), title, names);
  }

  private static XYChart newChart(
      int width, int height, String title, String xTitle, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    XYStyler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(true);
    s.setPlotBorderColor(new Color(0xBB, 0xBB, 0xBB));
    s.setPlotGridLinesColor(new Color(0xE4, 0xE4, 0xE4));
    s.setChartTitleBoxVisible(false);
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setLegendPosition(LegendPosition.OutsideS);
    s.setLegendLayout(LegendLayout.Horizontal);
    s.setLegendBorderColor(Color.WHITE);
    s.setChartFontColor(new Color(0x22, 0x22, 0x22));
    s.setAxisTickLabelsColor(new Color(0x33, 0x33, 0x33));
    s.setAntiAlias(true);
    s.setToolTipsEnabled(false);
    // XChart picks round tick steps; the patterns only print them (years without separators).
    s.setYAxisDecimalPattern("#,##0.##");
    s.setXAxisDecimalPattern("0.#");
    return chart;
  }

  /** A tick pattern with enough decimals for ticks about a tenth of {@code range} apart. */
  private static String axisPattern(double range) {
    int decimals = (int) Math.max(0, Math.min(6, Math.ceil(-Math.log10(range / 10))));
    return decimals == 0 ? "#,##0" : "#,##0." + "#".repeat(decimals);
  }

  private static void band(
      XYChart chart, String name, double[] x, double[] low, double[] high, Color colour) {
    int n = x.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = x[i];
      py[i] = high[i];
      px[2 * n - 1 - i] = x[i];
      py[2 * n - 1 - i] = low[i];
    }
    XYSeries s = chart.addSeries(name, px, py);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    s.setFillColor(withAlpha(colour, 50));
    s.setLineColor(TRANSPARENT);
    s.setMarker(SeriesMarkers.NONE);
    s.setShowInLegend(false);
  }

  private static void line(
      XYChart chart, String name, double[] x, double[] y, Color colour, boolean markers) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setLineColor(colour);
    s.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    if (markers) {
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(colour);
    } else {
      s.setMarker(SeriesMarkers.NONE);
    }
  }

  private static ChartImage image(
      XYChart chart,
      Kind kind,
      String group,
      String detail,
      String baseName,
      String title,
      Set<String> names) {
    placeLegend(chart);
    String name = baseName;
    for (int k = 2; !names.add(name); k++) {
      name = baseName + "-" + k;
    }
    try {
      byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      return new ChartImage(
          kind, group, detail, name + ".png", title, chart.getWidth(), chart.getHeight(), png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart " + name + ".png", e);
    }
  }

  /**
   * Puts the legend in one row below the plot when its entries fit the chart's width, else in a
   * column below the plot (XChart does not wrap legend rows, so a long row would be cut off; a
   * column to the right would squeeze the plot of a small chart).
   */
  private static void placeLegend(XYChart chart) {
    FontMetrics metrics =
        new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)
            .createGraphics()
            .getFontMetrics(chart.getStyler().getLegendFont());
    int row = 0;
    for (XYSeries s : chart.getSeriesMap().values()) {
      if (s.isShowInLegend()) {
        row +=
            metrics.stringWidth(s.getName()) + chart.getStyler().getLegendSeriesLineLength() + 24;
      }
    }
    if (row > chart.getWidth() - 40) {
      chart.getStyler().setLegendLayout(LegendLayout.Vertical);
    }
  }

  private static String axisTitle(String aggregate, ReportText.Scale scale) {
    return scale.label().isEmpty() ? aggregate : aggregate + " (" + scale.label() + ")";
  }

  private static <T> Map<String, List<T>> group(List<T> items, Function<T, String> key) {
    Map<String, List<T>> groups = new LinkedHashMap<>();
    for (T item : items) {
      groups.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(item);
    }
    return groups;
  }

  private static <T> List<T> inVariantOrder(
      ReportData data, List<T> items, Function<T, String> variant) {
    List<T> ordered = new ArrayList<>(items);
    ordered.sort((a, b) -> index(data, variant.apply(a)) - index(data, variant.apply(b)));
    return ordered;
  }

  private static int index(ReportData data, String variant) {
    return data.variants().indexOf(variant);
  }

  private static double[] scaled(double[] values, ReportText.Scale scale) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = scale.apply(values[i]);
    }
    return out;
  }

  private static double[] toDouble(int[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private static Color withAlpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  /** Refuses data the charts cannot draw, naming the record and what is wrong. */
  static void validate(ReportData data) {
    if (new HashSet<>(data.variants()).size() != data.variants().size()) {
      throw new IllegalArgumentException("variants named twice: " + data.variants());
    }
    int years = data.years().size();
    for (Fan f : data.fans()) {
      String what = "fan '" + f.aggregate() + "' of variant '" + f.variant() + "'";
      knownVariant(data, f.variant(), what);
      for (double[] a : List.of(f.mean(), f.p05(), f.p50(), f.p95())) {
        if (a.length != years) {
          throw new IllegalArgumentException(
              what + " has " + a.length + " values for " + years + " years");
        }
      }
    }
    for (RecoveryCurve c : data.curves()) {
      String what =
          "recovery curve '" + c.measure() + "' after '" + c.shock() + "' of '" + c.variant() + "'";
      knownVariant(data, c.variant(), what);
      int n = c.yearsAfter().length;
      if (c.share().length != n || c.low().length != n || c.high().length != n) {
        throw new IllegalArgumentException(
            what + " has arrays of different lengths: yearsAfter, share, low, high");
      }
    }
    for (RatioDistribution r : data.ratios()) {
      String what = "ratio '" + r.ratio() + "' of variant '" + r.variant() + "'";
      knownVariant(data, r.variant(), what);
      if (r.values().length != r.weights().length) {
        throw new IllegalArgumentException(
            what + " has " + r.values().length + " values and " + r.weights().length + " weights");
      }
    }
    for (ReportData.RecoveryRow row : data.recoveryTable()) {
      knownVariant(data, row.variant(), "recovery row '" + row.shock() + "'");
    }
  }

  private static void knownVariant(ReportData data, String variant, String what) {
    if (!data.variants().contains(variant)) {
      throw new IllegalArgumentException(
          what + " names variant '" + variant + "', not one of " + data.variants());
    }
  }
}
