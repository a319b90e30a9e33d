package io.firmsim.spark.job;

import io.firmsim.simulator.engine.PartialAggregates;
import java.io.Serializable;
import java.util.List;

/**
 * What a task returns to the driver: its range's aggregates (or the balance violation that stopped
 * it), the panel files it wrote, and where it ran.
 *
 * @param index the range
 * @param attempt Spark's attempt number of the task that produced this (0 unless retried)
 * @param aggregates the range's tile sums and gaps, or null after a violation
 * @param violation the first balance violation of the range, or null
 * @param panelFiles the panel files the attempt wrote (Hadoop paths), one per reported year
 * @param where the executor's id and host, the device and the threads it ran on
 */
public record PartResult(
    int index,
    int attempt,
    PartialAggregates aggregates,
    Violation violation,
    List<String> panelFiles,
    String where)
    implements Serializable {

  /** A balance violation found by a task. */
  public record Violation(long firmId, int year, double gap, double tolerance)
      implements Serializable {}
}
