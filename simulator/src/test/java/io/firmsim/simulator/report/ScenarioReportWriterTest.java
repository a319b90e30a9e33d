package io.firmsim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.report.ReportData.Estimate;
import io.firmsim.simulator.report.ReportData.Fan;
import io.firmsim.simulator.report.ReportData.MeasureRecovery;
import io.firmsim.simulator.report.ReportData.RatioDistribution;
import io.firmsim.simulator.report.ReportData.RecoveryCurve;
import io.firmsim.simulator.report.ReportData.RecoveryRow;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioReportWriterTest {

  private static final String EVIL = "<b>&x";

  @TempDir static Path tmp;

  private static Path synthetic;
  private static Path small;

  @BeforeAll
  static void writeReports() throws IOException {
    synthetic = tmp.resolve("synthetic");
    ScenarioReportWriter.write(SyntheticReportData.create(), synthetic);
    small = tmp.resolve("small");
    ScenarioReportWriter.write(smallData(), small);
  }

  /** Two variants, two years, one shock, numbers chosen so their formatted forms are known. */
  static ReportData smallData() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("seed", "7");
    facts.put("note", "a<b");
    List<String> variants = List.of("baseline", EVIL);
    List<Fan> fans =
        List.of(
            new Fan(
                "equity",
                "SEK",
                "baseline",
                new double[] {1.5e9, 2.5e9},
                new double[] {1.4e9, 2.4e9},
                new double[] {1.5e9, 2.5e9},
                new double[] {1.6e9, 2.6e9}),
            new Fan(
                "equity",
                "SEK",
                EVIL,
                new double[] {1.5e9, 2.2e9},
                new double[] {1.4e9, 2.1e9},
                new double[] {1.5e9, 2.2e9},
                new double[] {1.6e9, 2.3e9}));
    List<RecoveryCurve> curves =
        List.of(
            new RecoveryCurve(
                EVIL,
                "demand",
                "equity",
                new int[] {0, 1, 2},
                new double[] {0.1, 0.5, 0.8},
                new double[] {0.05, 0.4, 0.7},
                new double[] {0.15, 0.6, 0.9}));
    List<RatioDistribution> ratios =
        List.of(
            new RatioDistribution(
                "equity ratio",
                "baseline",
                2001,
                new double[] {0.1, 0.2, 0.3, Double.POSITIVE_INFINITY},
                new double[] {1, 1, 2, 1}),
            new RatioDistribution(
                "equity ratio",
                EVIL,
                2001,
                new double[] {0.05, 0.15, 0.25},
                new double[] {1, 1, 1}));
    Map<String, MeasureRecovery> byMeasure = new LinkedHashMap<>();
    byMeasure.put(
        "equity",
        new MeasureRecovery(
            new TreeMap<>(
                Map.of(
                    1, new Estimate(0.4123, 0.38, 0.445),
                    3, new Estimate(0.7, 0.65, 0.75),
                    5, new Estimate(0.9, 0.85, 0.95))),
            new Estimate(2.4, 1.5, 3.0)));
    byMeasure.put(
        "totalAssets",
        new MeasureRecovery(
            new TreeMap<>(Map.of(1, new Estimate(0.55, 0.5, 0.6))),
            new Estimate(Double.NaN, Double.NaN, Double.NaN)));
    byMeasure.put(
        "OIBD",
        new MeasureRecovery(
            new TreeMap<>(Map.of(1, new Estimate(0.666, 0.6, 0.7))), new Estimate(0.8, 0.5, 1.1)));
    List<RecoveryRow> rows =
        List.of(
            new RecoveryRow(EVIL, "demand", 1234.4, byMeasure, new Estimate(0.071, 0.064, 0.078)),
            new RecoveryRow(EVIL, "all", 1234.4, byMeasure, new Estimate(0.071, 0.064, 0.078)));
    return new ReportData(
        "small " + EVIL, facts, variants, List.of(2000, 2001), fans, curves, ratios, rows);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static Set<String> chartFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("charts"))) {
      return files
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void writesTheReportsAndOneFileForEveryChart() throws IOException {
    assertTrue(Files.isRegularFile(synthetic.resolve("report.html")));
    assertTrue(Files.isRegularFile(synthetic.resolve("report.md")));
    // 4 aggregates; 2 shock kinds and "all", 3 measures each; 3 ratios.
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "fan-equity.png",
                "fan-total-assets.png",
                "fan-oibd.png",
                "fan-distress-share.png",
                "ratio-equity-ratio.png",
                "ratio-current-ratio.png",
                "ratio-roe.png"));
    for (String shock : List.of("demand", "credit-crunch", "all")) {
      for (String measure : List.of("equity", "total-assets", "oibd")) {
        expected.add("recovery-" + shock + "-" + measure + ".png");
      }
    }
    assertEquals(expected, chartFiles(synthetic));
    assertEquals(
        Set.of("fan-equity.png", "recovery-demand-equity.png", "ratio-equity-ratio.png"),
        chartFiles(small));
  }

  @Test
  void everyPngDecodesAtItsKindsSize() throws IOException {
    for (String name : chartFiles(synthetic)) {
      BufferedImage image = ImageIO.read(synthetic.resolve("charts").resolve(name).toFile());
      assertNotNull(image, name);
      boolean small = name.startsWith("recovery-");
      assertEquals(small ? ReportCharts.SMALL_WIDTH : ReportCharts.WIDE_WIDTH, image.getWidth());
      assertEquals(small ? ReportCharts.SMALL_HEIGHT : ReportCharts.WIDE_HEIGHT, image.getHeight());
    }
  }

  @Test
  void htmlIsSelfContainedWithEveryChartEmbedded() throws IOException {
    String html = read(synthetic.resolve("report.html"));
    for (String banned : List.of("http://", "https://", "<script", "src=\"charts/", "<link")) {
      assertFalse(html.contains(banned), banned);
    }
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    List<byte[]> embedded = new ArrayList<>();
    while (m.find()) {
      embedded.add(Base64.getDecoder().decode(m.group(1)));
    }
    Set<String> files = chartFiles(synthetic);
    assertEquals(files.size(), embedded.size());
    // Each embedded image is byte for byte one of the chart files, and each file is embedded.
    Set<String> matched = new TreeSet<>();
    for (byte[] png : embedded) {
      for (String name : files) {
        if (java.util.Arrays.equals(png, Files.readAllBytes(synthetic.resolve("charts/" + name)))) {
          matched.add(name);
        }
      }
    }
    assertEquals(files, matched);
  }

  @Test
  void htmlNamesEveryVariantAndShowsTheTableNumbersAsFormatted() throws IOException {
    String html = read(synthetic.resolve("report.html"));
    for (String variant : SyntheticReportData.VARIANTS) {
      assertTrue(html.contains(ReportText.html(variant)), variant);
    }
    String smallHtml = read(small.resolve("report.html"));
    for (String expected :
        List.of(
            "1,234", // hit firms
            "41.2%", // equity within 1 year
            "38.0\u201344.5%", // its interval
            "70.0%",
            "90.0%",
            "2.4 y", // median recovery
            "1.5\u20133.0 y",
            "55.0%", // total assets within 1 year
            "66.6%", // OIBD within 1 year
            "0.8 y",
            "7.1%", // distress
            "6.4\u20137.8%",
            "2.50 bn SEK", // last-year equity, baseline
            "2.40\u20132.60 bn SEK",
            "2.20 bn SEK")) {
      assertTrue(smallHtml.contains(expected), expected);
    }
    // Weighted quantiles of the baseline's equity ratio (the infinite value left out): weights
    // 1, 1, 2 on 0.1, 0.2, 0.3: mean 0.9 / 4 = 0.225, median 0.2 (cumulative 2 of 4), 90% 0.3.
    assertTrue(smallHtml.contains("<td class=\"num\">0.225</td>"), "weighted mean");
    assertTrue(
        smallHtml.contains(
            "<td class=\"num\">0.100</td><td class=\"num\">0.200</td><td class=\"num\">0.300</td>"),
        "weighted quantiles");
  }

  @Test
  void textFromTheDataIsEscaped() throws IOException {
    String html = read(small.resolve("report.html"));
    assertFalse(html.contains(EVIL));
    assertFalse(html.contains("<b>"));
    assertTrue(html.contains("&lt;b&gt;&amp;x"));
    assertTrue(html.contains("a&lt;b"));
    assertTrue(html.contains("<title>small &lt;b&gt;&amp;x</title>"));
    String md = read(small.resolve("report.md"));
    assertFalse(md.contains(EVIL));
    assertTrue(md.contains("&lt;b&gt;&amp;x"));
  }

  @Test
  void markdownRecoveryTableHasOneRowPerRecoveryRowAndLinksTheCharts() throws IOException {
    for (Path dir : List.of(synthetic, small)) {
      ReportData data = dir == small ? smallData() : SyntheticReportData.create();
      List<String> lines = Files.readAllLines(dir.resolve("report.md"));
      int start = lines.indexOf("## Recovery rate by shock type");
      assertTrue(start >= 0);
      int header = start;
      while (!lines.get(header).startsWith("| Scenario |")) {
        header++;
      }
      assertTrue(lines.get(header + 1).startsWith("|---|"));
      List<String> rows = new ArrayList<>();
      for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("| "); i++) {
        rows.add(lines.get(i));
      }
      assertEquals(data.recoveryTable().size(), rows.size());
      int columns = lines.get(header).split("(?<!\\\\)\\|", -1).length;
      for (int i = 0; i < rows.size(); i++) {
        RecoveryRow r = data.recoveryTable().get(i);
        assertTrue(
            rows.get(i)
                .startsWith(
                    "| "
                        + ReportText.markdown(r.variant())
                        + " | "
                        + ReportText.markdown(r.shock())
                        + " | "),
            rows.get(i));
        assertEquals(columns, rows.get(i).split("(?<!\\\\)\\|", -1).length, rows.get(i));
      }
      String md = String.join("\n", lines);
      for (String name : chartFiles(dir)) {
        assertTrue(md.contains("](charts/" + name + ")"), name);
      }
    }
    String md = read(small.resolve("report.md"));
    assertTrue(md.contains(" 41.2% (38.0\u201344.5%) |"));
    // The total assets median is NaN: shown as a dash.
    assertTrue(md.contains(" " + ReportText.NONE + " |"));
  }

  @Test
  void twoWritesOfTheSameDataAreByteIdentical() throws IOException {
    Path again = tmp.resolve("again");
    ScenarioReportWriter.write(SyntheticReportData.create(), again);
    assertArrayEquals(
        Files.readAllBytes(synthetic.resolve("report.html")),
        Files.readAllBytes(again.resolve("report.html")));
    assertArrayEquals(
        Files.readAllBytes(synthetic.resolve("report.md")),
        Files.readAllBytes(again.resolve("report.md")));
    for (String name : chartFiles(synthetic)) {
      assertArrayEquals(
          Files.readAllBytes(synthetic.resolve("charts/" + name)),
          Files.readAllBytes(again.resolve("charts/" + name)),
          name);
    }
  }

  @Test
  void fanBandIsDrawnInTheVariantsColour() throws IOException {
    // The small report's equity fan: the scenario's band (5-95%) lies below the baseline's in
    // 2001, so between the lines there must be pixels of the scenario's translucent colour.
    BufferedImage image =
        ImageIO.read(
            new ByteArrayInputStream(Files.readAllBytes(small.resolve("charts/fan-equity.png"))));
    java.awt.Color c = ReportCharts.colour(1);
    int tinted = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        // The band: the colour at alpha 50/255 over white.
        double a = 50 / 255.0;
        if (Math.abs(r - (a * c.getRed() + (1 - a) * 255)) <= 2
            && Math.abs(g - (a * c.getGreen() + (1 - a) * 255)) <= 2
            && Math.abs(b - (a * c.getBlue() + (1 - a) * 255)) <= 2) {
          tinted++;
        }
      }
    }
    assertTrue(tinted > 1000, "band pixels: " + tinted);
  }

  @Test
  void writesReportsOfEmptyDataAndOfDataWithGaps() throws IOException {
    Path empty = tmp.resolve("empty");
    ScenarioReportWriter.write(
        new ReportData(
            "empty",
            Map.of(),
            List.of("baseline"),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of()),
        empty);
    assertTrue(read(empty.resolve("report.html")).contains("<h1>empty</h1>"));
    assertTrue(read(empty.resolve("report.md")).startsWith("# empty\n"));
    assertEquals(Set.of(), chartFiles(empty));

    double nan = Double.NaN;
    double[] gaps = {nan, nan, nan};
    ReportData gappy =
        new ReportData(
            "gaps",
            Map.of(),
            List.of("baseline"),
            List.of(2000, 2001, 2002),
            List.of(
                new Fan("OIBD", "SEK", "baseline", new double[] {1e9, nan, 3e9}, gaps, gaps, gaps)),
            List.of(
                new RecoveryCurve(
                    "baseline",
                    "x",
                    "equity",
                    new int[] {0},
                    new double[] {nan},
                    new double[] {nan},
                    new double[] {nan})),
            List.of(
                new RatioDistribution(
                    "CR",
                    "baseline",
                    2002,
                    new double[] {nan, Double.POSITIVE_INFINITY},
                    new double[] {1, 1})),
            List.of());
    Path dir = tmp.resolve("gaps");
    ScenarioReportWriter.write(gappy, dir);
    for (String name : chartFiles(dir)) {
      assertNotNull(ImageIO.read(dir.resolve("charts").resolve(name).toFile()), name);
    }
    assertEquals(Set.of("fan-oibd.png", "recovery-x-equity.png", "ratio-cr.png"), chartFiles(dir));
    // The last year's band is undefined: a dash; no firm has a defined ratio: weight 0.
    String md = read(dir.resolve("report.md"));
    assertTrue(md.contains("| OIBD | 3.00 bn SEK (" + ReportText.NONE + ") |"), md);
    assertTrue(md.contains("| CR | baseline | 2002 | 0 | " + ReportText.NONE + " |"), md);
  }

  @Test
  void refusesFanArraysThatDoNotMatchTheYears() {
    ReportData good = smallData();
    List<Fan> fans = new ArrayList<>(good.fans());
    fans.set(
        0,
        new Fan(
            "equity",
            "SEK",
            "baseline",
            new double[] {1},
            new double[] {1},
            new double[] {1},
            new double[] {1}));
    ReportData bad =
        new ReportData(
            good.title(),
            good.facts(),
            good.variants(),
            good.years(),
            fans,
            good.curves(),
            good.ratios(),
            good.recoveryTable());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioReportWriter.write(bad, tmp.resolve("bad")));
    assertEquals("fan 'equity' of variant 'baseline' has 1 values for 2 years", e.getMessage());
  }

  @Test
  void refusesAVariantNotInTheList() {
    ReportData good = smallData();
    ReportData bad =
        new ReportData(
            good.title(),
            good.facts(),
            List.of("baseline"),
            good.years(),
            good.fans().subList(0, 1),
            good.curves(),
            List.of(),
            List.of());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReportCharts.render(bad));
    assertTrue(
        e.getMessage().contains("names variant '<b>&x', not one of [baseline]"), e.getMessage());
  }
}
