/**
 * Forecaster artifacts: an ensemble of trained forecasting networks in one verified folder ({@link
 * io.firmsim.trainer.forecast.artifact.ForecasterArtifactWriter}, {@link
 * io.firmsim.trainer.forecast.artifact.ForecasterArtifact}), loaded as an {@link
 * io.firmsim.trainer.forecast.artifact.EnsembleForecaster} computing with DJL or ONNX Runtime, and
 * found by name in a model repository ({@link
 * io.firmsim.trainer.forecast.artifact.ForecasterRepository}).
 */
package io.firmsim.trainer.forecast.artifact;
