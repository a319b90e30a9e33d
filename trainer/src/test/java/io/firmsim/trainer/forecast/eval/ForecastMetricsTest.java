package io.firmsim.trainer.forecast.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link ForecastMetrics} and {@link Accuracy} on cases computed by hand (in the comments). */
class ForecastMetricsTest {
  private static final double EPS = 1e-12;

  @Test
  void positiveValuesGiveTheSameSmapeInBothFormsAndTheHandComputedMape() {
    double[] y = {100, 200};
    double[] f = {110, 180};
    // 200/2 * (10/210 + 20/380) = 100 * (0.0476190476190 + 0.0526315789474)
    double smape = 100 * (10.0 / 210 + 20.0 / 380);
    assertEquals(10.025062656641603, smape, 1e-12);
    assertEquals(smape, ForecastMetrics.smapeM4(y, f), EPS);
    assertEquals(smape, ForecastMetrics.smapeM3(y, f), EPS);
    // 100/2 * (10/100 + 20/200) = 10
    assertEquals(10, ForecastMetrics.mape(y, f), EPS);
    assertEquals(15, ForecastMetrics.mae(y, f), EPS);
  }

  @Test
  void aNegativeActualSeparatesTheM3AndM4Forms() {
    // N2786's case: y = -1200. M4: 200 * 2000 / (1200 + 800) = 200.
    // M3: 200 * 2000 / (-1200 + 800) = -1000.
    double[] y = {-1200};
    double[] f = {800};
    assertEquals(200, ForecastMetrics.smapeM4(y, f), EPS);
    assertEquals(-1000, ForecastMetrics.smapeM3(y, f), EPS);
    // MAPE: 100 * 2000 / 1200
    assertEquals(100 * 2000.0 / 1200, ForecastMetrics.mape(y, f), EPS);
    // A negative forecast: y = 10, f = -5. M4: 200 * 15 / 15 = 200; M3: 200 * 15 / 5 = 600.
    assertEquals(200, ForecastMetrics.smapeM4(new double[] {10}, new double[] {-5}), EPS);
    assertEquals(600, ForecastMetrics.smapeM3(new double[] {10}, new double[] {-5}), EPS);
  }

  @Test
  void zeroDenominatorsCountZeroWhenThePointIsExactAndInfiniteOtherwise() {
    double[] y = {0, 100};
    double[] f = {0, 50};
    // the first term is 0/0 and counts 0: 200/2 * (0 + 50/150) = 33.33...
    assertEquals(100.0 / 3, ForecastMetrics.smapeM4(y, f), EPS);
    assertEquals(100.0 / 3, ForecastMetrics.smapeM3(y, f), EPS);
    // MAPE: 100/2 * (0 + 50/100) = 25
    assertEquals(25, ForecastMetrics.mape(y, f), EPS);
    // y = 0 with f != 0: sMAPE M4 is bounded (200), MAPE is not.
    assertEquals(200, ForecastMetrics.smapeM4(new double[] {0}, new double[] {5}), EPS);
    assertEquals(
        Double.POSITIVE_INFINITY, ForecastMetrics.mape(new double[] {0}, new double[] {5}));
    // y + f = 0 with y != 0: the M3 form is infinite, the M4 form 200.
    assertEquals(
        Double.POSITIVE_INFINITY, ForecastMetrics.smapeM3(new double[] {-3}, new double[] {3}));
    assertEquals(200, ForecastMetrics.smapeM4(new double[] {-3}, new double[] {3}), EPS);
  }

  @Test
  void maseScalesByTheInSampleSeasonalNaiveError() {
    double[] train = {1, 3, 2, 5, 4};
    double[] y = {6, 7};
    double[] f = {5, 5};
    // m = 1: |3-1| + |2-3| + |5-2| + |4-5| = 7 over 4 -> 1.75; MAE (1 + 2)/2 = 1.5
    assertEquals(1.75, ForecastMetrics.maseScale(train, 1), EPS);
    assertEquals(1.5 / 1.75, ForecastMetrics.mase(train, 1, y, f), EPS);
    // m = 2: |2-1| + |5-3| + |4-2| = 5 over 3
    assertEquals(5.0 / 3, ForecastMetrics.maseScale(train, 2), EPS);
    assertEquals(0.9, ForecastMetrics.mase(train, 2, y, f), EPS);
    assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.maseScale(train, 5));
    assertThrows(IllegalArgumentException.class, () -> ForecastMetrics.maseScale(train, 0));
  }

  @Test
  void mismatchedLengthsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ForecastMetrics.smapeM4(new double[] {1, 2}, new double[] {1}));
    assertThrows(
        IllegalArgumentException.class, () -> ForecastMetrics.mape(new double[0], new double[0]));
  }

  @Test
  void groupsAverageSmapeOverPointsAndMaseOverSeries() {
    double[] train = {1, 2, 3}; // m = 1 scale: 1
    // series a: h = 1, y 10 f 10 -> sMAPE 0, MASE 0
    // series b: h = 3, y 1,1,1 f 3,3,3 -> sMAPE 200 * 2/4 = 100, MASE 2
    Accuracy a =
        new Accuracy.Accumulator().add(train, 1, new double[] {10}, new double[] {10}).build();
    Accuracy b =
        new Accuracy.Accumulator()
            .add(train, 1, new double[] {1, 1, 1}, new double[] {3, 3, 3})
            .build();
    Accuracy all = new Accuracy.Accumulator().add(a).add(b).build();
    assertEquals(2, all.series());
    assertEquals(4, all.points());
    // points: (0 * 1 + 100 * 3) / 4 = 75, not the series mean 50
    assertEquals(75, all.smapeM4(), EPS);
    assertEquals(75, all.smapeM3(), EPS);
    // MAPE: b's terms are 200 each -> (0 + 600) / 4
    assertEquals(150, all.mape(), EPS);
    // series: (0 + 2) / 2
    assertEquals(1, all.mase(), EPS);
    // the same as adding the two series to one accumulator
    Accuracy direct =
        new Accuracy.Accumulator()
            .add(train, 1, new double[] {10}, new double[] {10})
            .add(train, 1, new double[] {1, 1, 1}, new double[] {3, 3, 3})
            .build();
    assertEquals(direct, all);
    assertThrows(IllegalStateException.class, () -> new Accuracy.Accumulator().build());
  }

  @Test
  void owaIsTheMeanOfTheTwoRatiosOfAverages() {
    Accuracy method = new Accuracy(3, 18, 10, 11, 12, 1);
    Accuracy naive2 = new Accuracy(3, 18, 20, 21, 22, 4);
    // (10/20 + 1/4) / 2
    assertEquals(0.375, method.owa(naive2), EPS);
    assertEquals(1, naive2.owa(naive2), EPS);
    assertThrows(
        IllegalArgumentException.class, () -> method.owa(new Accuracy(2, 12, 20, 21, 22, 4)));
  }
}
