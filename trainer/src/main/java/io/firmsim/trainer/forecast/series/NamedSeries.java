package io.firmsim.trainer.forecast.series;

import java.util.Arrays;
import java.util.Objects;

/**
 * One univariate time series with its id (an M3/M4 id such as {@code N0001}), values in time order.
 * The read side of the forecasting benchmarks: training parts, held-out actuals and forecasts are
 * all series of this kind, matched by id.
 *
 * <p>Class is immutable: the values are copied in and out.
 */
public final class NamedSeries {
  private final String id;
  private final double[] values;

  /**
   * A series.
   *
   * @throws IllegalArgumentException for a blank id, no values or a non-finite value
   */
  public NamedSeries(String id, double[] values) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(values, "values");
    if (id.isBlank()) {
      throw new IllegalArgumentException("a series id must not be blank");
    }
    if (values.length == 0) {
      throw new IllegalArgumentException("series " + id + " has no values");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            "series " + id + ": value " + (i + 1) + " is not finite: " + values[i]);
      }
    }
    this.id = id;
    this.values = values.clone();
  }

  /** The id. */
  public String id() {
    return id;
  }

  /** The number of values. */
  public int length() {
    return values.length;
  }

  /** Value {@code i} (0-based). */
  public double value(int i) {
    return values[i];
  }

  /** A copy of the values. */
  public double[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamedSeries s && id.equals(s.id) && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "NamedSeries[" + id + ", " + values.length + " values]";
  }
}
