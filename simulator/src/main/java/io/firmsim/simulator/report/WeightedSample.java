package io.firmsim.simulator.report;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Firm values with weights, sorted once, for the report's ratio histograms and quantile tables.
 * Quantiles are the weighted inverse distribution function: the smallest value whose cumulative
 * weight reaches {@code p} times the total weight (with equal weights, type 1 of Hyndman and Fan).
 * Non-finite values are left out. Class is immutable.
 */
final class WeightedSample {

  private final double[] values;
  private final double[] sortedWeights;
  private final double[] cumulative;
  private final double total;
  private final double mean;

  /**
   * @param values the firm values; NaN and infinite values are left out
   * @param weights one weight per value, each finite and >= 0
   * @throws IllegalArgumentException when the lengths differ or a weight is negative or not finite
   */
  WeightedSample(double[] values, double[] weights) {
    if (values.length != weights.length) {
      throw new IllegalArgumentException(
          "values and weights differ in length: " + values.length + " and " + weights.length);
    }
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || !Double.isFinite(weights[i])) {
        throw new IllegalArgumentException(
            "weight " + i + " must be finite and >= 0: " + weights[i]);
      }
    }
    Integer[] order =
        IntStream.range(0, values.length)
            .filter(i -> Double.isFinite(values[i]))
            .boxed()
            .sorted(Comparator.comparingDouble(i -> values[i]))
            .toArray(Integer[]::new);
    this.values = new double[order.length];
    this.sortedWeights = new double[order.length];
    this.cumulative = new double[order.length];
    double sum = 0;
    double weighted = 0;
    for (int k = 0; k < order.length; k++) {
      this.values[k] = values[order[k]];
      this.sortedWeights[k] = weights[order[k]];
      sum += weights[order[k]];
      weighted += weights[order[k]] * values[order[k]];
      this.cumulative[k] = sum;
    }
    this.total = sum;
    this.mean = sum > 0 ? weighted / sum : Double.NaN;
  }

  /** The number of finite values. */
  int size() {
    return values.length;
  }

  /** The total weight of the finite values. */
  double totalWeight() {
    return total;
  }

  /** The weighted mean; NaN when the total weight is 0. */
  double mean() {
    return mean;
  }

  /** The weighted {@code p}-quantile, {@code 0 <= p <= 1}; NaN when the total weight is 0. */
  double quantile(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("p must be in [0, 1]: " + p);
    }
    if (!(total > 0)) {
      return Double.NaN;
    }
    double target = p * total;
    int k = Arrays.binarySearch(cumulative, target);
    if (k < 0) {
      k = -k - 1;
    }
    // Skip zero-weight values at the start (p = 0 gives the smallest value with weight).
    while (k < values.length - 1 && cumulative[k] <= 0) {
      k++;
    }
    // binarySearch may land on any of equal cumulative sums: take the first.
    while (k > 0 && cumulative[k - 1] >= target && cumulative[k - 1] > 0) {
      k--;
    }
    return values[Math.min(k, values.length - 1)];
  }

  /**
   * Weight shares (of the total weight, including values outside the range) of {@code bins}
   * equal-width bins over {@code [low, high]}; values outside are not counted.
   */
  double[] histogram(double low, double high, int bins) {
    double[] shares = new double[bins];
    if (!(total > 0) || !(high > low)) {
      return shares;
    }
    for (int k = 0; k < values.length; k++) {
      double w = sortedWeights[k];
      double v = values[k];
      if (v < low || v > high) {
        continue;
      }
      // The tolerance keeps a value on a bin's left edge (2.0 in [1.8, 2.2]) out of the bin below,
      // where rounding of (v - low) would put it.
      int b = (int) Math.floor((v - low) / (high - low) * bins + 1e-9);
      shares[Math.min(bins - 1, Math.max(0, b))] += w / total;
    }
    return shares;
  }
}
