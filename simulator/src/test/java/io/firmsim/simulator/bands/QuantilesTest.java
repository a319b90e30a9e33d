package io.firmsim.simulator.bands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Quantiles} against values R's {@code quantile(x, p)} (type 7) prints. */
class QuantilesTest {
  @Test
  void type7MatchesR() {
    // R: quantile(1:10, c(0.05, 0.5, 0.95)) -> 1.45 5.50 9.55
    double[] x = {10, 3, 1, 7, 2, 9, 4, 6, 5, 8};
    assertEquals(1.45, Quantiles.type7(x, 0.05), 1e-14);
    assertEquals(5.5, Quantiles.type7(x, 0.5), 1e-14);
    assertEquals(9.55, Quantiles.type7(x, 0.95), 1e-14);
    assertEquals(10, x[0]); // not sorted in place
    // R: quantile(c(3, -1, 2.5), c(0, 0.05, 0.95, 1)) -> -1.00 -0.65 2.95 3.00
    double[] y = {3, -1, 2.5};
    assertEquals(-1, Quantiles.type7(y, 0), 0);
    assertEquals(-0.65, Quantiles.type7(y, 0.05), 1e-14);
    assertEquals(2.95, Quantiles.type7(y, 0.95), 1e-14);
    assertEquals(3, Quantiles.type7(y, 1), 0);
    // R: quantile(c(2, 4), 0.05) -> 2.1
    assertEquals(2.1, Quantiles.type7(new double[] {4, 2}, 0.05), 1e-14);
  }

  @Test
  void equalValuesGiveThatValueExactly() {
    // 0.1 * 3 / 3 != 0.1 in doubles: the mean must not be a plain sum / n
    double v = 0.1;
    double[] x = {v, v, v};
    assertEquals(v, Quantiles.mean(x), 0);
    for (double p : new double[] {0, 0.05, 0.5, 0.95, 1}) {
      assertEquals(v, Quantiles.type7(x, p), 0);
    }
    assertEquals(7.25, Quantiles.type7(new double[] {7.25}, 0.95), 0);
  }

  @Test
  void meanOfDifferentValues() {
    assertEquals(2.5, Quantiles.mean(new double[] {1, 2, 3, 4}), 1e-14);
    assertEquals(-1e12 / 3, Quantiles.mean(new double[] {-1e12, 0, 0}), 1e-3);
  }

  @Test
  void refusesEmptyInputAndBadProbabilities() {
    assertThrows(IllegalArgumentException.class, () -> Quantiles.type7(new double[0], 0.5));
    assertThrows(IllegalArgumentException.class, () -> Quantiles.mean(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> Quantiles.type7(new double[] {1}, 1.5));
    assertThrows(
        IllegalArgumentException.class, () -> Quantiles.type7(new double[] {1}, Double.NaN));
    assertTrue(Double.isNaN(Quantiles.type7(new double[] {1, Double.NaN}, 0.5)));
  }
}
