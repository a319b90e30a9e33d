package io.firmsim.trainer.forecast.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregation of the quarterly excerpt (1959Q2-1963Q4, test resources) checked by hand, the history
 * file round trip, and refusals that name the file, row and column.
 */
class AnnualMacroHistoryTest {
  @TempDir Path tmp;

  static Path excerpt() throws Exception {
    return Path.of(
        AnnualMacroHistoryTest.class
            .getResource("/forecast/macro/us-quarterly-1959-1963.csv")
            .toURI());
  }

  @Test
  void quarterlyExcerptAggregatesToCompleteYearsByHand() throws Exception {
    AnnualMacroHistory h = AnnualMacroHistory.fromQuarterly(excerpt());
    // 1959 lacks Q1, so the complete years are 1960..1963 and growth starts in 1961.
    assertEquals(1961, h.firstYear());
    assertEquals(1963, h.lastYear());
    // mean real GDP: 1960 (2847.699 + 2834.390 + 2839.022 + 2802.616) / 4 = 2830.93175,
    // 1961 (2819.264 + 2872.005 + 2918.419 + 2977.830) / 4 = 2896.8795,
    // 1962 (3031.241 + 3064.709 + 3093.047 + 3100.563) / 4 = 3072.39,
    // 1963 (3141.087 + 3180.447 + 3240.332 + 3264.967) / 4 = 3206.70825
    assertArrayEquals(
        new double[] {
          100 * (2896.8795 / 2830.93175 - 1),
          100 * (3072.39 / 2896.8795 - 1),
          100 * (3206.70825 / 3072.39 - 1)
        },
        h.growthPct(),
        1e-12);
    assertArrayEquals(
        new double[] {2.329542208144015, 6.05860547530541, 4.371783855565211},
        h.growthPct(),
        1e-12);
    // mean real rate: 1961 (2.77 + 0.81 + 1.52 + 1.8) / 4, 1962 (0.47 + 2.65 + 0.67 + 2.08) / 4,
    // 1963 (2.38 + 0.29 + 2.6 + 1.06) / 4
    assertArrayEquals(new double[] {1.725, 1.4675, 1.5825}, h.realrPct(), 1e-12);
  }

  @Test
  void writtenHistoryReadsBackExactly() throws Exception {
    AnnualMacroHistory h =
        AnnualMacroHistory.of(2001, new double[] {0.1, -2.5e-7, 3}, new double[] {1.0 / 3, 0, -1});
    StringWriter w = new StringWriter();
    h.write(w);
    assertTrue(w.toString().startsWith(AnnualMacroHistory.HEADER + "\n2001,0.1,"), w.toString());
    Path f = tmp.resolve("h.csv");
    Files.writeString(f, w.toString());
    AnnualMacroHistory back = AnnualMacroHistory.read(f);
    assertEquals(2001, back.firstYear());
    assertArrayEquals(h.growthPct(), back.growthPct(), 0.0);
    assertArrayEquals(h.realrPct(), back.realrPct(), 0.0);
    // columns in another order are fine
    Files.writeString(f, "realr_pct,year,gdp_growth_pct\n2,1990,3\n4,1991,5\n");
    AnnualMacroHistory other = AnnualMacroHistory.read(f);
    assertEquals(1990, other.firstYear());
    assertArrayEquals(new double[] {3, 5}, other.growthPct());
    assertArrayEquals(new double[] {2, 4}, other.realrPct());
  }

  private String refused(String content) throws Exception {
    Path f = tmp.resolve("bad.csv");
    Files.writeString(f, content);
    return assertThrows(BadInputException.class, () -> AnnualMacroHistory.read(f)).getMessage();
  }

  private String refusedQuarterly(String content) throws Exception {
    Path f = tmp.resolve("q.csv");
    Files.writeString(f, content);
    return assertThrows(BadInputException.class, () -> AnnualMacroHistory.fromQuarterly(f))
        .getMessage();
  }

