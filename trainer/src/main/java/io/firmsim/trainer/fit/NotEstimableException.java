package io.firmsim.trainer.fit;

/**
 * A submodel that cannot be estimated from the data it was given: the data do not identify it (a
 * binary target with one value, an ordinal category with no row, fewer positive values than
 * parameters, a constant or collinear feature, more parameters than rows, perfect separation) or
 * the fit overflows. This is a property of the data, not a bug: callers decide whether the run
 * fails (the {@code fit} command, exit 3) or keeps the base coefficients and says so (a whole-model
 * refit), by the {@link Reason}, never by the message text.
 */
public class NotEstimableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a submodel cannot be estimated. */
  public enum Reason {
    /** The target takes one value only (binary all 0 or all 1, no positive Tobit value...). */
    DEGENERATE_TARGET,
    /** An ordinal outcome category has no row. */
    EMPTY_CATEGORY,
    /** A feature is constant (relative to its scale) in the rows used. */
    CONSTANT_FEATURE,
    /** Features are collinear (relative to their scale) in the rows used. */
    COLLINEAR_FEATURES,
    /** Fewer rows (or events) than parameters. */
    TOO_FEW_ROWS,
    /** A linear combination of the features separates the outcomes perfectly. */
    SEPARATION,
    /** The estimates or the objective overflow to non-finite values. */
    OVERFLOW
  }

  private final Reason reason;

  public NotEstimableException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public NotEstimableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the submodel cannot be estimated. */
  public Reason reason() {
    return reason;
  }
}
