package io.firmsim.models.forecast.nbeats;

/**
 * The basis through which the blocks of an N-BEATS stack turn their expansion coefficients into a
 * backcast and a forecast (paper, section 3.3).
 */
public enum StackKind {
  /**
   * A learned linear projection with bias ({@code y = V theta + b}); the coefficient vectors are as
   * long as the lookback (backcast) and the horizon (forecast).
   */
  GENERIC,
  /** A polynomial of a configurable degree in {@code t}: {@link Basis#trend}. */
  TREND,
  /** A Fourier series with {@code floor(H/2 - 1)} harmonics: {@link Basis#seasonality}. */
  SEASONALITY
}
