package io.firmsim.simulator.calibration;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.calibration.Raking.Constraint;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RakingTest {
  private static double total(double[] w, double[] x) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i] * x[i];
    }
    return s;
  }

  private static void assertRelative(double expected, double actual, double tol, String what) {
    double scale = Math.max(Math.abs(expected), 1e-300);
    assertTrue(
        Math.abs(actual - expected) <= tol * scale,
        () -> what + ": expected " + expected + ", found " + actual);
  }

  /**
   * Count and one indicator: the closed form is post-stratification, {@code w = d N_g / D_g} in
   * each group g, with {@code D_g} the design total of the group.
   */
  @Test
  void countAndIndicatorGivePostStratification() {
    double[] d = {1, 2, 3, 4, 5};
    double[] group = {1, 0, 1, 0, 0}; // D_1 = 4, D_0 = 11
    Raking.Result r =
        new Raking(d, List.of(Constraint.count("N", 5, 30), Constraint.total("group 1", group, 10)))
            .solve();
    double[] w = r.weights();
    double[] expected = {1 * 10 / 4.0, 2 * 20 / 11.0, 3 * 10 / 4.0, 4 * 20 / 11.0, 5 * 20 / 11.0};
    for (int i = 0; i < 5; i++) {
      assertRelative(expected[i], w[i], 1e-12, "weight " + i);
    }
  }

  /** On a 2x2 table's margins raking is iterative proportional fitting (Deming-Stephan). */
  @Test
  void twoByTwoMarginsEqualIterativeProportionalFitting() {
    SplittableRandom random = new SplittableRandom(11);
    int n = 40;
    double[] d = new double[n];
    double[] row = new double[n];
    double[] col = new double[n];
    int[] cell = new int[n];
    for (int i = 0; i < n; i++) {
      d[i] = 0.5 + random.nextDouble();
      row[i] = i % 2;
      col[i] = (i / 2) % 2;
      cell[i] = (int) (2 * row[i] + col[i]);
    }
    double total = 100;
    double rowOne = 35;
    double colOne = 62;
    Raking.Result r =
        new Raking(
                d,
                List.of(
                    Constraint.count("N", n, total),
                    Constraint.total("row 1", row, rowOne),
                    Constraint.total("col 1", col, colOne)))
            .solve();
    // IPF: scale the cell totals to the row margins, then the column margins, until they rest
    double[] cellDesign = new double[4];
    for (int i = 0; i < n; i++) {
      cellDesign[cell[i]] += d[i];
    }
    double[] m = cellDesign.clone();
    for (int it = 0; it < 10_000; it++) {
      double r0 = m[0] + m[1];
      double r1 = m[2] + m[3];
      m[0] *= (total - rowOne) / r0;
      m[1] *= (total - rowOne) / r0;
      m[2] *= rowOne / r1;
      m[3] *= rowOne / r1;
      double c0 = m[0] + m[2];
      double c1 = m[1] + m[3];
      m[0] *= (total - colOne) / c0;
      m[2] *= (total - colOne) / c0;
      m[1] *= colOne / c1;
      m[3] *= colOne / c1;
    }
    double[] w = r.weights();
    for (int i = 0; i < n; i++) {
      assertRelative(d[i] * m[cell[i]] / cellDesign[cell[i]], w[i], 1e-9, "weight " + i);
    }
  }

  /** Continuous totals and a ratio mean on skewed data: every target within 1e-9, w > 0. */
  @Test
  void continuousTotalsAndRatioMeanAreHit() {
    SplittableRandom random = new SplittableRandom(5);
    int n = 2000;
    double[] d = new double[n];
    double[] size = new double[n];
    double[] debt = new double[n];
    double[] flow = new double[n];
    double[] ratio = new double[n];
    double[] reference = new double[n]; // weights that make the targets feasible
    for (int i = 0; i < n; i++) {
      d[i] = 120;
      size[i] = 1e6 * Math.exp(2 * random.nextGaussian());
      debt[i] = size[i] * random.nextDouble();
      flow[i] = size[i] * (random.nextDouble() - 0.45) * 0.1;
      ratio[i] = debt[i] / size[i];
      reference[i] = d[i] * Math.exp(0.3 * random.nextGaussian());
    }
    double count = total(reference, ones(n));
    List<Constraint> constraints =
        List.of(
            Constraint.count("N", n, count),
            Constraint.total("size", size, 1.1 * total(reference, size)),
            Constraint.total("debt", debt, total(reference, debt)),
            Constraint.total("flow", flow, total(reference, flow)),
            Constraint.ratioMean("mean debt ratio", ratio, 0.52));
    Raking.Result r = new Raking(d, constraints).solve();
    double[] w = r.weights();
    for (double v : w) {
      assertTrue(v > 0);
    }
    for (Constraint c : constraints) {
      double achieved = total(w, c.values());
      if (c.target() == 0) {
        double abs = 0;
        for (int i = 0; i < n; i++) {
          abs += Math.abs(w[i] * c.values()[i]);
        }
        assertTrue(Math.abs(achieved) <= 1e-9 * abs, c.name() + ": " + achieved);
      } else {
        assertRelative(c.target(), achieved, 1e-9, c.name());
      }
    }
    assertRelative(0.52, total(w, ratio) / total(w, ones(n)), 1e-9, "weighted mean ratio");
    assertTrue(r.maxRelativeError() <= Raking.DEFAULT_TOLERANCE);
    // the weights have the raking form w = d exp(x . lambda)
    double[] lambda = r.lambda();
    for (int i = 0; i < n; i += 97) {
      double eta = 0;
      for (int c = 0; c < constraints.size(); c++) {
        eta += constraints.get(c).values()[i] * lambda[c];
      }
      assertRelative(Math.log(w[i] / d[i]), eta, 1e-7, "exponent " + i);
    }
  }

  @Test
  void ratioOfTotalsIsHit() {
    double[] d = {1, 1, 1, 1};
    double[] a = {1, 4, 2, 8};
    double[] b = {2, 2, 4, 4};
    Raking.Result r = new Raking(d, List.of(Constraint.ratioOfTotals("a/b", a, b, 1.5))).solve();
    double[] w = r.weights();
    assertRelative(1.5, total(w, a) / total(w, b), 1e-12, "ratio");
  }

  @Test
  void positiveTargetForAZeroVariableIsInfeasible() {
    RakingException e =
        assertThrows(
            RakingException.class,
            () ->
                new Raking(
                        new double[] {1, 1, 1},
                        List.of(
                            Constraint.count("N", 3, 3), Constraint.total("OUR", new double[3], 5)))
                    .solve());
    assertTrue(e.getMessage().contains("'OUR' is infeasible"), e.getMessage());
    assertTrue(e.getMessage().contains("zero for every firm"), e.getMessage());
    assertThrows(
        RakingException.class,
        () ->
            new Raking(new double[] {1, 1}, List.of(Constraint.total("x", new double[] {1, 2}, -1)))
                .solve());
    assertThrows(
        RakingException.class,
        () ->
            new Raking(
                    new double[] {1, 1},
                    List.of(Constraint.ratioMean("r", new double[] {0.2, 0.4}, 0.9)))
                .solve());
  }

  /** A variable that is zero for every firm with a target of zero constrains nothing. */
  @Test
  void zeroVariableWithZeroTargetIsMet() {
    Raking.Result r =
        new Raking(
                new double[] {1, 1, 2},
                List.of(Constraint.count("N", 3, 8), Constraint.total("OUR", new double[3], 0)))
            .solve();
    double[] w = r.weights();
    assertRelative(2, w[0], 1e-12, "w0");
    assertRelative(4, w[2], 1e-12, "w2");
  }

  /** Two totals of the same variable with different targets: no weights reach both. */
  @Test
  void conflictingTargetsDoNotConverge() {
    double[] x = {1, 2, 3};
    RakingException e =
        assertThrows(
            RakingException.class,
            () ->
                new Raking(
                        new double[] {1, 1, 1},
                        List.of(Constraint.total("x", x, 6), Constraint.total("x again", x, 7)))
                    .solve());
    assertTrue(e.getMessage().contains("did not converge"), e.getMessage());
  }

  private static double[] ones(int n) {
    double[] o = new double[n];
    java.util.Arrays.fill(o, 1);
    return o;
  }
}
