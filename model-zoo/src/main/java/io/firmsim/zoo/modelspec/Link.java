package io.firmsim.zoo.modelspec;

/**
 * Link of a probability submodel: {@code cloglog(eta) = 1 - exp(-exp(eta))}, {@code logit(eta) = 1
 * / (1 + exp(-eta))}. Spelled in lower case in model files.
 */
public enum Link {
  LOGIT,
  CLOGLOG;

  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
