package io.firmsim.trainer.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * Tests of {@link JohnsonSu} (closed-form moments, quantiles, moment matching inside and outside
 * the SU region) and {@link ResidualDistribution}.
 */
class JohnsonSuTest {
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(0, 1);

  // ---------------------------------------------------------------- closed-form moments

  /**
   * Reference moments and 0.9 quantiles from an independent implementation, SciPy 1.17 {@code
   * scipy.stats.johnsonsu(a=gamma, b=delta, loc=xi, scale=lambda)}; agreement to 1e-13.
   */
  @Test
  void closedFormMomentsAgreeWithScipy() {
    double[][] cases = {
      // xi, lambda, gamma, delta, mean, variance, skewness, kurtosis, quantile(0.9)
      {
        0.3,
        1.7,
        -1,
        0.8,
        6.248152021891923,
        164.85352079667203,
        12.455716098287539,
        740.5476105047879,
        14.974069384693934
      },
      {
        2,
        0.5,
        2,
        1.5,
        0.8978687820412068,
        0.8588240509765681,
        -2.407913947189931,
        15.747585345834917,
        1.7512550355183905
      },
      {
        -1,
        3,
        0.5,
        3,
        -1.5310143282809685,
        1.1529574929179236,
        -0.18449964968723728,
        3.574998067075838,
        -0.20957783858218648
      },
      {0, 1, 0, 8, 0, 0.015871703749551335, 0, 3.0639906369580325, 0.1608799775345593},
    };
    for (double[] c : cases) {
      JohnsonSu su = JohnsonSu.of(c[0], c[1], c[2], c[3]);
      assertClose(c[4], su.mean(), 1e-13, "mean " + su);
      assertClose(c[5], su.variance(), 1e-13, "variance " + su);
      assertClose(c[6], su.skewness(), 1e-13, "skewness " + su);
      assertClose(c[7], su.kurtosis(), 1e-13, "kurtosis " + su);
      assertClose(c[8], su.quantile(0.9), 1e-13, "quantile " + su);
    }
  }

  /**
   * Closed-form moments against 2e6 draws (SplittableRandom Gaussians, fixed seed). Tolerance: 5
   * standard errors of each Monte Carlo estimate, the standard error taken from the spread of 20
   * batches of 1e5 draws (the tails here are moderate, delta >= 1.5, so batch estimates are
   * reliable).
   */
  @Test
  void closedFormMomentsAgreeWithMonteCarlo() {
    double[][] cases = {{0.5, 1.3, -1, 2}, {-2, 0.7, 0.5, 3}, {1, 2, 2, 5}, {0, 1, 0, 1.5}};
    int batches = 20;
    int perBatch = 100_000;
    SplittableRandom random = new SplittableRandom(20_250_601L);
    for (double[] c : cases) {
      JohnsonSu su = JohnsonSu.of(c[0], c[1], c[2], c[3]);
      double[] all = new double[batches * perBatch];
      double[][] batchMoments = new double[batches][];
      for (int b = 0; b < batches; b++) {
        double[] x = new double[perBatch];
        for (int i = 0; i < perBatch; i++) {
          x[i] = su.sample(random.nextGaussian());
        }
        System.arraycopy(x, 0, all, b * perBatch, perBatch);
        batchMoments[b] = moments(x);
      }
      double[] total = moments(all);
      double[] closed = {su.mean(), su.variance(), su.skewness(), su.kurtosis()};
      String[] names = {"mean", "variance", "skewness", "kurtosis"};
      for (int k = 0; k < 4; k++) {
        double sum = 0;
        double sumSquares = 0;
        for (double[] m : batchMoments) {
          sum += m[k];
          sumSquares += m[k] * m[k];
        }
        double batchMean = sum / batches;
        double batchSd = Math.sqrt((sumSquares - batches * batchMean * batchMean) / (batches - 1));
        double standardError = batchSd / Math.sqrt(batches);
        assertTrue(
            Math.abs(total[k] - closed[k]) <= 5 * standardError,
            names[k]
                + " of "
                + su
                + ": Monte Carlo "
                + total[k]
                + ", closed form "
                + closed[k]
                + ", standard error "
                + standardError);
      }
    }
  }

  // ---------------------------------------------------------------- quantiles

