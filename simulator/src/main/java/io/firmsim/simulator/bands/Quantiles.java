package io.firmsim.simulator.bands;

import java.util.Arrays;

/**
 * Sample quantiles and the mean of a small set of values, as used for the bands across macro paths.
 *
 * <p>The quantile is Hyndman and Fan's type 7 (R's default, NumPy's {@code linear}): of the values
 * sorted, {@code x[0] <= ... <= x[n-1]}, the quantile at probability {@code p} is {@code x[j] + g
 * (x[j+1] - x[j])} with {@code h = (n - 1) p}, {@code j = floor(h)} and {@code g = h - j}. It is
 * the minimum at {@code p = 0}, the maximum at {@code p = 1}, the median at {@code p = 0.5}, and
 * equal values give that value exactly. With one value every quantile is that value.
 *
 * <p>Methods are stateless and thread-safe.
 */
public final class Quantiles {
  private Quantiles() {}

  /**
   * Type 7 quantile of {@code values} at probability {@code p} (class doc); {@code values} is not
   * modified. A NaN among the values gives NaN.
   *
   * @throws IllegalArgumentException if {@code values} is empty or {@code p} is not in [0, 1]
   */
  public static double type7(double[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to take a quantile of");
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], found " + p);
    }
    for (double v : values) {
      if (Double.isNaN(v)) {
        return Double.NaN;
      }
    }
    double[] x = values.clone();
    Arrays.sort(x);
    double h = (x.length - 1) * p;
    int j = (int) Math.floor(h);
    if (j >= x.length - 1) {
      return x[x.length - 1];
    }
    double g = h - j;
    if (g == 0 || x[j] == x[j + 1]) {
      return x[j];
    }
    return x[j] + g * (x[j + 1] - x[j]);
  }

  /**
   * Mean of {@code values}, formed as {@code x[0] + sum(x[i] - x[0]) / n} so that equal values give
   * that value exactly (a plain {@code sum / n} can be off by a rounding).
   *
   * @throws IllegalArgumentException if {@code values} is empty
   */
  public static double mean(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to take a mean of");
    }
    double a = values[0];
    if (!Double.isFinite(a)) {
      double sum = 0;
      for (double v : values) {
        sum += v;
      }
      return sum / values.length;
    }
    double s = 0;
    for (double v : values) {
      s += v - a;
    }
    return a + s / values.length;
  }
}
