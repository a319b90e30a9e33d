package io.firmsim.models.equations;

import io.firmsim.models.tensor.Tensor;

/**
 * The link of a binary probability submodel, {@code p = link(eta)}, as the alignment of a submodel
 * needs it: the probability, its derivative in eta, and the inverse at a target rate (MODEL.md
 * section 3). Stateless.
 */
public enum ProbabilityLink {
  /** {@code p = 1 / (1 + exp(-eta))} (method LLN). */
  LOGIT,
  /** {@code p = 1 - exp(-exp(eta))} (methods LLG and LSG, and MUNO's ordinal thresholds). */
  CLOGLOG;

  /** {@code p} from eta, as the equation blocks compute it. */
  public Tensor probability(Tensor eta) {
    return this == LOGIT ? EquationBlock.logit(eta) : EquationBlock.cloglog(eta);
  }

  /**
   * {@code dp / deta}: {@code p (1 - p) = sigmoid(eta) sigmoid(-eta)} for the logit, {@code exp(eta
   * - exp(eta))} for the cloglog (0, not NaN, where {@code exp(eta)} overflows).
   */
  public Tensor derivative(Tensor eta) {
    if (this == LOGIT) {
      return eta.sigmoid().mul(eta.neg().sigmoid());
    }
    return eta.sub(eta.exp()).exp();
  }

  /** The eta at which {@code p = rate}, for {@code 0 < rate < 1}. */
  public double inverse(double rate) {
    if (!(rate > 0 && rate < 1)) {
      throw new IllegalArgumentException("rate must be in (0, 1), found " + rate);
    }
    return this == LOGIT ? Math.log(rate / (1 - rate)) : Math.log(-Math.log1p(-rate));
  }

  /** {@code p} from eta in Java, for host-side checks. */
  public double probability(double eta) {
    return this == LOGIT ? 1 / (1 + Math.exp(-eta)) : -Math.expm1(-Math.exp(eta));
  }
}
