package io.firmsim.trainer.forecast.eval;

/**
 * The accuracy of a method over a set of series (a frequency, or several together), averaged as the
 * M3, M4 and Tourism competitions and N-BEATS average: sMAPE and MAPE over all forecast points
 * (each series weighted by its horizon: the mean over N_f = h x series points), MASE over series
 * (the mean of the per-series MASE). Within one frequency, where every series has the same horizon,
 * both are the plain mean of the per-series values. Combine groups with {@link
 * Accumulator#add(Accuracy)}, never by averaging averages.
 *
 * <p>Class is immutable.
 *
 * @param series the number of series
 * @param points the number of forecast points (sum of the horizons)
 * @param smapeM4 sMAPE in the M4 form ({@link ForecastMetrics#smapeM4}), over points
 * @param smapeM3 sMAPE in the original M3 form ({@link ForecastMetrics#smapeM3}), over points
 * @param mape MAPE ({@link ForecastMetrics#mape}), over points
 * @param mase MASE ({@link ForecastMetrics#mase}), over series
 */
public record Accuracy(
    int series, int points, double smapeM4, double smapeM3, double mape, double mase) {

  /** Checks the counts: at least one series, at least one point per series. */
  public Accuracy {
    if (series < 1 || points < series) {
      throw new IllegalArgumentException(
          "an accuracy needs at least one series and one point per series, found "
              + series
              + " series and "
              + points
              + " points");
    }
  }

  /**
   * M4's overall weighted average (OWA) of this method against Naive2 on the same series: the mean
   * of sMAPE / sMAPE(Naive2) and MASE / MASE(Naive2), each a ratio of averages (M4 averages each
   * metric over the series first and then divides by Naive2's average). sMAPE is the M4 form.
   *
   * @throws IllegalArgumentException if the two do not cover the same number of series and points
   */
  public double owa(Accuracy naive2) {
    if (naive2.series != series || naive2.points != points) {
      throw new IllegalArgumentException(
          "OWA compares the same series: "
              + series
              + " series and "
              + points
              + " points against "
              + naive2.series
              + " and "
              + naive2.points);
    }
    return (smapeM4 / naive2.smapeM4 + mase / naive2.mase) / 2;
  }

  /** Sums per-series scores into an {@link Accuracy}. Not thread-safe. */
  public static final class Accumulator {
    private int series;
    private int points;
    private double smapeM4;
    private double smapeM3;
    private double mape;
    private double mase;

    /** An empty accumulator. */
    public Accumulator() {}

    /**
     * Adds one series: its training values (for the MASE scale), seasonal period, actuals and
     * forecasts.
     *
     * @throws IllegalArgumentException as {@link ForecastMetrics}
     */
    public Accumulator add(double[] train, int m, double[] actual, double[] forecast) {
      int h = actual.length;
      double s4 = ForecastMetrics.smapeM4(actual, forecast);
      double s3 = ForecastMetrics.smapeM3(actual, forecast);
      double ape = ForecastMetrics.mape(actual, forecast);
      double ase = ForecastMetrics.mase(train, m, actual, forecast);
      series++;
      points += h;
      smapeM4 += s4 * h;
      smapeM3 += s3 * h;
      mape += ape * h;
      mase += ase;
      return this;
    }

    /** Adds a whole group (the sums behind its averages). */
    public Accumulator add(Accuracy group) {
      series += group.series;
      points += group.points;
      smapeM4 += group.smapeM4 * group.points;
      smapeM3 += group.smapeM3 * group.points;
      mape += group.mape * group.points;
      mase += group.mase * group.series;
      return this;
    }

    /**
     * The averages so far.
     *
     * @throws IllegalStateException if nothing was added
     */
    public Accuracy build() {
      if (series == 0) {
        throw new IllegalStateException("no series were added");
      }
      return new Accuracy(
          series, points, smapeM4 / points, smapeM3 / points, mape / points, mase / series);
    }
  }
}
