package io.firmsim.trainer.forecast.model;

import java.util.List;

/**
 * Something that forecasts the next {@link #horizon()} values of univariate series from their
 * histories: one trained block ({@link io.firmsim.trainer.forecast.train.BlockForecaster}), an
 * ensemble loaded from a forecaster artifact, or a test double. Commands ({@code forecast}, {@code
 * scenario macro}) depend on this and not on how the forecast is computed.
 */
public interface Forecaster extends AutoCloseable {
  /** The number of past values the forecaster looks at (shorter histories are zero-padded). */
  int lookback();

  /** The number of values forecast. */
  int horizon();

  /**
   * The forecasts of several series, one row of {@link #horizon()} values per history, in order.
   *
   * @throws IllegalArgumentException for an empty history
   */
  double[][] forecast(List<double[]> histories);

  /** The forecast of one series. */
  default double[] forecast(double[] history) {
    return forecast(List.of(history))[0];
  }

  /** Releases what the forecaster owns (models, sessions); a no-op when it owns nothing. */
  @Override
  default void close() {}
}
