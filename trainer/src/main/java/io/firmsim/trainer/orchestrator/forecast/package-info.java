/**
 * The orchestrator's {@code forecast} task kind: a forecaster ensemble trained as a task graph (the
 * series, one independent task per member, the assembly), reused by content, written as a
 * forecaster artifact with a training report ({@link
 * io.firmsim.trainer.orchestrator.forecast.ForecastRun}).
 */
package io.firmsim.trainer.orchestrator.forecast;
