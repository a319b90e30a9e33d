package io.firmsim.simulator.population;

import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A population of firms on the host: one row per firm, the columns of {@link StateVariable} in
 * column order, plus each firm's id. This is the form in which populations are generated, read from
 * files and handed to the simulator at a chunk boundary.
 *
 * <p>Each firm may carry a <i>weight</i>: how many firms of the population it stands for (a survey
 * or calibration weight, see {@code io.firmsim.simulator.calibration.Raking}). Weighted totals are
 * {@code sum_i weight(i) * x_i}. Weights are finite and positive; a population built without them
 * weighs every firm 1 ({@link #hasWeights()} tells the two apart).
 *
 * <p>Class is immutable: arrays are copied in and out. Serializable (so that a cluster executor can
 * rebuild a run from it) through a proxy that is read back by the validating constructor.
 */
public final class Population implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] firmIds;
  private final double[] values; // row-major [firms, StateVariable.count()]
  private final int rebalanced;
  private final double[] weights; // null: every firm weighs 1

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
    this(firmIds, values, null, rebalanced);
  }

  /**
   * A population with per-firm weights.
   *
   * @param firmIds one id per firm
   * @param values row-major values, {@code firmIds.length * StateVariable.count()} of them
   * @param weights one weight per firm, each finite and positive; null means every firm weighs 1
   * @throws IllegalArgumentException if the lengths disagree or a weight is not finite and positive
   */
  public Population(long[] firmIds, double[] values, double[] weights) {
    this(firmIds, values, weights, 0);
  }

  /**
   * @param firmIds one id per firm
   * @param values row-major values, {@code firmIds.length * StateVariable.count()} of them
   * @param weights one weight per firm, each finite and positive; null means every firm weighs 1
   * @param rebalanced how many rows were re-balanced when read (see {@link #rebalanced()})
   * @throws IllegalArgumentException if the lengths disagree or a weight is not finite and positive
   */
  public Population(long[] firmIds, double[] values, double[] weights, int rebalanced) {
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
    if (weights != null) {
      if (weights.length != firmIds.length) {
        throw new IllegalArgumentException(
            "weights must hold one number per firm ("
                + firmIds.length
                + "), found "
                + weights.length);
      }
      for (int i = 0; i < weights.length; i++) {
        if (!(Double.isFinite(weights[i]) && weights[i] > 0)) {
          throw new IllegalArgumentException(
              "a weight must be finite and positive, found "
                  + weights[i]
                  + " for firm "
                  + firmIds[i]
                  + " (row "
                  + i
                  + ")");
        }
      }
    }
    this.firmIds = firmIds.clone();
    this.values = values.clone();
    this.weights = weights == null ? null : weights.clone();
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

  /** Whether the firms carry weights of their own (otherwise every firm weighs 1). */
  public boolean hasWeights() {
    return weights != null;
  }

  /** The weight of the firm in {@code row}: 1 without weights. */
  public double weight(int row) {
    if (row < 0 || row >= firmIds.length) {
      throw new IndexOutOfBoundsException("row " + row + " of " + firmIds.length);
    }
    return weights == null ? 1.0 : weights[row];
  }

  /** A copy of the weights, one per firm: all 1 without weights. Never null. */
  public double[] weights() {
    if (weights == null) {
      double[] ones = new double[firmIds.length];
      Arrays.fill(ones, 1.0);
      return ones;
    }
    return weights.clone();
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

  private Object writeReplace() {
    return new Proxy(firmIds, values, weights, rebalanced);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a population is read through its proxy");
  }

  /** A population in a stream; read back through the constructor, which checks and copies. */
  private static final class Proxy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] firmIds;
    private final double[] values;
    private final double[] weights; // null: every firm weighs 1
    private final int rebalanced;

    Proxy(long[] firmIds, double[] values, double[] weights, int rebalanced) {
      this.firmIds = firmIds;
      this.values = values;
      this.weights = weights;
      this.rebalanced = rebalanced;
    }

    private Object readResolve() {
      return new Population(firmIds, values, weights, rebalanced);
    }
  }

  /**
   * Rows {@code [from, to)} as a new population, with their weights (if any) and a {@link
   * #rebalanced()} count of 0.
   */
  public Population slice(int from, int to) {
    int n = StateVariable.count();
    return new Population(
        Arrays.copyOfRange(firmIds, from, to),
        Arrays.copyOfRange(values, from * n, to * n),
        weights == null ? null : Arrays.copyOfRange(weights, from, to));
  }

  /**
   * This population's firms and values with other weights.
   *
   * @param newWeights one weight per firm, each finite and positive; null drops the weights
   */
  public Population withWeights(double[] newWeights) {
    return new Population(firmIds, values, newWeights, rebalanced);
  }
}