  @Test
  void inverseStandardNormalMatchesReferenceValues() {
    // SciPy 1.17 scipy.stats.norm.ppf.
    double[][] cases = {
      {1e-300, -37.0470962993612}, {1e-20, -9.262340089798409}, {1e-10, -6.361340902404056},
      {0.001, -3.090232306167813}, {0.02, -2.053748910631823}, {0.3, -0.5244005127080409},
      {0.5, 0}, {0.7, 0.5244005127080407}, {0.975, 1.959963984540054},
      {0.999999, 4.753424308817087}, {1 - 1e-12, 7.0344869100478356},
    };
    for (double[] c : cases) {
      assertEquals(
          c[1],
          JohnsonSu.inverseStandardNormal(c[0]),
          2e-15 * Math.max(1, Math.abs(c[1])),
          "Phi^-1(" + c[0] + ")");
    }
  }

  @Test
  void quantileIsSampleOfTheNormalQuantile() {
    JohnsonSu su = JohnsonSu.of(1, 2, 0.5, 1.5);
    double previous = Double.NEGATIVE_INFINITY;
    for (double u = 0.001; u < 1; u += 0.001) {
      double q = su.quantile(u);
      assertTrue(q > previous, "quantile increasing at " + u);
      previous = q;
      double z = STANDARD_NORMAL.inverseCumulativeProbability(u);
      assertClose(su.sample(z), q, 1e-9, "quantile(" + u + ")");
    }
    assertEquals(1 + 2 * Math.sinh(-0.5 / 1.5), su.quantile(0.5), 1e-15, "median");
    assertEquals(Double.NEGATIVE_INFINITY, su.quantile(0));
    assertEquals(Double.POSITIVE_INFINITY, su.quantile(1));
    assertThrows(IllegalArgumentException.class, () -> su.quantile(-0.1));
    assertThrows(IllegalArgumentException.class, () -> su.quantile(1.5));
    assertThrows(IllegalArgumentException.class, () -> su.quantile(Double.NaN));
  }

  // ---------------------------------------------------------------- moment matching

  /**
   * SU parameters on the grid delta in {0.8, 1.5, 3, 8} and gamma in {-1, 0, 0.5, 2}: their
   * closed-form moments, fitted back, give the parameters to 1e-6 relative (absolute for gamma = 0)
   * and the moments to 1e-8 relative. (Achieved: about 1e-13 and 1e-15.)
   */
  @Test
  void fitMomentsRoundTripsOnTheGrid() {
    double xi = 0.7;
    double lambda = 2.3;
    for (double delta : new double[] {0.8, 1.5, 3, 8}) {
      for (double gamma : new double[] {-1, 0, 0.5, 2}) {
        JohnsonSu truth = JohnsonSu.of(xi, lambda, gamma, delta);
        double sd = Math.sqrt(truth.variance());
        JohnsonSu fit = JohnsonSu.fitMoments(truth.mean(), sd, truth.skewness(), truth.kurtosis());
        String what = truth + " -> " + fit;
        assertTrue(fit.exact(), what);
        assertClose(xi, fit.xi(), 1e-6, "xi " + what);
        assertClose(lambda, fit.lambda(), 1e-6, "lambda " + what);
        assertClose(gamma, fit.gamma(), 1e-6, "gamma " + what);
        assertClose(delta, fit.delta(), 1e-6, "delta " + what);
        assertClose(truth.mean(), fit.mean(), 1e-8, "mean " + what);
        assertClose(sd, Math.sqrt(fit.variance()), 1e-8, "sd " + what);
        assertClose(truth.skewness(), fit.skewness(), 1e-8, "skewness " + what);
        assertClose(truth.kurtosis(), fit.kurtosis(), 1e-8, "kurtosis " + what);
      }
    }
  }

  /** Far from the grid: heavy tails, strong skewness, near-normal shapes. Moments to 1e-10. */
  @Test
  void fitMomentsMatchesExtremeMoments() {
    double[][] cases = {
      {0, 1, 50, 1e6},
      {3, 0.01, -1e4, 1e12},
      {0, 1, 0, 1e10},
      {-5, 100, 1e-9, 3.5},
      {0, 1, 0.001, 3.0001},
      {1, 2, 0, 3.001},
      {0, 1, -1e8, 1e25},
    };
    for (double[] c : cases) {
      JohnsonSu fit = JohnsonSu.fitMoments(c[0], c[1], c[2], c[3]);
      String what = Arrays.toString(c) + " -> " + fit;
      assertTrue(fit.exact(), what);
      assertEquals(c[0], fit.mean(), 1e-10 * Math.max(c[1], Math.abs(c[0])), "mean " + what);
      assertClose(c[1], Math.sqrt(fit.variance()), 1e-10, "sd " + what);
      assertClose(c[2], fit.skewness(), 1e-10, "skewness " + what);
      assertClose(c[3], fit.kurtosis(), 1e-10, "kurtosis " + what);
    }
  }

