package io.firmsim.zoo.profile;

import java.util.Arrays;
import java.util.Objects;

/**
 * The reference distribution of one input column: bins and the share of the training rows in each.
 *
 * <p>Bins are given by their interior cut points {@code edges} (finite, strictly increasing): with
 * {@code m = edges.length}, bin 0 is {@code (-inf, edges[0]]}, bin {@code i} is {@code (edges[i-1],
 * edges[i]]} and bin {@code m} is {@code (edges[m-1], +inf)}; the first and last bins are open, so
 * every value, infinities included, has a bin. {@code NaN} is put in the last bin (see {@link
 * #bin(double)}). A constant column has one edge (its value) and two bins, {@code [1, 0]}; a point
 * mass that covers several quantiles gives one edge, so its bin holds all of it.
 *
 * <p>Class is immutable; arrays are copied in and out.
 */
public final class FeatureProfile {
  /** Largest number of bins a profile may have (bin indices must fit a {@code short}). */
  public static final int MAX_BINS = 1000;

  /** How far the stored proportions may sum away from 1 (they are quotients of counts). */
  static final double SUM_TOLERANCE = 1e-9;

  private final String name;
  private final double[] edges;
  private final double[] proportions;
  private final long count;

  private FeatureProfile(String name, double[] edges, double[] proportions, long count) {
    this.name = name;
    this.edges = edges;
    this.proportions = proportions;
    this.count = count;
  }

  /**
   * A profile with given bins.
   *
   * @param name the column's name ({@code CA}, {@code dcasht_1}, ...)
   * @param edges interior cut points, finite and strictly increasing (may be empty: one bin)
   * @param proportions the share of rows per bin, {@code edges.length + 1} values in [0, 1] that
   *     sum to 1
   * @param count the number of rows the proportions come from, at least 1
   * @throws IllegalArgumentException naming what is wrong
   */
  public static FeatureProfile of(String name, double[] edges, double[] proportions, long count) {
    Objects.requireNonNull(name, "name");
    double[] e = edges.clone();
    double[] p = proportions.clone();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("the feature name is empty");
    }
    if (e.length + 1 > MAX_BINS) {
      throw new IllegalArgumentException(
          "'edges' has " + e.length + " values; at most " + (MAX_BINS - 1) + " are allowed");
    }
    for (int i = 0; i < e.length; i++) {
      if (!Double.isFinite(e[i])) {
        throw new IllegalArgumentException("'edges'[" + i + "] is not finite: " + e[i]);
      }
      if (i > 0 && !(e[i] > e[i - 1])) {
        throw new IllegalArgumentException(
            "'edges' must increase strictly, found " + e[i - 1] + " then " + e[i]);
      }
    }
    if (p.length != e.length + 1) {
      throw new IllegalArgumentException(
          "'proportions' needs "
              + (e.length + 1)
              + " values (one more than 'edges'), found "
              + p.length);
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new IllegalArgumentException("'proportions'[" + i + "] is outside [0, 1]: " + p[i]);
      }
      sum += p[i];
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException("'proportions' sum to " + sum + ", not 1");
    }
    if (count < 1) {
      throw new IllegalArgumentException("'count' must be at least 1, found " + count);
    }
    return new FeatureProfile(name, e, p, count);
  }

  /**
   * The profile of observed values: cut points at the {@code 1/bins, 2/bins, ...} quantiles (lower
   * quantiles: the smallest value with at least that share of rows at or below it), equal cut
   * points merged, then the exact share of the values in each bin. Deterministic: the same values
   * in any order give the same profile.
   *
   * @param values the column on the rows used (not modified); NaN counts in the last bin and takes
   *     no part in the cut points
   * @param bins the number of quantile bins wanted, 1..{@link #MAX_BINS}
   * @throws IllegalArgumentException when there are no values or {@code bins} is out of range
   */
  public static FeatureProfile fromValues(String name, double[] values, int bins) {
    if (bins < 1 || bins > MAX_BINS) {
      throw new IllegalArgumentException("bins must be in 1.." + MAX_BINS + ", found " + bins);
    }
    if (values.length == 0) {
      throw new IllegalArgumentException(name + ": no values to profile");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted); // NaN sorts last
    int finite = sorted.length;
    while (finite > 0 && Double.isNaN(sorted[finite - 1])) {
      finite--;
    }
    double[] cuts = new double[Math.max(0, bins - 1)];
    int m = 0;
    for (int k = 1; k < bins && finite > 0; k++) {
      // the lower k/bins quantile: rank ceil(k * n / bins), 1-based
      long rank = ((long) k * finite + bins - 1) / bins;
      double q = sorted[(int) Math.max(0, rank - 1)];
      if (Double.isFinite(q) && (m == 0 || q > cuts[m - 1])) {
        cuts[m++] = q;
      }
    }
    double[] edges = Arrays.copyOf(cuts, m);
    long[] counts = new long[m + 1];
    for (double v : values) {
      counts[bin(edges, v)]++;
    }
    double[] proportions = new double[m + 1];
    for (int i = 0; i <= m; i++) {
      proportions[i] = (double) counts[i] / values.length;
    }
    return of(name, edges, proportions, values.length);
  }

  /**
   * The bin of a value among interior cut points: the number of cut points strictly below it
   * (binary search, {@code O(log m)}); NaN gives the last bin.
   */
  public static int bin(double[] edges, double value) {
    if (Double.isNaN(value)) {
      return edges.length;
    }
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The bin of a value in this profile (see {@link #bin(double[], double)}). */
  public int bin(double value) {
    return bin(edges, value);
  }

  /** The column's name. */
  public String name() {
    return name;
  }

  /** The interior cut points, a copy. */
  public double[] edges() {
    return edges.clone();
  }

  /** The share of the reference rows per bin, a copy. */
  public double[] proportions() {
    return proportions.clone();
  }

  /** The number of bins, {@code edges().length + 1}. */
  public int binCount() {
    return proportions.length;
  }

  /** The number of reference rows. */
  public long count() {
    return count;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureProfile f
        && name.equals(f.name)
        && count == f.count
        && Arrays.equals(edges, f.edges)
        && Arrays.equals(proportions, f.proportions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, count, Arrays.hashCode(edges), Arrays.hashCode(proportions));
  }

  @Override
  public String toString() {
    return name + Arrays.toString(edges) + " " + Arrays.toString(proportions) + " n=" + count;
  }
}
