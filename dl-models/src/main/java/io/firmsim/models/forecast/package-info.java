/**
 * Forecasting networks as DJL blocks: N-BEATS ({@link io.firmsim.models.forecast.nbeats}) and an
 * LSTM encoder with a direct multi-horizon head ({@link io.firmsim.models.forecast.lstm}).
 *
 * <p>Every block here maps a lookback window {@code [batch, lookback]} to a forecast {@code [batch,
 * horizon]}, works in float32 (training) and float64, takes its hyperparameters from a validated
 * builder, and draws its initial parameters from a {@link
 * io.firmsim.models.forecast.SeededInitializer} so that the same seed gives the same parameters on
 * any engine and thread.
 */
package io.firmsim.models.forecast;