  @Test
  void badHistoryFilesNameFileRowAndColumn() throws Exception {
    String h = AnnualMacroHistory.HEADER + "\n";
    String m = refused(h + "1990,1,2\n1992,1,2\n");
    assertTrue(m.contains("bad.csv, row 3, column 'year'"), m);
    m = refused(h + "1990,1,2\n1991,x,2\n");
    assertTrue(m.contains("row 3, column 'gdp_growth_pct': not a number: 'x'"), m);
    m = refused(h + "1990,1,\n");
    assertTrue(m.contains("row 2, column 'realr_pct': missing value"), m);
    m = refused(h + "1990,1,Infinity\n");
    assertTrue(m.contains("row 2, column 'realr_pct'"), m);
    m = refused(h + "1990,1\n");
    assertTrue(m.contains("row 2") && m.contains("expected 3 cells"), m);
    m = refused("year,gdp_growth,realr_pct\n1990,1,2\n");
    assertTrue(m.contains("bad.csv") && m.contains("gdp_growth"), m);
    m = refused(h);
    assertTrue(m.contains("no data rows"), m);
    m = refused(h + "19x0,1,2\n");
    assertTrue(m.contains("row 2, column 'year'"), m);
  }

  @Test
  void badQuarterlyFilesNameFileRowAndColumn() throws Exception {
    String h = "quarter,real_gdp_bn_2005usd,real_interest_rate_pct,other\n";
    String m = refusedQuarterly(h + "1960Q1,1,2,a\n1960Q3,1,2,b\n");
    assertTrue(m.contains("q.csv, row 3, column 'quarter'"), m);
    assertTrue(m.contains("1960Q3 follows 1960Q1"), m);
    m = refusedQuarterly(h + "1960-1,1,2,a\n");
    assertTrue(m.contains("row 2, column 'quarter': a quarter must look like 1959Q2"), m);
    m = refusedQuarterly(h + "1960Q1,0,2,a\n");
    assertTrue(m.contains("row 2, column 'real_gdp_bn_2005usd'"), m);
    m = refusedQuarterly(h + "1960Q1,1,,a\n");
    assertTrue(m.contains("row 2, column 'real_interest_rate_pct': missing value"), m);
    m = refusedQuarterly("quarter,real_gdp_bn_2005usd\n1960Q1,1\n");
    assertTrue(m.contains("real_interest_rate_pct"), m);
    // one complete year (1960) and a partial one: no growth can be formed
    m =
        refusedQuarterly(
            h + "1960Q1,1,1,a\n1960Q2,1,1,a\n1960Q3,1,1,a\n1960Q4,1,1,a\n1961Q1,1,1,a\n");
    assertTrue(m.contains("found 1 complete year(s)"), m);
    // years across the year boundary are consecutive
    AnnualMacroHistory ok =
        AnnualMacroHistory.fromQuarterly(
            write(
                h
                    + "1960Q1,1,1,a\n1960Q2,1,1,a\n1960Q3,1,1,a\n1960Q4,1,1,a\n"
                    + "1961Q1,2,4,a\n1961Q2,2,4,a\n1961Q3,2,0,a\n1961Q4,2,0,a\n"));
    assertEquals(1961, ok.firstYear());
    assertArrayEquals(new double[] {100.0}, ok.growthPct());
    assertArrayEquals(new double[] {2.0}, ok.realrPct());
  }

  private Path write(String content) throws Exception {
    Path f = tmp.resolve("ok.csv");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void valuesMustBeFiniteAndMatch() {
    assertThrows(
        IllegalArgumentException.class,
        () -> AnnualMacroHistory.of(1, new double[] {1}, new double[] {1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> AnnualMacroHistory.of(1, new double[0], new double[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> AnnualMacroHistory.of(1, new double[] {Double.NaN}, new double[] {1}));
  }
}
