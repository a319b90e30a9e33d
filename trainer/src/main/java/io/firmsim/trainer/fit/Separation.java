package io.firmsim.trainer.fit;

/**
 * Whether a binary outcome is (quasi-)completely separated by a linear combination of the features:
 * a direction {@code d} with {@code (2 y_i - 1) z_i'd >= 0} in every row, strictly in at least one
 * (z_i: the design row, intercept included). Then the likelihood keeps rising as the coefficients
 * run off along {@code d} and the maximum-likelihood estimates do not exist (Albert and Anderson,
 * 1984); a Newton fit either stops at its iteration limit or "converges" where the fitted
 * probabilities round to 0 and 1, with meaningless, huge coefficients.
 *
 * <p>The test is exact, by linear programming: by Stiemke's alternative there is no such {@code d}
 * exactly when some strictly positive weights {@code lambda} balance the signed rows, {@code sum_i
 * lambda_i (2 y_i - 1) z_i = 0}. Writing {@code lambda_i = 1 + mu_i}, that is the feasibility of
 * {@code sum_i mu_i s_i z_i = -sum_i s_i z_i, mu >= 0}: q equality constraints in n non-negative
 * unknowns, which phase 1 of the simplex method decides in a few pivots of a {@code q x n} tableau
 * (Dantzig's rule; Bland's after a run of degenerate pivots, so it cannot cycle). The LP is solved
 * before every fit whose tableau has at most {@value #EAGER_CELLS} cells, and for larger fits only
 * when they look separated (see {@link BinaryEstimator}) while the tableau has at most {@value
 * #MAX_CELLS} cells; beyond that, or when the simplex meets numerical trouble, the answer is {@link
 * Verdict#UNDECIDED}.
 */
final class Separation {
  /** Largest tableau (rows times columns) the check builds. */
  static final long MAX_CELLS = 10_000_000L;

  /** Tableaus up to this size are checked before every fit (milliseconds). */
  static final long EAGER_CELLS = 1_000_000L;

  /** Cells of the tableau for n rows and q parameters. */
  static long cells(int n, int q) {
    return (long) (q + 2) * (n + q + 2);
  }

  /** The answer of the check. */
  enum Verdict {
    SEPARATED,
    NOT_SEPARATED,
    UNDECIDED
  }

  private Separation() {}

  /**
   * @param design feature-major {@code [q, n]} design values (row 0 the intercept's ones)
   * @param q parameters (design rows)
   * @param y 0/1 outcomes
   */
  static Verdict check(double[] design, int q, double[] y) {
    int n = y.length;
    if (cells(n, q) > MAX_CELLS) {
      return Verdict.UNDECIDED;
    }
    // Phase 1 of the simplex method on A mu = b, mu >= 0, with A = [s_i z_i] (q x n) and
    // b = -sum_i s_i z_i: minimise the sum of q artificial variables, which start as the basis.
    // Rows are flipped so that b >= 0. An artificial that leaves the basis is dropped.
    double[][] t = new double[q][n];
    double[] b = new double[q];
    double size = 1;
    for (int k = 0; k < q; k++) {
      int o = k * n;
      double rhs = 0;
      for (int i = 0; i < n; i++) {
        double a = y[i] == 1 ? design[o + i] : -design[o + i];
        t[k][i] = a;
        rhs -= a;
      }
      if (rhs < 0) {
        for (int i = 0; i < n; i++) {
          t[k][i] = -t[k][i];
        }
        rhs = -rhs;
      }
      b[k] = rhs;
      size += rhs;
    }
    // Reduced costs of the structural columns: -(sum of the rows with an artificial in the basis).
    double[] z = new double[n];
    for (int k = 0; k < q; k++) {
      for (int i = 0; i < n; i++) {
        z[i] -= t[k][i];
      }
    }
    int[] basis = new int[q];
    java.util.Arrays.fill(basis, -1); // -1: the row's artificial is basic
    double tolerance = 1e-9;
    int degenerate = 0;
    int maxPivots = 50 * (q + 10);
    for (int pivot = 0; pivot < maxPivots; pivot++) {
      double infeasibility = 0;
      for (int k = 0; k < q; k++) {
        if (basis[k] < 0) {
          infeasibility += b[k];
        }
      }
      if (infeasibility <= 1e-9 * size) {
        return Verdict.NOT_SEPARATED;
      }
      // Entering column: the most negative reduced cost (Dantzig), or after a run of degenerate
      // pivots the first negative one (Bland), which cannot cycle.
      int enter = -1;
      for (int i = 0; i < n; i++) {
        if (z[i] < -tolerance && (enter < 0 || (degenerate <= 20 && z[i] < z[enter]))) {
          enter = i;
          if (degenerate > 20) {
            break;
          }
        }
      }
      if (enter < 0) {
        return Verdict.SEPARATED; // optimal with artificials left at a positive level
      }
      int leave = -1;
      double best = Double.POSITIVE_INFINITY;
      for (int k = 0; k < q; k++) {
        double a = t[k][enter];
        if (a > tolerance) {
          double ratio = b[k] / a;
          if (ratio < best) {
            best = ratio;
            leave = k;
          }
        }
      }
      if (leave < 0) {
        return Verdict.UNDECIDED; // cannot happen in phase 1 (bounded below): numerical trouble
      }
      degenerate = best <= tolerance ? degenerate + 1 : 0;
      double[] row = t[leave];
      double a = row[enter];
      for (int i = 0; i < n; i++) {
        row[i] /= a;
      }
      b[leave] /= a;
      for (int k = 0; k < q; k++) {
        if (k != leave) {
          double f = t[k][enter];
          if (f != 0) {
            double[] other = t[k];
            for (int i = 0; i < n; i++) {
              other[i] -= f * row[i];
            }
            b[k] -= f * b[leave];
          }
        }
      }
      double fz = z[enter];
      for (int i = 0; i < n; i++) {
        z[i] -= fz * row[i];
      }
      basis[leave] = enter;
    }
    return Verdict.UNDECIDED;
  }
}
