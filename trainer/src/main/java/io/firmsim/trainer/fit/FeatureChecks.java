package io.firmsim.trainer.fit;

/**
 * Scale-aware checks of a fit's data: whether a feature is constant, and whether there are enough
 * rows for the parameters. Firm panels hold features from about 1e-16 (ratios of small flows) to
 * 1e12 (SEK squared), so no absolute threshold can tell "constant" from "small": a feature is
 * judged against its own magnitude.
 *
 * <p><b>Constant</b>: a column is constant when its spread is zero, or when its (population)
 * standard deviation is at most {@value #RELATIVE_SPREAD} times its largest absolute value, {@code
 * sd <= 1e-12 * max|x|}. Values at 1e-16 that vary by a few percent among themselves are not
 * constant; values of 1e6 that vary by 1e-9 (about ten units in the last place, i.e. rounding) are.
 * At that spread the standardized column would be made of the rounding of the values rather than of
 * their variation. The moments are computed on the values divided by {@code max|x|}, so neither
 * very large nor very small magnitudes overflow or underflow.
 *
 * <p>Collinearity is judged on the correlation matrix of the standardized features (see {@link
 * Design}), which is scale-free by construction.
 */
public final class FeatureChecks {
  /** Largest {@code sd / max|x|} of a constant feature. */
  public static final double RELATIVE_SPREAD = 1e-12;

  private FeatureChecks() {}

  /** Mean, standard deviation (divisor n) and largest absolute value of a column. */
  record Moments(double mean, double sd, double maxAbs, double relativeMean, double relativeSd) {
    /** Whether the column is constant by the criterion of {@link FeatureChecks}. */
    boolean constant() {
      return relativeSd == 0 || relativeSd <= RELATIVE_SPREAD;
    }
  }

  /** Whether a column is constant: {@code sd <= 1e-12 * max|x|} (see the class comment). */
  public static boolean isConstant(double[] column) {
    return moments(column, 0, 1, column.length).constant();
  }

  /**
   * The moments of column {@code j} of a row-major {@code [n, p]} matrix, computed on the values
   * divided by their largest absolute value (relative moments) and scaled back.
   */
  static Moments moments(double[] values, int j, int p, int n) {
    double maxAbs = 0;
    for (int i = 0; i < n; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(values[i * p + j]));
    }
    if (maxAbs == 0) {
      return new Moments(0, 0, 0, 0, 0);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += values[i * p + j] / maxAbs;
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double d = values[i * p + j] / maxAbs - mean;
      ss += d * d;
    }
    double sd = Math.sqrt(ss / n);
    return new Moments(mean * maxAbs, sd * maxAbs, maxAbs, mean, sd);
  }

  /**
   * Refuses a fit with fewer rows than parameters ("more parameters than rows").
   *
   * @param what the fit, e.g. "a binary fit"
   * @param rows rows in the fit
   * @param parameters parameters estimated, intercepts and scales included
   * @param strictlyMore whether the fit needs more rows than parameters (a residual degree of
   *     freedom), not just as many
   * @throws NotEstimableException with reason {@link NotEstimableException.Reason#TOO_FEW_ROWS}
   */
  static void requireRows(String what, long rows, int parameters, boolean strictlyMore) {
    if (rows < parameters) {
      throw new NotEstimableException(
          NotEstimableException.Reason.TOO_FEW_ROWS,
          what
              + " has "
              + parameters
              + " parameters but only "
              + rows
              + " rows: more parameters than rows, they are not identified");
    }
    if (strictlyMore && rows == parameters) {
      throw new NotEstimableException(
          NotEstimableException.Reason.TOO_FEW_ROWS,
          what
              + " has "
              + parameters
              + " parameters and as many rows: it needs more rows than parameters");
    }
  }
}
