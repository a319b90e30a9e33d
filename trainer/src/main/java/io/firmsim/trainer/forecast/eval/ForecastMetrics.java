package io.firmsim.trainer.forecast.eval;

import java.util.Objects;

/**
 * Point-forecast accuracy of one series, in float64, as the M3, M4 and Tourism competitions define
 * it (see docs/FORECASTING.md, "Evaluation"). {@code actual} holds the held-out values y_{T+1..T+H}
 * and {@code forecast} the forecasts for the same points; both have the horizon's length.
 *
 * <ul>
 *   <li>{@link #smapeM4}: {@code 200/H * sum |y - f| / (|y| + |f|)}; a term whose denominator is 0
 *       (y = f = 0) counts 0, as {@code smape_2} of ServiceNow/N-BEATS. Use this by default.
 *   <li>{@link #smapeM3}: the original M3 form {@code 200/H * sum |y - f| / (y + f)} (Makridakis
 *       and Hibon 2000, App. A), the one behind every published M3 number. It differs from the M4
 *       form only where y or f is negative. A term with y + f = 0 is 0 when y = f = 0 and infinite
 *       otherwise.
 *   <li>{@link #mape}: {@code 100/H * sum |y - f| / |y|}; infinite where some y = 0 and f != y (a
 *       term with y = f = 0 counts 0).
 *   <li>{@link #mase}: {@code (1/H) sum |y - f|} divided by the in-sample seasonal-naive mean
 *       absolute error {@link #maseScale} of the training part with period m.
 * </ul>
 *
 * <p>Stateless; the methods check that the arrays have equal, non-zero lengths.
 */
public final class ForecastMetrics {
  private ForecastMetrics() {}

  /** sMAPE in the M4 form, in percent (0 to 200). */
  public static double smapeM4(double[] actual, double[] forecast) {
    check(actual, forecast);
    double sum = 0;
    for (int i = 0; i < actual.length; i++) {
      double den = Math.abs(actual[i]) + Math.abs(forecast[i]);
      if (den != 0) {
        sum += Math.abs(actual[i] - forecast[i]) / den;
      }
    }
    return 200 * sum / actual.length;
  }

  /** sMAPE in the original M3 form, in percent (not bounded for negative values). */
  public static double smapeM3(double[] actual, double[] forecast) {
    check(actual, forecast);
    double sum = 0;
    for (int i = 0; i < actual.length; i++) {
      sum += ratio(Math.abs(actual[i] - forecast[i]), actual[i] + forecast[i]);
    }
    return 200 * sum / actual.length;
  }

  /** MAPE, in percent. */
  public static double mape(double[] actual, double[] forecast) {
    check(actual, forecast);
    double sum = 0;
    for (int i = 0; i < actual.length; i++) {
      sum += ratio(Math.abs(actual[i] - forecast[i]), Math.abs(actual[i]));
    }
    return 100 * sum / actual.length;
  }

  /**
   * The MASE scale: {@code (1/(T-m)) sum_{t=m+1..T} |y_t - y_{t-m}|} over the training values.
   *
   * @throws IllegalArgumentException if {@code m < 1} or the training part has at most m values
   */
  public static double maseScale(double[] train, int m) {
    Objects.requireNonNull(train, "train");
    if (m < 1) {
      throw new IllegalArgumentException("seasonal period must be at least 1, found " + m);
    }
    if (train.length <= m) {
      throw new IllegalArgumentException(
          "MASE needs more training values than the seasonal period "
              + m
              + ", found "
              + train.length);
    }
    double sum = 0;
    for (int t = m; t < train.length; t++) {
      sum += Math.abs(train[t] - train[t - m]);
    }
    return sum / (train.length - m);
  }

  /**
   * MASE with seasonal period m: infinite (or NaN for a perfect forecast) where the scale is 0.
   *
   * @throws IllegalArgumentException as {@link #maseScale}
   */
  public static double mase(double[] train, int m, double[] actual, double[] forecast) {
    check(actual, forecast);
    return mae(actual, forecast) / maseScale(train, m);
  }

  /** The mean absolute error. */
  public static double mae(double[] actual, double[] forecast) {
    check(actual, forecast);
    double sum = 0;
    for (int i = 0; i < actual.length; i++) {
      sum += Math.abs(actual[i] - forecast[i]);
    }
    return sum / actual.length;
  }

  private static double ratio(double num, double den) {
    if (den == 0) {
      return num == 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    return num / den;
  }

  private static void check(double[] actual, double[] forecast) {
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(forecast, "forecast");
    if (actual.length == 0 || actual.length != forecast.length) {
      throw new IllegalArgumentException(
          "actual and forecast must have the same non-zero length, found "
              + actual.length
              + " and "
              + forecast.length);
    }
  }
}
