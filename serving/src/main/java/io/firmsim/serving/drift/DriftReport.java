package io.firmsim.serving.drift;

import java.util.List;

/**
 * A snapshot of one graph's drift.
 *
 * @param graph {@code year} or {@code T01} .. {@code T24}
 * @param window the window's capacity in rows
 * @param rowsInWindow the rows the window holds now (the last ones seen, at most {@code window})
 * @param rowsSeen every row observed since the monitor was made
 * @param features one entry per input column, in column order
 */
public record DriftReport(
    String graph, int window, long rowsInWindow, long rowsSeen, List<FeatureDrift> features) {
  public DriftReport {
    features = List.copyOf(features);
  }

  /** The worst status over the columns ({@code insufficient} while the window is too small). */
  public String status() {
    String worst = FeatureDrift.OK;
    for (FeatureDrift f : features) {
      if (f.status().equals(FeatureDrift.INSUFFICIENT)) {
        return FeatureDrift.INSUFFICIENT;
      }
      if (f.status().equals(FeatureDrift.CRITICAL)) {
        worst = FeatureDrift.CRITICAL;
      } else if (f.status().equals(FeatureDrift.WARNING) && worst.equals(FeatureDrift.OK)) {
        worst = FeatureDrift.WARNING;
      }
    }
    return worst;
  }
}
