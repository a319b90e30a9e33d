package io.firmsim.simulator.cli;

/**
 * A run that worked as designed on valid input but could not produce a trustworthy result: a check
 * failed (the balance identity), nothing could be estimated, a fit did not converge. Not a bug and
 * not bad input: the command line reports its message without a stack trace and exits with {@value
 * ErrorHandler#FAILED_RUN}. Commands throw it, or a subclass, or wrap their own failure type in it
 * (keeping it as the cause).
 */
public class RunFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunFailedException(String message) {
    super(message);
  }

  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
