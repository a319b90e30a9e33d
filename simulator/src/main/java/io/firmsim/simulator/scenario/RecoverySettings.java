package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.util.List;

/**
 * How recovery is measured: a hit firm has recovered a measure (equity, total assets, OIBD) in a
 * year when its scenario value is no more than {@code tolerance} times the absolute value of its
 * baseline value (at least 1 SEK) below its baseline value; recovery time is counted in years after
 * the last shocked year.
 *
 * @param tolerance the allowed shortfall as a share of the baseline value, >= 0
 * @param horizons the "recovered within k years" points reported, each >= 0, ascending
 */
public record RecoverySettings(double tolerance, List<Integer> horizons) implements Serializable {
  public RecoverySettings {
    if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be >= 0, found " + tolerance);
    }
    horizons = List.copyOf(horizons);
    for (int i = 0; i < horizons.size(); i++) {
      if (horizons.get(i) < 0 || (i > 0 && horizons.get(i) <= horizons.get(i - 1))) {
        throw new IllegalArgumentException("horizons must be >= 0 and ascending: " + horizons);
      }
    }
  }

  /** 1% of the baseline value; within 1, 3 and 5 years. */
  public static RecoverySettings defaults() {
    return new RecoverySettings(0.01, List.of(1, 3, 5));
  }
}
