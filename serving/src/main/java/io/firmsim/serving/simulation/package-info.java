/**
 * The firmsim simulation endpoint of the inference server: {@code POST
 * /v2/models/{artifact}[/versions/{v}]/simulate} runs {@code firmsim simulate} on a population sent
 * in the request and answers its aggregates as JSON or streams its panel as CSV ({@link
 * io.firmsim.serving.simulation.SimulateAction}), within {@link
 * io.firmsim.serving.simulation.SimulationLimits}.
 */
package io.firmsim.serving.simulation;
