package io.firmsim.trainer.fit;

/**
 * Convergence settings of the iterative fits, and the covariance of binary fits' standard errors. A
 * fit has converged when, in the same iteration, the largest change of a standardized parameter is
 * below {@code parameterTolerance} and the relative change of the objective is below {@code
 * objectiveTolerance}.
 *
 * <p>Class is immutable.
 *
 * @param maxIterations iterations before a fit gives up (reported as not converged)
 * @param parameterTolerance on the largest absolute parameter change (standardized scale)
 * @param objectiveTolerance on the objective change relative to {@code max(1, |objective|)}
 * @param binaryCovariance standard errors of binary fits: {@link Covariance#EXPECTED} (as R's glm
 *     and statsmodels, the default) or {@link Covariance#OBSERVED}; other families ignore it
 */
public record FitOptions(
    int maxIterations,
    double parameterTolerance,
    double objectiveTolerance,
    Covariance binaryCovariance) {
  public static final FitOptions DEFAULTS = new FitOptions(100, 1e-10, 1e-12);

  public FitOptions {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be positive, found " + maxIterations);
    }
    if (!(parameterTolerance > 0) || !(objectiveTolerance > 0)) {
      throw new IllegalArgumentException("tolerances must be positive");
    }
    if (binaryCovariance != Covariance.EXPECTED && binaryCovariance != Covariance.OBSERVED) {
      throw new IllegalArgumentException(
          "binaryCovariance must be EXPECTED or OBSERVED, found " + binaryCovariance);
    }
  }

  /** Expected-information standard errors for binary fits. */
  public FitOptions(int maxIterations, double parameterTolerance, double objectiveTolerance) {
    this(maxIterations, parameterTolerance, objectiveTolerance, Covariance.EXPECTED);
  }

  /** The same settings with another covariance for binary fits. */
  public FitOptions withBinaryCovariance(Covariance covariance) {
    return new FitOptions(maxIterations, parameterTolerance, objectiveTolerance, covariance);
  }
}
