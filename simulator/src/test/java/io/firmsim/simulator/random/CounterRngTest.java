package io.firmsim.simulator.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** Draws are pure functions of their key, uniform, and uncorrelated across firms and streams. */
class CounterRngTest {
  private static final boolean[] ALL = allStreams();

  private static boolean[] allStreams() {
    boolean[] b = new boolean[24];
    Arrays.fill(b, true);
    return b;
  }

  @Test
  void drawDependsOnlyOnItsKeyNotOnTheBatch() {
    CounterRng rng = new CounterRng(42);
    long[] ids = new long[1000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 5000 + i;
    }
    double[] whole = new double[1000 * 24];
    rng.fill(ids, 0, 1000, 7, ALL, whole);
    double[] part = new double[300 * 24];
    rng.fill(ids, 650, 300, 7, ALL, part);
    for (int i = 0; i < 300; i++) {
      for (int k = 0; k < 24; k++) {
        assertEquals(whole[(650 + i) * 24 + k], part[i * 24 + k]);
        assertEquals(new CounterRng(42).uniform(5650 + i, 7, k + 1), part[i * 24 + k]);
      }
    }
    assertNotEquals(new CounterRng(42).uniform(1, 7, 1), new CounterRng(43).uniform(1, 7, 1));
    assertNotEquals(rng.uniform(1, 7, 1), rng.uniform(1, 8, 1));
  }

  @Test
  void floatDrawIsTheDoubleDrawRoundedDownTo24Bits() {
    CounterRng rng = new CounterRng(3);
    for (long firm = 0; firm < 10_000; firm++) {
      long base = rng.base(firm, 2);
      double d = CounterRng.uniform(base, 5);
      float f = CounterRng.uniformFloat(base, 5);
      assertTrue(f <= d && d - f < 0x1.0p-24, firm + ": " + d + " vs " + f);
      assertTrue(f >= 0 && f < 1 && d >= 0 && d < 1);
    }
  }

  @Test
  void drawsAreUniformAndUncorrelatedAcrossFirmsStreamsAndYears() {
    int n = 200_000;
    CounterRng rng = new CounterRng(2026);
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i; // consecutive ids: the hardest case for a weak mixer
    }
    double[] u = new double[n * 24];
    rng.fill(ids, 0, n, 1, ALL, u);
    double[] stream1 = new double[n];
    double[] stream2 = new double[n];
    double[] nextFirm = new double[n - 1];
    double[] nextYear = new double[n];
    for (int i = 0; i < n; i++) {
      stream1[i] = u[i * 24];
      stream2[i] = u[i * 24 + 1];
      nextYear[i] = rng.uniform(i, 2, 1);
    }
    System.arraycopy(stream1, 1, nextFirm, 0, n - 1);
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    UniformRealDistribution uniform = new UniformRealDistribution(0, 1);
    assertTrue(ks.kolmogorovSmirnovTest(uniform, stream1) > 1e-4, "stream 1 not uniform");
    assertTrue(ks.kolmogorovSmirnovTest(uniform, stream2) > 1e-4, "stream 2 not uniform");
    double bound = 5 / Math.sqrt(n); // five standard errors of a correlation of independent draws
    PearsonsCorrelation c = new PearsonsCorrelation();
    assertTrue(Math.abs(c.correlation(stream1, stream2)) < bound, "streams correlated");
    assertTrue(
        Math.abs(c.correlation(Arrays.copyOf(stream1, n - 1), nextFirm)) < bound,
        "neighbouring firms correlated");
    assertTrue(Math.abs(c.correlation(stream1, nextYear)) < bound, "years correlated");
  }
}
