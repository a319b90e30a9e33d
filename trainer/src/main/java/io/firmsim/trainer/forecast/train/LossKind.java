package io.firmsim.trainer.forecast.train;

/**
 * The training losses of {@link ForecastLoss}: the N-BEATS paper's three (sMAPE and MASE, the M4
 * metrics, and MAPE, the Tourism metric) and MAE as a plain alternative. New kinds go at the end:
 * the orchestrator mixes the ordinal into each member's training seed.
 */
public enum LossKind {
  /** {@code 200/H sum |y - f| / (|y| + |f|)}, a term with y = f = 0 counting 0 (M4 form). */
  SMAPE,
  /** {@code (1/H) sum |y - f|} divided by the series' in-sample seasonal-naive MAE. */
  MASE,
  /** {@code (1/H) sum |y - f|}. */
  MAE,
  /** {@code 100/H sum |y - f| / |y|}, a term with y = 0 counting 0 (Tourism's metric). */
  MAPE;

  /** The kind named {@code smape}, {@code mase}, {@code mae} or {@code mape} (case-insensitive). */
  public static LossKind parse(String name) {
    for (LossKind k : values()) {
      if (k.name().equalsIgnoreCase(name.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "loss must be smape, mase, mae or mape, found '" + name + "'");
  }
}
