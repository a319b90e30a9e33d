package io.firmsim.trainer.fit;

/**
 * Convergence settings of the iterative fits. A fit has converged when, in the same iteration, the
 * largest change of a standardized parameter is below {@code parameterTolerance} and the relative
 * change of the objective is below {@code objectiveTolerance}.
 *
 * @param maxIterations iterations before a fit gives up (reported as not converged)
 * @param parameterTolerance on the largest absolute parameter change (standardized scale)
 * @param objectiveTolerance on the objective change relative to {@code max(1, |objective|)}
 */
public record FitOptions(int maxIterations, double parameterTolerance, double objectiveTolerance) {
  public static final FitOptions DEFAULTS = new FitOptions(100, 1e-10, 1e-12);

  public FitOptions {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be positive, found " + maxIterations);
    }
    if (!(parameterTolerance > 0) || !(objectiveTolerance > 0)) {
      throw new IllegalArgumentException("tolerances must be positive");
    }
  }
}
