package io.firmsim.models.forecast.nbeats;

/**
 * The fixed bases of the interpretable N-BEATS stacks, as matrices {@code [coefficients, points]}:
 * a block's output is {@code theta^T B}, one row of {@code B} per coefficient.
 *
 * <p>The time grid of {@code n} points is {@code t_j = j / n}, {@code j = 0..n-1} (from 0 to {@code
 * (n-1)/n}, paper eq. 2): the forecast uses {@code n = H}, the backcast the lookback grid {@code n
 * = L}.
 *
 * <p>Class is stateless; every call returns a new array.
 */
public final class Basis {
  private Basis() {}

  /**
   * The polynomial trend basis {@code B[i][j] = t_j^i}, {@code i = 0..degree} (paper eq. 2).
   *
   * @param degree the polynomial degree p, at least 0
   * @param points the number of grid points n, at least 1
   * @return {@code [degree + 1][points]}
   */
  public static double[][] trend(int degree, int points) {
    if (degree < 0) {
      throw new IllegalArgumentException("trend degree must be at least 0, found " + degree);
    }
    checkPoints(points);
    double[][] b = new double[degree + 1][points];
    for (int j = 0; j < points; j++) {
      double t = (double) j / points;
      double power = 1;
      for (int i = 0; i <= degree; i++) {
        b[i][j] = power;
        power *= t;
      }
    }
    return b;
  }

  /**
   * The number of harmonics of the seasonality basis for a horizon: {@code floor(H/2 - 1)} (paper
   * eq. 3).
   *
   * @param horizon the forecast horizon H, at least 2
   * @return the number of harmonics P, at least 0
   */
  public static int harmonics(int horizon) {
    if (horizon < 2) {
      throw new IllegalArgumentException(
          "the seasonality basis needs a horizon of at least 2 (floor(H/2 - 1) harmonics), found "
              + horizon);
    }
    return horizon / 2 - 1;
  }

  /**
   * The Fourier seasonality basis: rows {@code cos(2 pi i t)} for {@code i = 0..P}, then {@code
   * sin(2 pi i t)} for {@code i = 1..P} (the paper's {@code sin(0)} row is identically zero and is
   * left out), so {@code 2P + 1} coefficients.
   *
   * @param harmonics P, at least 0 (see {@link #harmonics})
   * @param points the number of grid points n, at least 1
   * @return {@code [2 * harmonics + 1][points]}
   */
  public static double[][] seasonality(int harmonics, int points) {
    if (harmonics < 0) {
      throw new IllegalArgumentException("harmonics must be at least 0, found " + harmonics);
    }
    checkPoints(points);
    double[][] b = new double[2 * harmonics + 1][points];
    for (int j = 0; j < points; j++) {
      double t = (double) j / points;
      for (int i = 0; i <= harmonics; i++) {
        b[i][j] = Math.cos(2 * Math.PI * i * t);
      }
      for (int i = 1; i <= harmonics; i++) {
        b[harmonics + i][j] = Math.sin(2 * Math.PI * i * t);
      }
    }
    return b;
  }

  private static void checkPoints(int points) {
    if (points < 1) {
      throw new IllegalArgumentException("a basis needs at least 1 grid point, found " + points);
    }
  }
}
