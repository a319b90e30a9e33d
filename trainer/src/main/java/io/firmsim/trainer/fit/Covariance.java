package io.firmsim.trainer.fit;

import java.util.Locale;

/**
 * Which covariance a fit's standard errors come from. Binary GLMs offer a choice: the expected
 * (Fisher) information {@code X'WX}, which R's {@code glm} and statsmodels' {@code GLM} report and
 * which is the default, or the observed information (the negated Hessian of the log-likelihood at
 * the estimate). For the logit link the two are equal; for cloglog they differ by a few percent.
 * Ordinal and Tobit fits always use the observed information, Huber fits Huber's sandwich estimator
 * ({@code summary.rlm}); the result states which was used.
 */
public enum Covariance {
  /** The inverse of the expected (Fisher) information. */
  EXPECTED,
  /** The inverse of the observed information (negated Hessian of the log-likelihood). */
  OBSERVED,
  /** Huber's sandwich covariance with his small-sample correction. */
  SANDWICH;

  /** How the model JSON names it: {@code expected}, {@code observed} or {@code sandwich}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
