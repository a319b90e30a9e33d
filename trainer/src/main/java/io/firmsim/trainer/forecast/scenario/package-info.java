/**
 * Macro scenarios from a forecaster: the annual history of the two macro drivers ({@link
 * io.firmsim.trainer.forecast.scenario.AnnualMacroHistory}), K sampled paths by a joint block
 * bootstrap of rolling-origin forecast errors ({@link
 * io.firmsim.trainer.forecast.scenario.MacroScenarioGenerator}), their mapping to the simulator's
 * {@code dgnp} and {@code realr} ({@link io.firmsim.trainer.forecast.scenario.MacroScenarios}), and
 * the seam to forecaster artifacts ({@link io.firmsim.trainer.forecast.scenario.ForecasterLoader}).
 */
package io.firmsim.trainer.forecast.scenario;
