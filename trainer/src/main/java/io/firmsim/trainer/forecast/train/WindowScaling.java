package io.firmsim.trainer.forecast.train;

/**
 * How a window is scaled before it enters the block, and the forecast scaled back: by nothing, by
 * the absolute value of the window's last input value, or by the largest absolute input value. A
 * scale of 0 (an all-zero window) is replaced by 1. The N-BEATS paper used no scaling on M4;
 * scaling makes series of very different levels comparable and helps short CPU trainings. The
 * trainer and the forecaster must use the same choice.
 */
public enum WindowScaling {
  /** Values used as they are. */
  NONE,
  /** Divided by |last input value|. */
  LAST,
  /** Divided by max |input value|. */
  MAX;

  /** The scale of an input window (zero padding included, which changes neither choice). */
  public double scale(double[] input) {
    double s;
    switch (this) {
      case NONE:
        return 1.0;
      case LAST:
        s = Math.abs(input[input.length - 1]);
        break;
      case MAX:
        s = 0;
        for (double v : input) {
          s = Math.max(s, Math.abs(v));
        }
        break;
      default:
        throw new AssertionError(this);
    }
    return s == 0 ? 1.0 : s;
  }
}
