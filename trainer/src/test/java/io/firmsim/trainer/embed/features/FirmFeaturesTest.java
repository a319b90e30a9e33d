package io.firmsim.trainer.embed.features;

import static io.firmsim.trainer.embed.features.FirmFeature.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

/**
 * The features of a hand-made 2-firm panel equal their definitions worked out by hand (the numbers
 * in the comments), undefined ratios are 0 with their indicator 0, and a ratio past the clip is
 * clipped; on a simulated panel, the previous year's total assets that the features rebuild from
 * the accounting identities equal the previous row's, every value is bounded by the clip and every
 * indicator is 0 or 1.
 */
class FirmFeaturesTest {
  private static final double EPS = 1e-12;

  @Test
  void featuresOfTheTwoFirmPanelMatchHandComputations() {
    Panel p = HandPanel.twoFirms();
    double[][] f = FirmFeatures.compute(p);
    double[] a = f[1]; // firm 1, 2002: K = 300 + 200 + 100 + 400 = 1000
    assertEquals(Math.log1p(0.4), a[DEBT_RATIO.ordinal()], EPS); // (150 + 250) / 1000
    assertEquals(Math.log(3), a[CURRENT_RATIO.ordinal()], EPS); // 300 / 150 = 2
    assertEquals(1, a[CURRENT_RATIO_DEFINED.ordinal()]);
    assertEquals(Math.log1p(0.35), a[EQUITY_RATIO.ordinal()], EPS); // (100 + 50 + 200) / 1000
    assertEquals(Math.log1p(0.12), a[RETURN_OIBD.ordinal()], EPS);
    assertEquals(Math.log1p(0.06), a[RETURN_NBI.ordinal()], EPS);
    // K_1 = (300 - 50) + (200 - 40 + 10 + 30) + (100 - 20 + 10) + (400 + 100) = 1040
    assertEquals(-Math.log1p(40.0 / 1040), a[ASSET_GROWTH.ordinal()], EPS);
    assertEquals(Math.log1p(40.0 / 1040), a[OIBD_GROWTH.ordinal()], EPS); // (120 - 80) / 1040
    assertEquals(1, a[OIBD_GROWTH_DEFINED.ordinal()]);
    assertEquals(Math.log1p(0.2), a[MA_INVESTMENT_RATE.ordinal()], EPS); // 40 / 200
    assertEquals(Math.log1p(0.15), a[MA_DEPRECIATION_RATE.ordinal()], EPS); // 30 / 200
    assertEquals(1, a[MA_DEFINED.ordinal()]);
    assertEquals(Math.log1p(20.0 / 90), a[BU_INVESTMENT_RATE.ordinal()], EPS); // BU_1 = 90
    assertEquals(Math.log1p(10.0 / 90), a[BU_DEPRECIATION_RATE.ordinal()], EPS);
    assertEquals(1, a[BU_DEFINED.ordinal()]);
    assertEquals(Math.log1p(0.005), a[RESERVE_RELEASE.ordinal()], EPS);
    assertEquals(Math.log1p(0.015), a[RESERVE_ALLOCATION.ordinal()], EPS);
    assertEquals(Math.log1p(0.22), a[TAX_RATE.ordinal()], EPS); // 22 / 100
    assertEquals(1, a[TAX_RATE_DEFINED.ordinal()]);

    double[] first = f[0]; // firm 1, 2001: no previous row
    assertEquals(0, first[OIBD_GROWTH.ordinal()]);
    assertEquals(0, first[OIBD_GROWTH_DEFINED.ordinal()]);

    double[] b = f[2]; // firm 2, 2001: K = 50
    assertEquals(Math.log1p(0.4), b[DEBT_RATIO.ordinal()], EPS); // 20 / 50
    assertEquals(-Math.log1p(0.2), b[RETURN_OIBD.ordinal()], EPS); // -10 / 50
    assertEquals(-10, b[RETURN_NBI.ordinal()]); // -40000: log1p is 10.6, clipped
    assertEquals(0, b[EQUITY_RATIO.ordinal()]);
    assertEquals(0, b[ASSET_GROWTH.ordinal()]); // nothing moved: K_1 = K
    for (FirmFeature undefined :
        new FirmFeature[] {
          CURRENT_RATIO,
          MA_INVESTMENT_RATE,
          MA_DEPRECIATION_RATE,
          BU_INVESTMENT_RATE,
          BU_DEPRECIATION_RATE,
          TAX_RATE,
          OIBD_GROWTH
        }) {
      assertEquals(0, b[undefined.ordinal()], undefined.name());
    }
    for (FirmFeature indicator :
        new FirmFeature[] {
          CURRENT_RATIO_DEFINED, MA_DEFINED, BU_DEFINED, TAX_RATE_DEFINED, OIBD_GROWTH_DEFINED
        }) {
      assertEquals(0, b[indicator.ordinal()], indicator.name());
    }
  }

  @Test
  void transformIsOddMonotoneAndClipped() {
    assertEquals(0, FirmFeatures.transform(0));
    assertEquals(Math.log(2), FirmFeatures.transform(1), EPS);
    assertEquals(-Math.log(2), FirmFeatures.transform(-1), EPS);
    assertEquals(10, FirmFeatures.transform(1e9));
    assertEquals(-10, FirmFeatures.transform(-1e9));
    assertTrue(FirmFeatures.transform(0.5) < FirmFeatures.transform(0.6));
  }

  @Test
  void rebuiltLagsAgreeWithThePreviousRowOnASimulatedPanel() {
    Panel p = StatedLevelNoise.simulatePanel(PaperModel.load(), 150, 5, 3, 17);
    double[][] f = FirmFeatures.compute(p);
    int checked = 0;
    for (int r = 0; r < p.rows(); r++) {
      for (FirmFeature feature : FirmFeature.all()) {
        double v = f[r][feature.ordinal()];
        assertTrue(Math.abs(v) <= FirmFeatures.CLIP, feature + " row " + r + ": " + v);
        if (feature.indicator()) {
          assertTrue(v == 0 || v == 1, feature + " row " + r + ": " + v);
        }
      }
      int prev = p.previousRow(r);
      assertEquals(prev >= 0 ? 1 : 0, f[r][OIBD_GROWTH_DEFINED.ordinal()]);
      if (prev >= 0) {
        double k = Math.max(1, assets(p, r));
        double kLag = Math.max(1, assets(p, prev));
        assertEquals(
            FirmFeatures.transform(k / kLag - 1), f[r][ASSET_GROWTH.ordinal()], 1e-9, "row " + r);
        checked++;
      }
    }
    assertEquals(150 * 4, checked);
  }

  private static double assets(Panel p, int r) {
    return p.state(r, StateVariable.CA)
        + p.state(r, StateVariable.MA)
        + p.state(r, StateVariable.BU)
        + p.state(r, StateVariable.OFA);
  }
}
