package io.firmsim.zoo.modelspec;

import java.util.List;

/**
 * The six estimation methods of MODEL.md section 3, each with the submodels it needs. The order of
 * {@link #submodels()} is the order of the method's linear predictors wherever they are stacked.
 */
public enum Method {
  /** Huber-Schweppe level: the value is the level. */
  HS(List.of("level")),
  /** Tobit type 1 with logistic errors: {@code max(0, latent + scale * L)}. */
  TOBIT(List.of("latent")),
  /** Binary cloglog probability of a non-zero value times a level. */
  LLG(List.of("prob", "level")),
  /** Binary logit probability of a non-zero value times a level. */
  LLN(List.of("prob", "level")),
  /** Ordinal cloglog over negative / zero / positive with one level per sign. */
  MUNO(List.of("prob", "level_pos", "level_neg")),
  /** Two binary cloglog models for positive and negative with one level per sign. */
  LSG(List.of("prob_pos", "prob_neg", "level_pos", "level_neg"));

  private final List<String> submodels;

  Method(List<String> submodels) {
    this.submodels = submodels;
  }

  /** Names of the submodels this method requires, in predictor order. */
  public List<String> submodels() {
    return submodels;
  }

  /** The family and link a submodel of this method must have. */
  public Family familyOf(String submodel) {
    if (submodel.startsWith("level")) {
      return Family.HUBER;
    }
    switch (this) {
      case TOBIT:
        return Family.TOBIT;
      case MUNO:
        return Family.ORDINAL3;
      default:
        return Family.BINARY;
    }
  }

  /** The link of this method's probability submodels ({@code null} when it has none). */
  public Link link() {
    switch (this) {
      case LLN:
        return Link.LOGIT;
      case LLG:
      case MUNO:
      case LSG:
        return Link.CLOGLOG;
      default:
        return null;
    }
  }
}
