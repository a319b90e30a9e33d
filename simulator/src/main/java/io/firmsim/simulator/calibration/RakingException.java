package io.firmsim.simulator.calibration;

/**
 * Raking found no weights: a target is out of reach of the data (infeasible), or Newton's method
 * did not meet the tolerance within its iterations. The message names the constraint.
 */
public final class RakingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RakingException(String message) {
    super(message);
  }
}
