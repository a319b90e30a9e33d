package io.firmsim.trainer.embed.anomaly;

import io.firmsim.trainer.panel.Panel;
import java.util.Objects;

/**
 * A panel after {@link AnomalyInjector}, with the label of every row: {@link AnomalyKind#NONE} for
 * rows left exactly as they were, the kind of anomaly for the rows it changed. Rows keep the order
 * and the firm ids and years of the panel the anomalies were injected into. For {@link
 * AnomalyKind#COPIED_HISTORY} rows, {@link #sourceRow} names the row of the other firm they were
 * copied from.
 *
 * <p>The class is immutable; arrays are copied in and out.
 */
public final class InjectedPanel {
  private final Panel panel;
  private final AnomalyKind[] labels;
  private final int[] sourceRows;

  InjectedPanel(Panel panel, AnomalyKind[] labels, int[] sourceRows) {
    this.panel = Objects.requireNonNull(panel, "panel");
    if (labels.length != panel.rows() || sourceRows.length != panel.rows()) {
      throw new IllegalArgumentException("one label and one source row per panel row");
    }
    this.labels = labels.clone();
    this.sourceRows = sourceRows.clone();
  }

  /** The panel with the anomalies in it. */
  public Panel panel() {
    return panel;
  }

  /** The label of a row. */
  public AnomalyKind label(int row) {
    return labels[Objects.checkIndex(row, labels.length)];
  }

  /** The labels of all rows, in row order (a fresh copy). */
  public AnomalyKind[] labels() {
    return labels.clone();
  }

  /** For a {@link AnomalyKind#COPIED_HISTORY} row, the row it was copied from; otherwise -1. */
  public int sourceRow(int row) {
    return sourceRows[Objects.checkIndex(row, sourceRows.length)];
  }

  /** How many rows carry {@code kind}. */
  public int count(AnomalyKind kind) {
    int n = 0;
    for (AnomalyKind k : labels) {
      if (k == kind) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("InjectedPanel[rows=").append(panel.rows());
    for (AnomalyKind k : AnomalyKind.values()) {
      if (k.isAnomaly()) {
        sb.append(", ").append(k).append('=').append(count(k));
      }
    }
    return sb.append(']').toString();
  }
}
