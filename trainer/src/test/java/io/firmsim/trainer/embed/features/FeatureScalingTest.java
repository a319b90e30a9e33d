package io.firmsim.trainer.embed.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The scaling's statistics are the median and interquartile range worked out by hand (type 7
 * quantiles), with the standard deviation where the IQR is 0 and 1 where that is 0 too; indicators
 * pass unchanged; standardised values are clipped; the JSON form round-trips exactly through text
 * and another format, version or feature list is refused.
 */
class FeatureScalingTest {
  private static double[][] rows(double[] debt, double[] equity) {
    int f = FirmFeature.count();
    double[][] rows = new double[debt.length][f];
    for (int r = 0; r < debt.length; r++) {
      rows[r][FirmFeature.DEBT_RATIO.ordinal()] = debt[r];
      rows[r][FirmFeature.EQUITY_RATIO.ordinal()] = equity[r];
      rows[r][FirmFeature.MA_DEFINED.ordinal()] = r % 2;
    }
    return rows;
  }

  @Test
  void statisticsAreMedianAndIqrByHand() {
    // debt: 1, 2, 3, 4, 10 -> median 3, Q1 2, Q3 4, IQR 2
    // equity: 0, 0, 0, 0, 5 -> IQR 0, sd = sqrt((4 * 1 + 16) / 5) = 2, median 0
    FeatureScaling s =
        FeatureScaling.fit(rows(new double[] {4, 1, 10, 3, 2}, new double[] {0, 5, 0, 0, 0}));
    int debt = FirmFeature.DEBT_RATIO.ordinal();
    int equity = FirmFeature.EQUITY_RATIO.ordinal();
    int other = FirmFeature.RETURN_NBI.ordinal(); // all zero: scale 1
    int indicator = FirmFeature.MA_DEFINED.ordinal();
    assertEquals(3, s.center()[debt]);
    assertEquals(2, s.scale()[debt]);
    assertEquals(0, s.center()[equity]);
    assertEquals(2, s.scale()[equity], 1e-15);
    assertEquals(1, s.scale()[other]);
    assertEquals(0, s.center()[indicator]);
    assertEquals(1, s.scale()[indicator]);
    assertEquals(0.5, s.apply(debt, 4), 1e-15);
    assertEquals(1, s.apply(indicator, 1));
    assertEquals(10, s.apply(debt, 1e6)); // clipped
    // type 7 at p = 0.3 of 1..4: h = 0.9 -> 1 + 0.9
    assertEquals(1.9, FeatureScaling.quantile(new double[] {1, 2, 3, 4}, 0.3), 1e-15);
  }

  @Test
  void jsonRoundTripsExactlyAndRefusesOtherFormats() throws Exception {
    FeatureScaling s =
        FeatureScaling.fit(
            rows(new double[] {0.1, 0.37, 1.0 / 3, 0.9}, new double[] {Math.PI, 1e-7, 2, 3}));
    ObjectMapper mapper = new ObjectMapper();
    String text = mapper.writeValueAsString(s.toJson());
    assertEquals(s, FeatureScaling.fromJson(mapper.readTree(text)));

    ObjectNode version = s.toJson();
    version.put("formatVersion", 2);
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> FeatureScaling.fromJson(version))
            .getMessage()
            .contains("version"));
    ObjectNode format = s.toJson();
    format.put("format", "something-else");
    assertThrows(IllegalArgumentException.class, () -> FeatureScaling.fromJson(format));
    ObjectNode names = s.toJson();
    names.withArray("features").set(0, mapper.getNodeFactory().textNode("LEVERAGE"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> FeatureScaling.fromJson(names))
            .getMessage()
            .contains("LEVERAGE"));
    ObjectNode zero = s.toJson();
    zero.withArray("scale").set(0, mapper.getNodeFactory().numberNode(0.0));
    assertThrows(IllegalArgumentException.class, () -> FeatureScaling.fromJson(zero));
  }
}
