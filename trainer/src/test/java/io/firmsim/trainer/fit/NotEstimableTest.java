package io.firmsim.trainer.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.firmsim.trainer.fit.NotEstimableException.Reason;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Data that do not identify a submodel are named by a {@link NotEstimableException} with its
 * reason, never a generic error or a meaningless estimate: scale-aware constant checks (a tiny but
 * varying feature is estimated, a huge feature that varies only by rounding is constant), perfect
 * separation, more parameters than rows, overflow, and the degenerate targets.
 */
class NotEstimableTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** Row-major {@code [n, 2]} from two columns. */
  private static double[] rows(double[] a, double[] b) {
    double[] x = new double[a.length * 2];
    for (int i = 0; i < a.length; i++) {
      x[2 * i] = a[i];
      x[2 * i + 1] = b[i];
    }
    return x;
  }

  private static double[] gaussian(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  private static NotEstimableException refused(
      Family family, Link link, List<String> features, double[] x, double[] y) {
    return assertThrows(
        NotEstimableException.class,
        () -> SubmodelFitter.fit(manager, family, link, features, x, y, true, FitOptions.DEFAULTS));
  }

  /**
   * A feature at 1e-16 that varies by 5% among its own values is estimated, and its fit is the fit
   * of the same feature scaled by 1e16, with the coefficient and its standard error scaled back
   * (the likelihood is invariant under rescaling a feature).
   */
  @ParameterizedTest
  @EnumSource(
      value = Family.class,
      names = {"BINARY", "HUBER"})
  void tinyMagnitudeFeatureIsNotConstant(Family family) {
    SplittableRandom r = new SplittableRandom(11);
    int n = 400;
    double[] u = gaussian(r, n);
    double[] other = gaussian(r, n);
    double[] tiny = new double[n];
    double[] unit = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      unit[i] = 1 + 0.05 * u[i];
      tiny[i] = 1e-16 * unit[i];
      double eta = 0.3 + 0.8 * u[i] + 0.5 * other[i];
      y[i] =
          family == Family.BINARY
              ? (r.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0)
              : eta + 0.3 * r.nextGaussian();
    }
    assertFalse(FeatureChecks.isConstant(tiny));
    List<String> names = List.of("tiny", "other");
    Link link = family == Family.BINARY ? Link.LOGIT : null;
    FitResult small =
        SubmodelFitter.fit(
            manager, family, link, names, rows(tiny, other), y, false, FitOptions.DEFAULTS);
    FitResult scaled =
        SubmodelFitter.fit(
            manager, family, link, names, rows(unit, other), y, false, FitOptions.DEFAULTS);
    assertTrue(small.converged());
    double want = scaled.coefficients()[0] * 1e16;
    assertEquals(want, small.coefficients()[0], 1e-8 * Math.abs(want));
    double wantSe = scaled.coefficientErrors()[0] * 1e16;
    assertEquals(wantSe, small.coefficientErrors()[0], 1e-8 * wantSe);
    assertEquals(scaled.coefficients()[1], small.coefficients()[1], 1e-8);
    assertEquals(scaled.intercepts()[0], small.intercepts()[0], 1e-8);
  }

  /**
   * A feature of 1e6 that varies only by 1e-9 (about ten units in the last place) is constant, and
   * named as such.
   */
  @ParameterizedTest
  @EnumSource(
      value = Family.class,
      names = {"BINARY", "HUBER", "TOBIT"})
  void hugeMagnitudeNearConstantFeatureIsConstant(Family family) {
    SplittableRandom r = new SplittableRandom(12);
    int n = 300;
    double[] huge = new double[n];
    double[] other = gaussian(r, n);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      huge[i] = 1e6 + 1e-9 * r.nextGaussian();
      y[i] = family == Family.HUBER ? other[i] + r.nextGaussian() : (other[i] > 0 ? 1 : 0);
      if (family == Family.BINARY && r.nextDouble() < 0.2) {
        y[i] = 1 - y[i];
      }
    }
    assertTrue(java.util.Arrays.stream(huge).distinct().count() > 10, "values vary");
    assertTrue(FeatureChecks.isConstant(huge));
    NotEstimableException e =
        refused(
            family,
            family == Family.BINARY ? Link.CLOGLOG : null,
            List.of("other", "huge"),
            rows(other, huge),
            y);
    assertEquals(Reason.CONSTANT_FEATURE, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("huge"), e.getMessage());
  }

  /** Complete separation (a line splits the outcomes) is named, for both links. */
  @ParameterizedTest
  @EnumSource(
      value = Link.class,
      names = {"LOGIT", "CLOGLOG"})
  void completeSeparationIsNamed(Link link) {
    SplittableRandom r = new SplittableRandom(13);
    int n = 200;
    double[] a = gaussian(r, n);
    double[] b = gaussian(r, n);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = a[i] + 0.5 * b[i] > 0.2 ? 1 : 0;
    }
    NotEstimableException e = refused(Family.BINARY, link, List.of("a", "b"), rows(a, b), y);
    assertEquals(Reason.SEPARATION, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("separat"), e.getMessage());
  }

  /**
   * Quasi-complete separation: a splits the outcomes except in rows where a is exactly 0, which
   * hold both outcomes. The likelihood has no maximum either.
   */
  @Test
  void quasiCompleteSeparationIsNamed() {
    SplittableRandom r = new SplittableRandom(14);
    int n = 300;
    double[] a = new double[n];
    double[] b = gaussian(r, n);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i < 40 ? 0 : Math.abs(r.nextGaussian()) * (i % 2 == 0 ? 1 : -1);
      y[i] = i < 40 ? (r.nextDouble() < 0.5 ? 1 : 0) : (a[i] > 0 ? 1 : 0);
    }
    NotEstimableException e = refused(Family.BINARY, Link.LOGIT, List.of("a", "b"), rows(a, b), y);
    assertEquals(Reason.SEPARATION, e.reason(), e.getMessage());
  }

  /** The same design with 15% of the outcomes flipped overlaps: it is fitted, not refused. */
  @Test
  void overlappingOutcomesAreNotCalledSeparated() {
    SplittableRandom r = new SplittableRandom(13);
    int n = 200;
    double[] a = gaussian(r, n);
    double[] b = gaussian(r, n);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = (a[i] + 0.5 * b[i] > 0.2) != (r.nextDouble() < 0.15) ? 1 : 0;
    }
    for (Link link : List.of(Link.LOGIT, Link.CLOGLOG)) {
      FitResult fit =
          SubmodelFitter.fit(
              manager,
              Family.BINARY,
              link,
              List.of("a", "b"),
              rows(a, b),
              y,
              false,
              FitOptions.DEFAULTS);
      assertTrue(fit.converged(), link.name());
      assertEquals(Separation.Verdict.NOT_SEPARATED, separation(a, b, y));
    }
  }

  private static Separation.Verdict separation(double[] a, double[] b, double[] y) {
    int n = y.length;
    double[] design = new double[3 * n];
    for (int i = 0; i < n; i++) {
      design[i] = 1;
      design[n + i] = a[i];
      design[2 * n + i] = b[i];
    }
    return Separation.check(design, 3, y);
  }

  /** More parameters than rows is named as such, in every family. */
  @ParameterizedTest
  @EnumSource(Family.class)
  void moreParametersThanRowsIsNamed(Family family) {
    List<String> names = List.of("a", "b", "c", "d");
    double[] x = {0.1, 2, -1, 5, 0.7, -3, 4, 1, -0.2, 1, 3, 2};
    double[] y =
        switch (family) {
          case BINARY -> new double[] {0, 1, 1};
          case ORDINAL3 -> new double[] {-1, 0, 1};
          case TOBIT -> new double[] {0, 1.5, 2};
          case HUBER -> new double[] {0.3, 1.5, 2};
        };
    NotEstimableException e =
        refused(
            family,
            family == Family.HUBER || family == Family.TOBIT ? null : Link.CLOGLOG,
            names,
            x,
            y);
    assertEquals(Reason.TOO_FEW_ROWS, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("more parameters than rows"), e.getMessage());
  }

  /**
   * A slope beyond the range of a double (target at 1e300, feature spread 1e-10: the slope is about
   * 1e310) is refused as an overflow, not returned as Infinity.
   */
  @Test
  void overflowIsNamedNotReturned() {
    SplittableRandom r = new SplittableRandom(15);
    int n = 100;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double z = r.nextGaussian();
      x[i] = 1e-10 * z;
      y[i] = 1e300 * (z + 0.1 * r.nextGaussian());
    }
    NotEstimableException e = refused(Family.HUBER, null, List.of("x"), x, y);
    assertEquals(Reason.OVERFLOW, e.reason(), e.getMessage());
  }

  /** A result holding an infinity is never turned into JSON. */
  @Test
  void infiniteCoefficientIsNeverWritten() {
    FitResult inf =
        new FitResult(
            Family.BINARY,
            Link.LOGIT,
            List.of("x"),
            new double[] {Double.POSITIVE_INFINITY},
            new double[] {0.5},
            Double.NaN,
            new double[] {1},
            new double[] {1},
            Double.NaN,
            -10,
            5,
            true,
            10,
            null,
            Covariance.EXPECTED);
    NotEstimableException e =
        assertThrows(NotEstimableException.class, () -> FitJson.submodel(inf, List.of()));
    assertEquals(Reason.OVERFLOW, e.reason());
  }

  /** The data-caused failures that were generic errors carry their reason. */
  @Test
  void degenerateTargetsEmptyCategoriesAndCollinearFeaturesHaveTheirReason() {
    SplittableRandom r = new SplittableRandom(16);
    int n = 100;
    double[] a = gaussian(r, n);
    double[] b = gaussian(r, n);
    double[] zeros = new double[n];
    double[] ones = new double[n];
    java.util.Arrays.fill(ones, 1);
    double[] noNegative = new double[n];
    double[] onePositive = new double[n];
    onePositive[3] = 2.5;
    double[] ab = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      noNegative[i] = a[i] > 0 ? 1 : 0;
      ab[i] = 2 * a[i] - 3 * b[i];
      y[i] = r.nextDouble() < 0.5 ? 1 : 0;
    }
    List<String> two = List.of("a", "b");
    assertEquals(
        Reason.DEGENERATE_TARGET,
        refused(Family.BINARY, Link.LOGIT, two, rows(a, b), zeros).reason());
    assertEquals(
        Reason.DEGENERATE_TARGET,
        refused(Family.BINARY, Link.CLOGLOG, two, rows(a, b), ones).reason());
    assertEquals(
        Reason.EMPTY_CATEGORY,
        refused(Family.ORDINAL3, Link.CLOGLOG, two, rows(a, b), noNegative).reason());
    assertEquals(
        Reason.DEGENERATE_TARGET,
        refused(Family.TOBIT, null, two, rows(a, b), onePositive).reason());
    double[] x = new double[n * 3];
    for (int i = 0; i < n; i++) {
      x[3 * i] = a[i];
      x[3 * i + 1] = b[i];
      x[3 * i + 2] = ab[i];
    }
    NotEstimableException c = refused(Family.BINARY, Link.LOGIT, List.of("a", "b", "ab"), x, y);
    assertEquals(Reason.COLLINEAR_FEATURES, c.reason());
    assertTrue(c instanceof CollinearFeaturesException);
    assertEquals(List.of("a", "b", "ab"), ((CollinearFeaturesException) c).features());
  }
}
