/**
 * ONNX export of the forecasters: {@link io.firmsim.models.forecast.onnx.ForecastGraphExporter}
 * writes a trained N-BEATS or LSTM forecaster as an ONNX graph that ONNX Runtime runs in float32 or
 * float64.
 */
package io.firmsim.models.forecast.onnx;
