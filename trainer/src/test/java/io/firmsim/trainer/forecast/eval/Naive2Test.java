package io.firmsim.trainer.forecast.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Naive2}: the seasonality test, the decomposition and the forecast on constructed series.
 */
class Naive2Test {
  private static final double[] PATTERN = {0.8, 1.2, 1.1, 0.9}; // mean 1

  /** 100 * PATTERN repeated: exactly seasonal, no trend. */
  private static double[] seasonal(int n) {
    double[] x = new double[n];
    for (int t = 0; t < n; t++) {
      x[t] = 100 * PATTERN[t % 4];
    }
    return x;
  }

  @Test
  void autocorrelationsAreRsAcf() {
    // x = 1,2,3,4: deviations -1.5,-0.5,0.5,1.5, sum of squares 5
    // r1 = (0.75 - 0.25 + 0.75) / 5 = 0.25; r2 = (-0.75 - 0.75) / 5 = -0.3; r3 = -2.25 / 5
    double[] r = Naive2.autocorrelations(new double[] {1, 2, 3, 4}, 3);
    assertArrayEquals(new double[] {1, 0.25, -0.3, -0.45}, r, 1e-15);
  }

  @Test
  void aSeasonalSeriesPassesTheTestAndNoiseDoesNot() {
    double[] x = seasonal(24);
    // the limit written out: 1.645 * sqrt((1 + 2 (r1^2 + r2^2 + r3^2)) / n)
    double[] r = Naive2.autocorrelations(x, 4);
    double limit =
        1.645 * Math.sqrt((1 + 2 * (r[1] * r[1] + r[2] * r[2] + r[3] * r[3])) / x.length);
    assertTrue(Math.abs(r[4]) > limit);
    assertTrue(Naive2.isSeasonal(x, 4));
    SplittableRandom rnd = new SplittableRandom(42);
    double[] noise = new double[48];
    for (int t = 0; t < noise.length; t++) {
      noise[t] = 100 + rnd.nextGaussian();
    }
    double[] rn = Naive2.autocorrelations(noise, 4);
    double limitN =
        1.645 * Math.sqrt((1 + 2 * (rn[1] * rn[1] + rn[2] * rn[2] + rn[3] * rn[3])) / 48);
    assertEquals(Math.abs(rn[4]) > limitN, Naive2.isSeasonal(noise, 4));
    assertFalse(Naive2.isSeasonal(noise, 4));
    assertArrayEquals(new double[] {noise[47], noise[47]}, Naive2.forecast(noise, 4, 2));
  }

  @Test
  void theTestNeedsThreeFullPeriodsAndASeasonalPeriod() {
    assertFalse(Naive2.isSeasonal(seasonal(11), 4)); // n < 3m
    assertTrue(Naive2.isSeasonal(seasonal(12), 4));
    assertFalse(Naive2.isSeasonal(seasonal(24), 1));
    double[] x = seasonal(11);
    assertArrayEquals(new double[] {x[10], x[10], x[10]}, Naive2.forecast(x, 4, 3));
  }

  @Test
  void anExactlySeasonalSeriesIsContinuedExactly() {
    for (int n = 16; n < 20; n++) { // the last value at every position of the cycle
      double[] x = seasonal(n);
      assertArrayEquals(PATTERN, Naive2.seasonalIndices(x, 4), 1e-12);
      double[] f = Naive2.forecast(x, 4, 6);
      for (int h = 0; h < 6; h++) {
        assertEquals(100 * PATTERN[(n + h) % 4], f[h], 1e-9, "n = " + n + ", h = " + (h + 1));
      }
    }
  }

  @Test
  void indicesAverageTheRatiosToTheCenteredMovingAverage() {
    // m = 2, x = 1,3,1,3,2,6: 2x2 MA at t = 1..4 (0-based): (x[t-1] + 2x[t] + x[t+1]) / 4
    // t1: (1+6+1)/4 = 2 -> 3/2; t2: (3+2+3)/4 = 2 -> 1/2; t3: (1+6+2)/4 = 2.25 -> 3/2.25;
    // t4: (3+4+6)/4 = 3.25 -> 2/3.25. position 0: (1/2 + 2/3.25)/2, position 1: (3/2 + 3/2.25)/2
    double[] x = {1, 3, 1, 3, 2, 6};
    double p0 = (0.5 + 2 / 3.25) / 2;
    double p1 = (1.5 + 3 / 2.25) / 2;
    double mean = (p0 + p1) / 2;
    assertArrayEquals(new double[] {p0 / mean, p1 / mean}, Naive2.seasonalIndices(x, 2), 1e-15);
    // medial: at most two ratios per position, nothing dropped
    assertArrayEquals(Naive2.seasonalIndices(x, 2), Naive2.medialSeasonalIndices(x, 2), 0);
    // odd m = 3: a plain 3-term MA; x = 1,2,3,1,2,3: t1..t4 MA = 2 -> ratios 1, 1.5, 0.5, 1
    double[] y = {1, 2, 3, 1, 2, 3};
    double q0 = 0.5;
    double q1 = 1;
    double q2 = 1.5;
    assertArrayEquals(new double[] {q0, q1, q2}, Naive2.seasonalIndices(y, 3), 1e-15);
  }

  @Test
  void theMedialAverageDropsTheLargestAndSmallestRatio() {
    // m = 2 with 8 values: ratios at t = 1..6, three per position
    double[] x = {1, 3, 1, 3, 2, 6, 1, 4};
    double[] ratio = new double[8];
    for (int t = 1; t < 7; t++) {
      ratio[t] = x[t] / ((x[t - 1] + 2 * x[t] + x[t + 1]) / 4);
    }
    double[] sorted0 = {ratio[2], ratio[4], ratio[6]};
    double[] sorted1 = {ratio[1], ratio[3], ratio[5]};
    java.util.Arrays.sort(sorted0);
    java.util.Arrays.sort(sorted1);
    double p0 = sorted0[1];
    double p1 = sorted1[1];
    double mean = (p0 + p1) / 2;
    assertArrayEquals(
        new double[] {p0 / mean, p1 / mean}, Naive2.medialSeasonalIndices(x, 2), 1e-15);
    double m0 = (ratio[2] + ratio[4] + ratio[6]) / 3;
    double m1 = (ratio[1] + ratio[3] + ratio[5]) / 3;
    double meanAll = (m0 + m1) / 2;
    assertArrayEquals(
        new double[] {m0 / meanAll, m1 / meanAll}, Naive2.seasonalIndices(x, 2), 1e-15);
  }

  @Test
  void aSeasonalSeriesWithAZeroMovingAverageIsRefused() {
    // eight zeros, then the pattern: the moving average is 0 over the zeros, the ratio 0/0 (the
    // series is long enough for the pattern to pass the test despite the level shift)
    double[] x = new double[48];
    for (int t = 8; t < 48; t++) {
      x[t] = 100 * PATTERN[t % 4];
    }
    assertTrue(Naive2.isSeasonal(x, 4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Naive2.forecast(x, 4, 4));
    assertTrue(e.getMessage().contains("needs positive values"), e.getMessage());
  }
}
