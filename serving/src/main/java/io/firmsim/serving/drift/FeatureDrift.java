package io.firmsim.serving.drift;

import java.util.Objects;

/**
 * The drift of one input column: its name, the population stability index of the window against the
 * reference profile ({@link Psi}; NaN while the window is empty) and its reading: {@value #OK}
 * (below {@value DriftMonitor#WARNING}), {@value #WARNING} (below {@value DriftMonitor#CRITICAL}),
 * {@value #CRITICAL}, or {@value #INSUFFICIENT} while the window holds fewer than {@link
 * DriftMonitor#MIN_ROWS} rows (the index of a few rows is mostly sampling noise: about {@code (bins
 * - 1) / rows} for data drawn from the reference itself).
 *
 * @param feature the column's name ({@code CA}, {@code dcasht_1}, ...)
 * @param psi the population stability index of the window
 * @param status {@code ok}, {@code warning}, {@code critical} or {@code insufficient}
 */
public record FeatureDrift(String feature, double psi, String status) {
  /** PSI below {@link DriftMonitor#WARNING}: no significant shift. */
  public static final String OK = "ok";

  /** PSI in [{@link DriftMonitor#WARNING}, {@link DriftMonitor#CRITICAL}): a moderate shift. */
  public static final String WARNING = "warning";

  /** PSI at or above {@link DriftMonitor#CRITICAL}: a significant shift. */
  public static final String CRITICAL = "critical";

  /** Too few rows in the window to tell. */
  public static final String INSUFFICIENT = "insufficient";

  public FeatureDrift {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(status, "status");
  }

  /** The reading of an index computed on enough rows. */
  public static String statusOf(double psi) {
    if (psi < DriftMonitor.WARNING) {
      return OK;
    }
    return psi < DriftMonitor.CRITICAL ? WARNING : CRITICAL;
  }
}
