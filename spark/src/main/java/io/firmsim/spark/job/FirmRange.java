package io.firmsim.spark.job;

import io.firmsim.simulator.population.Population;
import java.io.Serializable;

/**
 * One task's firms: the range {@code [from, to)} of the population's firm positions, and, for a
 * population read on the driver, the range's firms themselves (a generated population is generated
 * by the task).
 *
 * @param index the range's position (0, 1, ...): its Spark partition
 * @param ids the range's firm ids, or null for a generated population
 * @param values the range's start state, row-major, or null for a generated population
 */
public record FirmRange(int index, int from, int to, long[] ids, double[] values)
    implements Serializable {
  public FirmRange {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ")");
    }
    if ((ids == null) != (values == null) || (ids != null && ids.length != to - from)) {
      throw new IllegalArgumentException("range [" + from + ", " + to + ") with other firms");
    }
  }

  /** A range of a population read on the driver, carrying its firms. */
  static FirmRange of(int index, int from, int to, Population population) {
    Population slice = population.slice(from, to);
    return new FirmRange(index, from, to, slice.firmIds(), slice.values());
  }
}
