package io.firmsim.simulator.population;

import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A population of firms on the host: one row per firm, the columns of {@link StateVariable} in
 * column order, plus each firm's id. This is the form in which populations are generated, read from
 * files and handed to the simulator at a chunk boundary.
 *
 * <p>Class is immutable: arrays are copied in and out.
 */
public final class Population {
  private final long[] firmIds;
  private final double[] values; // row-major [firms, StateVariable.count()]

  /**
   * @param firmIds one id per firm
   * @param values row-major values, {@code firmIds.length * StateVariable.count()} of them
   */
  public Population(long[] firmIds, double[] values) {
    Objects.requireNonNull(firmIds, "firmIds");
    Objects.requireNonNull(values, "values");
    if (values.length != firmIds.length * StateVariable.count()) {
      throw new IllegalArgumentException(
          "values must hold "
              + firmIds.length
              + " x "
              + StateVariable.count()
              + " numbers, found "
              + values.length);
    }
    this.firmIds = firmIds.clone();
    this.values = values.clone();
  }

  /** Number of firms. */
  public int size() {
    return firmIds.length;
  }

  public long firmId(int row) {
    return firmIds[row];
  }

  public double value(int row, StateVariable variable) {
    return values[row * StateVariable.count() + variable.index()];
  }

  /** A copy of the firm ids. */
  public long[] firmIds() {
    return firmIds.clone();
  }

  /** A copy of the row-major values {@code [firms, StateVariable.count()]}. */
  public double[] values() {
    return values.clone();
  }

  /** Rows {@code [from, to)} as a new population. */
  public Population slice(int from, int to) {
    int n = StateVariable.count();
    return new Population(
        Arrays.copyOfRange(firmIds, from, to), Arrays.copyOfRange(values, from * n, to * n));
  }
}
