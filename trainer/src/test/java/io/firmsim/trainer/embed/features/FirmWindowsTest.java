package io.firmsim.trainer.embed.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.panel.Panel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows hold each firm's standardised features year by year (checked value by value against the
 * features and the scaling), in firm and year order with the right end years, for every window
 * ({@code ALL}) or each firm's last ({@code LATEST}); firms with fewer than k years are skipped and
 * counted; a panel with a gap in a firm's years is refused naming the firm and the missing year,
 * from memory and from a CSV file (naming the file); the CSV path gives the same windows as the
 * in-memory panel.
 */
class FirmWindowsTest {
  private static final Map<String, Double> ROW =
      Map.of("CA", 300.0, "MA", 200.0, "CL", 100.0, "OIBD", 50.0);

  private static Panel threeFirms() {
    // firm 7: 2001..2004 (rows given out of order), firm 3: 2002..2003, firm 9: 2005 only
    return new HandPanel()
        .row(7, 2003, Map.of("CA", 100.0, "CL", 80.0, "OIBD", 10.0))
        .row(7, 2001, ROW)
        .row(3, 2002, ROW)
        .row(7, 2002, Map.of("CA", 200.0, "CL", 40.0, "OIBD", 30.0))
        .row(9, 2005, ROW)
        .row(7, 2004, Map.of("CA", 400.0, "CL", 20.0, "OIBD", 60.0))
        .row(3, 2003, Map.of("CA", 50.0, "OIBD", 5.0))
        .build();
  }

  @Test
  void windowsFollowFirmsAndYears() {
    Panel p = threeFirms();
    double[][] f = FirmFeatures.compute(p);
    FeatureScaling s = FeatureScaling.fit(f);
    FirmWindows all = FirmWindows.of(p, f, "hand", 2, s, FirmWindows.Selection.ALL);
    assertEquals(4, all.size()); // firm 3: 1, firm 7: 3, firm 9: none
    assertEquals(1, all.skippedFirms());
    assertArrayEquals(new long[] {3, 7, 7, 7}, all.firmIds());
    assertArrayEquals(new int[] {2003, 2002, 2003, 2004}, all.endYears());
    assertEquals(2, all.length());
    float[][][] x = all.toArray();
    // window 2: firm 7, years 2002 (panel row 3) and 2003 (panel row 0)
    for (int i = 0; i < FirmFeature.count(); i++) {
      assertEquals((float) s.apply(i, f[3][i]), x[2][0][i], FirmFeature.all().get(i).name());
      assertEquals((float) s.apply(i, f[0][i]), x[2][1][i], FirmFeature.all().get(i).name());
      assertEquals(x[2][1][i], all.value(2, 1, i));
    }
    FirmWindows latest = FirmWindows.of(p, f, "hand", 3, s, FirmWindows.Selection.LATEST);
    assertEquals(1, latest.size());
    assertEquals(7, latest.firmId(0));
    assertEquals(2004, latest.endYear(0));
    assertEquals(2, latest.skippedFirms());
    float[][][] y = latest.toArray();
    assertArrayEquals(x[3][1], y[0][2]); // both end in firm 7's 2004
    assertArrayEquals(x[2][1], y[0][1]);
  }

  @Test
  void aGapInAFirmsYearsIsRefused() {
    Panel p =
        new HandPanel()
            .row(1, 2001, ROW)
            .row(1, 2002, ROW)
            .row(5, 2001, ROW)
            .row(5, 2004, ROW)
            .build();
    FeatureScaling s = FeatureScaling.fit(FirmFeatures.compute(p));
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> FirmWindows.of(p, "panel.csv", 1, s, FirmWindows.Selection.ALL));
    assertTrue(
        e.getMessage().startsWith("panel.csv: firm 5 has year 2004 after year 2001"),
        e.getMessage());
    assertTrue(e.getMessage().contains("lacks years 2002..2003"), e.getMessage());
  }

  @Test
  void aCsvPanelGivesTheSameWindowsAndItsGapsNameTheFile(@TempDir Path tmp) throws Exception {
    Panel p = threeFirms();
    Path csv = tmp.resolve("panel.csv");
    write(p, csv);
    FeatureScaling s = FeatureScaling.fit(FirmFeatures.compute(p));
    FirmWindows memory = FirmWindows.of(p, "memory", 2, s, FirmWindows.Selection.ALL);
    FirmWindows file = FirmWindows.fromCsv(csv, 2, s, FirmWindows.Selection.ALL);
    assertArrayEquals(memory.flat(), file.flat());
    assertArrayEquals(memory.firmIds(), file.firmIds());

    Panel gap = new HandPanel().row(4, 2001, ROW).row(4, 2003, ROW).build();
    Path bad = tmp.resolve("gap.csv");
    write(gap, bad);
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> FirmWindows.fromCsv(bad, 2, s, FirmWindows.Selection.LATEST));
    assertTrue(e.getMessage().startsWith(bad + ": firm 4 has year 2003"), e.getMessage());
  }

  private static void write(Panel p, Path file) throws Exception {
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, false)) {
      w.write(p.firmIds(), p.years(), p.state(), p.flows(), p.rows());
    }
  }
}
