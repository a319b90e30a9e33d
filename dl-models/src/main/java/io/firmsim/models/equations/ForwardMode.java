package io.firmsim.models.equations;

/**
 * How an equation turns its linear predictors into a value (MODEL.md section 3).
 *
 * <ul>
 *   <li>{@link #SAMPLE}: one uniform draw per firm and equation, passed in as a tensor, decides the
 *       discrete outcome (and the logistic error of Tobit models);
 *   <li>{@link #MEAN}: every draw is replaced by its expected value; deterministic and free of
 *       random numbers, used for parity tests between implementations.
 * </ul>
 */
public enum ForwardMode {
  SAMPLE,
  MEAN
}
