package io.firmsim.trainer.forecast.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.Objects;

/**
 * A forecasting loss as a DJL {@link Loss}, averaged over the windows of a batch. Labels are {@code
 * (target, scale)}: the targets, shape (B, H), and the MASE scale of each window's series, shape
 * (B) (ignored by sMAPE and MAE, which the caller may fill with ones). Predictions are the
 * forecasts, shape (B, H). Works in the arrays' data type (float32 for training, float64 for
 * validation).
 *
 * <ul>
 *   <li>sMAPE: {@code 200 * mean |y - f| / (|y| + |f|)}, a term with a zero denominator counting 0
 *       (its numerator is then 0 too; the denominator is replaced by 1 so the gradient is finite).
 *   <li>MASE: {@code mean over windows of (mean_h |y - f|) / scale}.
 *   <li>MAE: {@code mean |y - f|}.
 * </ul>
 */
public final class ForecastLoss extends Loss {
  private final LossKind kind;

  /** The loss of the given kind. */
  public ForecastLoss(LossKind kind) {
    super(Objects.requireNonNull(kind, "kind").name().toLowerCase(java.util.Locale.ROOT));
    this.kind = kind;
  }

  /** The kind. */
  public LossKind kind() {
    return kind;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray y = labels.get(0);
    NDArray f = predictions.singletonOrThrow();
    if (!y.getShape().equals(f.getShape())) {
      throw new IllegalArgumentException(
          "targets " + y.getShape() + " and forecasts " + f.getShape() + " differ in shape");
    }
    NDArray err = f.sub(y).abs();
    switch (kind) {
      case MAE:
        return err.mean();
      case MAPE:
        {
          NDArray den = y.abs();
          NDArray zero = den.eq(0).toType(den.getDataType(), false);
          // a term with y = 0 counts 0: its error is multiplied by 0 over a denominator of 1
          return err.mul(zero.neg().add(1)).div(den.add(zero)).mean().mul(100);
        }
      case SMAPE:
        {
          NDArray den = f.abs().add(y.abs());
          NDArray zero = den.eq(0).toType(den.getDataType(), false);
          return err.div(den.add(zero)).mean().mul(200);
        }
      case MASE:
        {
          if (labels.size() < 2) {
            throw new IllegalArgumentException("MASE needs the scale of each window as label 1");
          }
          NDArray scale = labels.get(1).reshape(-1);
          return err.mean(new int[] {1}).div(scale).mean();
        }
      default:
        throw new AssertionError(kind);
    }
  }
}
