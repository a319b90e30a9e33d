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
  private final int rebalanced;

  /**
   * @param firmIds one id per firm
   * @param values row-major values, {@code firmIds.length * StateVariable.count()} of them
   */
  public Population(long[] firmIds, double[] values) {
    this(firmIds, values, 0);
  }

  /**
   * @param firmIds one id per firm
   * @param values row-major values, {@code firmIds.length * StateVariable.count()} of them
   * @param rebalanced how many rows were re-balanced when read (see {@link #rebalanced()})
   */
  public Population(long[] firmIds, double[] values, int rebalanced) {
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
    this.rebalanced = rebalanced;
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

  /**
   * How many rows of a population file were re-balanced when read: their balance-identity gap,
   * within the file tolerance but above float64 rounding (a float32 panel read back, say), was
   * moved into {@code URE} ({@link PopulationCsvReader}). 0 for a generated population and for a
   * slice. A command that reads a population file can report it.
   */
  public int rebalanced() {
    return rebalanced;
  }

  /** Rows {@code [from, to)} as a new population (with a {@link #rebalanced()} count of 0). */
  public Population slice(int from, int to) {
    int n = StateVariable.count();
    return new Population(
        Arrays.copyOfRange(firmIds, from, to), Arrays.copyOfRange(values, from * n, to * n));
  }
}