  /**
   * Outside the SU region (kurtosis at or below the lognormal line, impossible pairs included) the
   * fit is not exact, but admissible, with the requested mean, sd and skewness (1e-10) and the
   * kurtosis raised to the documented floor just above the lognormal line.
   */
  @Test
  void outsideTheRegionGivesTheClosestAdmissibleSu() {
    double kln1 = lognormalKurtosis(1);
    double[][] cases = {
      {0, 3},
      {0, 2.5},
      {0, 1},
      {0.5, 2},
      {0.5, 3},
      {2, 5},
      {-2, 5},
      {-3, 1},
      {1, kln1},
      {1, kln1 - 1e-6},
      {1, kln1 + 1e-10 * (kln1 - 1)},
      {1e-200, 0},
      {-40, 100},
    };
    double mean = -3.5;
    double sd = 0.25;
    for (double[] c : cases) {
      double skewness = c[0];
      JohnsonSu fit = JohnsonSu.fitMoments(mean, sd, skewness, c[1]);
      String what = "skewness " + skewness + ", kurtosis " + c[1] + " -> " + fit;
      assertFalse(fit.exact(), what);
      assertTrue(
          fit.lambda() > 0
              && fit.delta() > 0
              && Double.isFinite(fit.xi())
              && Double.isFinite(fit.gamma()),
          what);
      assertEquals(mean, fit.mean(), 1e-12, "mean " + what);
      assertClose(sd, Math.sqrt(fit.variance()), 1e-12, "sd " + what);
      assertEquals(
          skewness, fit.skewness(), 1e-10 * Math.max(1, Math.abs(skewness)), "skewness " + what);
      double kln = lognormalKurtosis(Math.abs(skewness));
      double floor = kln + JohnsonSu.LOGNORMAL_MARGIN * (kln - 1);
      assertTrue(fit.kurtosis() > kln && fit.kurtosis() >= c[1], what);
      assertClose(floor, fit.kurtosis(), 1e-10, "kurtosis " + what);
    }
    // Just above the floor the moments are matched exactly.
    double inside = kln1 + 1e-6 * (kln1 - 1);
    JohnsonSu fit = JohnsonSu.fitMoments(mean, sd, 1, inside);
    assertTrue(fit.exact(), fit.toString());
    assertClose(1, fit.skewness(), 1e-10, "skewness " + fit);
    assertClose(inside, fit.kurtosis(), 1e-10, "kurtosis " + fit);
  }

  /** Skewness 0 and kurtosis 3 give a near-normal SU: large delta, normal quantiles to 1e-6 sd. */
  @Test
  void normalMomentsGiveANearNormalSu() {
    double mean = 5;
    double sd = 2;
    JohnsonSu fit = JohnsonSu.fitMoments(mean, sd, 0, 3);
    assertFalse(fit.exact(), "kurtosis 3 lies on the boundary of the SU region");
    assertTrue(fit.delta() > 1e4, fit.toString());
    assertEquals(0.0, fit.gamma(), 0.0);
    assertEquals(mean, fit.xi(), 0.0);
    assertEquals(mean, fit.mean(), 1e-14);
    assertClose(sd, Math.sqrt(fit.variance()), 1e-14, "sd");
    assertEquals(0.0, fit.skewness(), 0.0);
    assertEquals(3, fit.kurtosis(), 1e-7);
    for (double z = -5; z <= 5; z += 0.25) {
      assertEquals(mean + sd * z, fit.sample(z), 1e-6 * sd, "sample(" + z + ")");
    }
    assertEquals(mean + sd * 1.959963984540054, fit.quantile(0.975), 1e-6 * sd);
    // Slightly heavier than normal tails are inside the region: exact, delta ~ 2 / sqrt(excess).
    JohnsonSu heavier = JohnsonSu.fitMoments(mean, sd, 0, 3.001);
    assertTrue(heavier.exact());
    assertClose(3.001, heavier.kurtosis(), 1e-12, "kurtosis");
    assertEquals(2 / Math.sqrt(0.001), heavier.delta(), 0.1);
  }

