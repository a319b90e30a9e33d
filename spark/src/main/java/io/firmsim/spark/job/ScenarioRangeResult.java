package io.firmsim.spark.job;

import io.firmsim.simulator.scenario.run.ScenarioPart;
import java.io.Serializable;

/**
 * A scenario task's result: its range's part, or the balance violation that stopped it.
 *
 * @param index the range
 * @param attempt Spark's attempt number of the task that produced it
 * @param part the range's weighted tile sums, ratios and differences, or null after a violation
 * @param violation the violation, or null
 */
record ScenarioRangeResult(
    int index, int attempt, ScenarioPart part, PartResult.Violation violation)
    implements Serializable {}
