/**
 * Training of the forecasting blocks ({@code NBeatsBlock}, {@code LstmForecaster}) on a set of
 * series, N-BEATS style: windows sampled from the recent history of each series, Adam with gradient
 * clipping, an sMAPE, MASE or MAE loss, a held-out validation horizon with early stopping, and a
 * forecaster that applies a trained block to a series. See docs/FORECASTING.md, "Training".
 */
package io.firmsim.trainer.forecast.train;