  @Test
  void badParametersAndMomentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.of(0, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.of(0, -1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.of(0, 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.of(Double.NaN, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.of(0, 1, Double.NaN, 1));
    assertThrows(
        IllegalArgumentException.class, () -> JohnsonSu.of(0, Double.POSITIVE_INFINITY, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.fitMoments(Double.NaN, 1, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.fitMoments(0, 0, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.fitMoments(0, -1, 0, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> JohnsonSu.fitMoments(0, Double.POSITIVE_INFINITY, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> JohnsonSu.fitMoments(0, 1, Double.NaN, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> JohnsonSu.fitMoments(0, 1, 0, Double.POSITIVE_INFINITY));
    assertThrows(
        IllegalArgumentException.class,
        () -> JohnsonSu.fitMoments(0, 1, -2 * JohnsonSu.MAX_SKEWNESS, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> JohnsonSu.fitMoments(0, 1, 0, 2 * JohnsonSu.MAX_KURTOSIS));
  }

  // ---------------------------------------------------------------- ResidualDistribution

  /**
   * Residuals drawn from a known SU (4e5 draws): the median within 0.01 sd of the SU median, the
   * consistent MAD within 1% of the SU's, skewness within 0.05 and kurtosis within 3% of the SU's,
   * and the fitted SU centred on the median, scaled by the MAD and shaped by the sample moments.
   */
  @Test
  void residualDistributionOfAnSuSample() {
    JohnsonSu truth = JohnsonSu.of(1, 2, 0.5, 3);
    SplittableRandom random = new SplittableRandom(7);
    double[] residuals = new double[400_000];
    for (int i = 0; i < residuals.length; i++) {
      residuals[i] = truth.sample(random.nextGaussian());
    }
    double[] copy = residuals.clone();
    ResidualDistribution rd = ResidualDistribution.of(residuals);
    assertArrayEquals(copy, residuals, "input not modified");

    double sd = Math.sqrt(truth.variance());
    double median = truth.quantile(0.5);
    assertEquals(median, rd.location(), 0.01 * sd, "location");
    double mad = suMad(truth, median);
    assertClose(mad / 0.6744897501960817, rd.scale(), 0.01, "scale");
    assertEquals(truth.skewness(), rd.skewness(), 0.05, "skewness");
    assertClose(truth.kurtosis(), rd.kurtosis(), 0.03, "kurtosis");

    // The sample moments are the plain moment estimators.
    double[] m = moments(residuals);
    assertClose(m[2], rd.skewness(), 1e-10, "sample skewness");
    assertClose(m[3], rd.kurtosis(), 1e-10, "sample kurtosis");

    JohnsonSu su = rd.su();
    assertTrue(su.exact(), su.toString());
    assertEquals(rd.location(), su.mean(), 1e-12);
    assertClose(rd.scale(), Math.sqrt(su.variance()), 1e-12, "su sd");
    assertClose(rd.skewness(), su.skewness(), 1e-10, "su skewness");
    assertClose(rd.kurtosis(), su.kurtosis(), 1e-10, "su kurtosis");
    assertEquals(su, JohnsonSu.fitMoments(rd.location(), rd.scale(), rd.skewness(), rd.kurtosis()));
  }

  @Test
  void residualDistributionOfLightTailsIsTheClosestAdmissibleSu() {
    double[] uniform = new double[1001];
    for (int i = 0; i < uniform.length; i++) {
      uniform[i] = i / 1000.0;
    }
    ResidualDistribution rd = ResidualDistribution.of(uniform);
    assertEquals(0.5, rd.location(), 1e-15);
    assertEquals(0.25 / 0.6744897501960817, rd.scale(), 1e-15);
    assertEquals(0, rd.skewness(), 1e-12);
    assertEquals(1.8, rd.kurtosis(), 1e-2);
    assertFalse(rd.su().exact());
    assertEquals(0.5, rd.su().mean(), 1e-14);
    assertClose(rd.scale(), Math.sqrt(rd.su().variance()), 1e-14, "sd");

    ResidualDistribution two = ResidualDistribution.of(new double[] {3, 1});
    assertEquals(2, two.location());
    assertEquals(1 / 0.6744897501960817, two.scale(), 1e-15);
    assertEquals(0, two.skewness());
    assertEquals(1, two.kurtosis(), 1e-15);
    assertFalse(two.su().exact());
  }

  /** A gross outlier neither overflows the moments nor moves the location and scale. */
  @Test
  void residualDistributionSurvivesAGrossOutlier() {
    double[] residuals = new double[101];
    for (int i = 0; i < 100; i++) {
      residuals[i] = i - 49.5;
    }
    residuals[100] = 1e250;
    ResidualDistribution rd = ResidualDistribution.of(residuals);
    assertEquals(0.5, rd.location());
    assertEquals(25.0 / 0.6744897501960817, rd.scale(), 1e-12);
    assertTrue(Double.isFinite(rd.skewness()) && Double.isFinite(rd.kurtosis()), rd.toString());
    int n = residuals.length;
    assertEquals((n - 2) / Math.sqrt(n - 1), rd.skewness(), 1e-9);
    // One point against a hundred is a two-point shape: on Pearson's bound kurtosis = 1 +
    // skewness^2, far below the lognormal line, so the SU is the closest admissible one.
    assertEquals(1 + rd.skewness() * rd.skewness(), rd.kurtosis(), 1e-9);
    assertFalse(rd.su().exact(), rd.su().toString());
    assertEquals(rd.location(), rd.su().mean(), 1e-12);
  }

  @Test
  void badResidualsAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ResidualDistribution.of(new double[0]));
    assertTrue(e.getMessage().contains("no residuals"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResidualDistribution.of(new double[] {1, Double.NaN, 2}));
    assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ResidualDistribution.of(new double[] {1, 2, Double.NEGATIVE_INFINITY}));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResidualDistribution.of(new double[] {2.5, 2.5, 2.5}));
    assertTrue(
        e.getMessage().contains("zero robust scale") && e.getMessage().contains("identical"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResidualDistribution.of(new double[] {1, 1, 1, 2, 3}));
    assertTrue(e.getMessage().contains("zero robust scale"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ResidualDistribution.of(new double[] {4}));
    assertThrows(NullPointerException.class, () -> ResidualDistribution.of(null));
    JohnsonSu su = JohnsonSu.of(0, 1, 0, 1);
    assertThrows(IllegalArgumentException.class, () -> new ResidualDistribution(0, 0, 0, 3, su));
    assertThrows(
        IllegalArgumentException.class, () -> new ResidualDistribution(Double.NaN, 1, 0, 3, su));
    assertThrows(NullPointerException.class, () -> new ResidualDistribution(0, 1, 0, 3, null));
  }

  // ---------------------------------------------------------------- helpers

  /** Asserts {@code |actual - expected| <= tolerance * max(1, |expected|)}. */
  private static void assertClose(double expected, double actual, double tolerance, String what) {
    assertEquals(expected, actual, tolerance * Math.max(1, Math.abs(expected)), what);
  }

  /** Mean, variance, skewness and kurtosis (plain moment estimators, two passes). */
  private static double[] moments(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double m2 = 0;
    double m3 = 0;
    double m4 = 0;
    for (double v : x) {
      double d = v - mean;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= x.length;
    m3 /= x.length;
    m4 /= x.length;
    return new double[] {mean, m2, m3 / Math.pow(m2, 1.5), m4 / (m2 * m2)};
  }

  /**
   * Kurtosis of the lognormal with skewness {@code s >= 0}, computed independently of {@link
   * JohnsonSu}: solve {@code (w + 2) sqrt(w - 1) = s} by bisection, then {@code w^4 + 2 w^3 + 3 w^2
   * - 3}.
   */
  private static double lognormalKurtosis(double s) {
    double lo = 1;
    double hi = 2;
    while ((hi + 2) * Math.sqrt(hi - 1) < s) {
      hi *= 2;
    }
    for (int i = 0; i < 200; i++) {
      double mid = (lo + hi) / 2;
      if ((mid + 2) * Math.sqrt(mid - 1) < s) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double w = (lo + hi) / 2;
    return w * w * w * w + 2 * w * w * w + 3 * w * w - 3;
  }

  /** Median absolute deviation of an SU about its median, from its cdf. */
  private static double suMad(JohnsonSu su, double median) {
    return new BrentSolver(1e-14, 1e-14)
        .solve(
            200,
            a -> suCdf(su, median + a) - suCdf(su, median - a) - 0.5,
            0,
            100 * Math.sqrt(su.variance()));
  }

  private static double suCdf(JohnsonSu su, double x) {
    double y = (x - su.xi()) / su.lambda();
    double asinh = Math.log(y + Math.sqrt(y * y + 1));
    return STANDARD_NORMAL.cumulativeProbability(su.gamma() + su.delta() * asinh);
  }
}
