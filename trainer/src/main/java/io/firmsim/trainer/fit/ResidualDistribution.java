package io.firmsim.trainer.fit;

import java.util.Arrays;
import java.util.Objects;

/**
 * The residual distribution of a fitted Huber level, which the simulator draws level noise from
 * (MODEL.md section 3, "Level noise"): a robust location and scale, the sample skewness and
 * kurtosis, and the Johnson SU fitted to those four numbers.
 *
 * <p>{@link #of} computes it from residuals:
 *
 * <ul>
 *   <li>{@code location} is the median;
 *   <li>{@code scale} is the consistent median absolute deviation, {@code median(|r - location|) /
 *       0.6744897501960817} (a standard deviation for normal residuals);
 *   <li>{@code skewness} and {@code kurtosis} are the plain moment estimators {@code g1 = m3 /
 *       m2^(3/2)} and {@code b2 = m4 / m2^2} (non-excess, 3 for a normal) of the central sample
 *       moments {@code mk = sum((r - mean)^k) / n}, computed in two passes on residuals scaled by
 *       their largest deviation from the mean, so neither cancellation nor overflow spoils them for
 *       heavy-tailed residuals. The moment estimators are used rather than the bias-corrected ones
 *       because they always satisfy Pearson's bound {@code b2 >= 1 + g1^2} of attainable moments;
 *   <li>{@code su} is {@link JohnsonSu#fitMoments JohnsonSu.fitMoments(location, scale, skewness,
 *       kurtosis)}.
 * </ul>
 *
 * <p>The SU is thus fitted with mean = the robust location and standard deviation = the robust
 * scale, not with the sample mean and standard deviation: the noise is centred on the robust centre
 * of the residuals and scaled by their robust spread, so a few gross outliers neither shift nor
 * inflate it, while its shape (asymmetry and tail weight) follows the sample skewness and kurtosis.
 * When those fall outside the SU region (kurtosis at or below the lognormal line for the skewness,
 * e.g. lighter tails than a normal) the SU is the closest admissible one and {@code su().exact()}
 * is false; see {@link JohnsonSu}.
 *
 * <p>Class is immutable. The canonical constructor only checks that the values are finite and the
 * scale positive (so a stored distribution can be read back as it was written); {@link #of} is the
 * factory that computes a consistent one.
 *
 * @param location median of the residuals
 * @param scale consistent median absolute deviation, positive
 * @param skewness sample skewness {@code g1}
 * @param kurtosis sample kurtosis {@code b2}, non-excess
 * @param su the Johnson SU with mean {@code location}, standard deviation {@code scale} and, where
 *     admissible, this skewness and kurtosis
 */
public record ResidualDistribution(
    double location, double scale, double skewness, double kurtosis, JohnsonSu su) {

  /** {@code Phi^-1(3/4)}: the median absolute deviation of a standard normal. */
  public static final double MAD_NORMAL = 0.6744897501960817;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a value is not finite or the scale is not positive
   * @throws NullPointerException if {@code su} is null
   */
  public ResidualDistribution {
    Objects.requireNonNull(su, "su");
    if (!Double.isFinite(location) || !Double.isFinite(skewness) || !Double.isFinite(kurtosis)) {
      throw new IllegalArgumentException(
          "residual location, skewness and kurtosis must be finite,"
              + " found "
              + location
              + ", "
              + skewness
              + ", "
              + kurtosis);
    }
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException(
          "residual scale must be positive and finite, found " + scale);
    }
  }

  /**
   * The residual distribution of {@code residuals} (see the class comment). The array is not
   * modified.
   *
   * @param residuals at least one finite residual, not all (nor half or more) equal to the median
   * @return the distribution
   * @throws IllegalArgumentException if the array is empty, holds a non-finite value, or the robust
   *     scale is zero (all residuals identical, or at least half of them equal to the median)
   * @throws NullPointerException if {@code residuals} is null
   */
  public static ResidualDistribution of(double[] residuals) {
    Objects.requireNonNull(residuals, "residuals");
    int n = residuals.length;
    if (n == 0) {
      throw new IllegalArgumentException(
          "no residuals: the residual distribution needs at least" + " one");
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(residuals[i])) {
        throw new IllegalArgumentException("residual " + i + " is not finite: " + residuals[i]);
      }
    }
    double[] sorted = residuals.clone();
    Arrays.sort(sorted);
    double location = median(sorted);
    double[] deviations = new double[n];
    for (int i = 0; i < n; i++) {
      deviations[i] = Math.abs(sorted[i] - location);
    }
    Arrays.sort(deviations);
    double mad = median(deviations);
    if (!(mad > 0)) {
      throw new IllegalArgumentException(
          "residuals have zero robust scale (median absolute"
              + " deviation 0): "
              + (n == 1
                  ? "there is a single residual"
                  : sorted[0] == sorted[n - 1]
                      ? "all " + n + " residuals are identical"
                      : "at least half of the " + n + " residuals equal the median " + location));
    }
    double scale = mad / MAD_NORMAL;

    // Two-pass central moments on residuals scaled by their largest deviation from the mean.
    double mean = 0;
    for (double r : residuals) {
      mean += r;
    }
    mean /= n;
    double correction = 0;
    for (double r : residuals) {
      correction += r - mean;
    }
    mean += correction / n;
    double largest = 0;
    for (double r : residuals) {
      largest = Math.max(largest, Math.abs(r - mean));
    }
    double m2 = 0;
    double m3 = 0;
    double m4 = 0;
    for (double r : residuals) {
      double d = (r - mean) / largest;
      double d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    double skewness = m3 / (m2 * Math.sqrt(m2));
    double kurtosis = m4 / (m2 * m2);
    JohnsonSu su = JohnsonSu.fitMoments(location, scale, skewness, kurtosis);
    return new ResidualDistribution(location, scale, skewness, kurtosis, su);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    int mid = n / 2;
    return n % 2 == 1 ? sorted[mid] : sorted[mid - 1] + (sorted[mid] - sorted[mid - 1]) / 2;
  }
}
