/**
 * An LSTM forecaster as a DJL block: {@link io.firmsim.models.forecast.lstm.LstmForecaster}, an
 * encoder LSTM over the lookback window and a direct multi-horizon linear head.
 */
package io.firmsim.models.forecast.lstm;
