package io.firmsim.trainer.fit;

/**
 * A log-likelihood (or negated robust loss) to maximise over a parameter vector, with its gradient
 * and Hessian. Implementations evaluate on the device; only the small results come back.
 */
interface Objective {
  /**
   * The objective at {@code theta}; with {@code derivatives}, also its gradient and Hessian.
   * Returns a value of negative infinity (or NaN) where {@code theta} is not admissible.
   */
  Evaluation evaluate(double[] theta, boolean derivatives);

  /** Value, gradient and Hessian (null when not asked for) of an objective. */
  record Evaluation(double value, double[] gradient, double[][] hessian) {}
}
