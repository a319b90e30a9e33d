package io.firmsim.trainer.forecast.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Naive2, the benchmark of the M3 and M4 competitions and the denominator of M4's OWA: the naive
 * (last value) forecast of the seasonally adjusted series, re-seasonalized. Implemented as M4's
 * reference code ({@code Benchmarks} and {@code SeasonalityTest} in the M4 repository's R
 * benchmarks) defines it:
 *
 * <ol>
 *   <li>{@link #isSeasonal}: for m > 1 and n >= 3m, the series is seasonal when the sample
 *       autocorrelation at lag m exceeds, in absolute value, {@code 1.645 * sqrt((1 + 2 *
 *       sum_{k=1}^ {m-1} r_k^2) / n)} (a 90% test); otherwise it is not.
 *   <li>{@link #seasonalIndices}: R's {@code decompose(type = "multiplicative")}: a centered moving
 *       average of order m (2 x m for even m), the ratios of the values to it averaged per position
 *       in the cycle (counted from the first value), normalized to mean 1.
 *   <li>The forecast of a seasonal series is {@code y_T / s(T) * s(T + h)}; of any other series
 *       {@code y_T}.
 * </ol>
 *
 * <p>The original M3 NAIVE2 submission differs from this definition in two ways
 * (docs/FORECASTING.md, "Evaluation"): it took its seasonal indices from the whole series, held-out
 * values included, and its choice of which series to deseasonalize follows another rule. For m = 1
 * (M3 yearly and other) both are the naive forecast and agree exactly. Stateless.
 */
public final class Naive2 {
  /** The one-sided 90% critical value of the seasonality test. */
  public static final double CRITICAL_VALUE = 1.645;

  private Naive2() {}

  /**
   * The Naive2 forecasts of the next {@code horizon} values after {@code train}.
   *
   * @throws IllegalArgumentException for no values, m < 1 or horizon < 1, or a seasonal series
   *     whose decomposition divides by 0 (possible only with values <= 0)
   */
  public static double[] forecast(double[] train, int m, int horizon) {
    Objects.requireNonNull(train, "train");
    if (train.length == 0) {
      throw new IllegalArgumentException("Naive2 needs at least one training value");
    }
    if (m < 1 || horizon < 1) {
      throw new IllegalArgumentException(
          "seasonal period and horizon must be at least 1, found " + m + " and " + horizon);
    }
    int n = train.length;
    double[] f = new double[horizon];
    if (!isSeasonal(train, m)) {
      Arrays.fill(f, train[n - 1]);
      return f;
    }
    double[] s = seasonalIndices(train, m);
    double level = train[n - 1] / s[(n - 1) % m];
    for (int h = 0; h < horizon; h++) {
      f[h] = level * s[(n + h) % m];
      if (!Double.isFinite(f[h])) {
        throw new IllegalArgumentException(
            "Naive2: the multiplicative decomposition of this series is undefined (a moving"
                + " average or a seasonal index of 0); it needs positive values");
      }
    }
    return f;
  }

  /** The 90% seasonality test of M4 (class doc, step 1); false for m <= 1 or n < 3m. */
  public static boolean isSeasonal(double[] x, int m) {
    Objects.requireNonNull(x, "x");
    int n = x.length;
    if (m <= 1 || n < 3 * m) {
      return false;
    }
    double[] r = autocorrelations(x, m);
    double sum = 0;
    for (int k = 1; k < m; k++) {
      sum += r[k] * r[k];
    }
    double limit = CRITICAL_VALUE * Math.sqrt((1 + 2 * sum) / n);
    return Math.abs(r[m]) > limit;
  }

  /**
   * Sample autocorrelations r_0..r_maxLag as R's {@code acf}: deviations from the mean, lag-k sums
   * over n - k products, all divided by the same sum of squares (NaN for a constant series).
   */
  public static double[] autocorrelations(double[] x, int maxLag) {
    int n = x.length;
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double den = 0;
    for (double v : x) {
      den += (v - mean) * (v - mean);
    }
    double[] r = new double[maxLag + 1];
    for (int k = 0; k <= maxLag; k++) {
      double num = 0;
      for (int t = 0; t + k < n; t++) {
        num += (x[t] - mean) * (x[t + k] - mean);
      }
      r[k] = num / den;
    }
    return r;
  }

  /**
   * The multiplicative seasonal indices of classical decomposition (class doc, step 2): index i is
   * for the values at positions i, i + m, ... (0-based from the first value); their mean is 1.
   *
   * @throws IllegalArgumentException if m < 2 or the series has fewer than 2m values
   */
  public static double[] seasonalIndices(double[] x, int m) {
    return indices(x, m, false);
  }

  /**
   * As {@link #seasonalIndices}, but each position's ratios are averaged after dropping the largest
   * and the smallest (when it has more than two): the medial average of the classical
   * ratio-to-moving-average method, which the original M3 NAIVE2 submission used.
   *
   * @throws IllegalArgumentException if m < 2 or the series has fewer than 2m values
   */
  public static double[] medialSeasonalIndices(double[] x, int m) {
    return indices(x, m, true);
  }

  private static double[] indices(double[] x, int m, boolean medial) {
    Objects.requireNonNull(x, "x");
    int n = x.length;
    if (m < 2 || n < 2 * m) {
      throw new IllegalArgumentException(
          "seasonal indices need m >= 2 and at least 2m values, found m = " + m + ", " + n);
    }
    double[] w;
    if (m % 2 == 0) {
      w = new double[m + 1];
      Arrays.fill(w, 1.0 / m);
      w[0] = 0.5 / m;
      w[m] = 0.5 / m;
    } else {
      w = new double[m];
      Arrays.fill(w, 1.0 / m);
    }
    int half = w.length / 2;
    double[] ratio = new double[n];
    for (int t = half; t < n - half; t++) {
      double trend = 0;
      for (int j = 0; j < w.length; j++) {
        trend += w[j] * x[t - half + j];
      }
      ratio[t] = x[t] / trend;
    }
    double[] s = new double[m];
    double mean = 0;
    for (int i = 0; i < m; i++) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      int count = 0;
      for (int t = i; t < n; t += m) {
        if (t >= half && t < n - half) {
          sum += ratio[t];
          min = Math.min(min, ratio[t]);
          max = Math.max(max, ratio[t]);
          count++;
        }
      }
      if (medial && count > 2) {
        sum -= min + max;
        count -= 2;
      }
      s[i] = sum / count;
      mean += s[i];
    }
    mean /= m;
    for (int i = 0; i < m; i++) {
      s[i] /= mean;
    }
    return s;
  }
}
