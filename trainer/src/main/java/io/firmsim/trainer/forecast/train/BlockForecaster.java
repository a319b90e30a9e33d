package io.firmsim.trainer.forecast.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.firmsim.trainer.forecast.model.Forecaster;
import java.util.List;
import java.util.Objects;

/**
 * Forecasts the next H values of a series with a trained block: the input is the series' last
 * {@code lookback} values, padded with zeros on the left when the series is shorter (the blocks
 * take no mask; zero padding is what the N-BEATS reference implementation feeds where its mask is
 * 0), divided by the window's {@link WindowScaling scale}; the block's output is multiplied back.
 * Uses the same window construction as {@link ForecastTrainer}.
 *
 * <p>The block must be initialized and stay open (its parameters belong to its model) while the
 * forecaster is used; the forecaster itself holds no arrays.
 */
public final class BlockForecaster implements Forecaster {
  private final Block block;
  private final int lookback;
  private final int horizon;
  private final WindowScaling scaling;

  /**
   * A forecaster.
   *
   * @throws IllegalArgumentException if lookback or horizon is below 1, or they differ from those
   *     of a known forecasting block
   */
  public BlockForecaster(Block block, int lookback, int horizon, WindowScaling scaling) {
    this.block = Objects.requireNonNull(block, "block");
    this.scaling = Objects.requireNonNull(scaling, "scaling");
    if (lookback < 1 || horizon < 1) {
      throw new IllegalArgumentException(
          "lookback and horizon must be positive, found " + lookback + " and " + horizon);
    }
    ForecastTrainer.checkBlockShape(block, lookback, horizon);
    this.lookback = lookback;
    this.horizon = horizon;
  }

  @Override
  public int lookback() {
    return lookback;
  }

  @Override
  public int horizon() {
    return horizon;
  }

  /** The forecasts of several series at once, one row per series. */
  @Override
  public double[][] forecast(List<double[]> histories) {
    if (histories.isEmpty()) {
      return new double[0][];
    }
    double[][] x = new double[histories.size()][];
    double[] s = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] h = histories.get(i);
      if (h.length == 0) {
        throw new IllegalArgumentException("series " + (i + 1) + " has no values");
      }
      x[i] = window(h, h.length, lookback);
      s[i] = scaling.scale(x[i]);
      for (int j = 0; j < lookback; j++) {
        x[i][j] /= s[i];
      }
    }
    double[][] f = predictScaled(block, x);
    for (int i = 0; i < f.length; i++) {
      if (f[i].length != horizon) {
        throw new IllegalStateException(
            "the block forecasts " + f[i].length + " values, expected " + horizon);
      }
      for (int j = 0; j < horizon; j++) {
        f[i][j] *= s[i];
      }
    }
    return f;
  }

  /**
   * The input window ending before index {@code end}: values {@code end - lookback .. end - 1},
   * positions before the series' start filled with 0. Public so that forecasters computing with
   * another engine (ONNX Runtime) build exactly the same windows.
   *
   * @param values the series
   * @param end the index after the window's last value
   * @param lookback the window's length
   * @return a new array of {@code lookback} values
   */
  public static double[] window(double[] values, int end, int lookback) {
    double[] x = new double[lookback];
    int from = Math.max(0, end - lookback);
    System.arraycopy(values, from, x, lookback - (end - from), end - from);
    return x;
  }

  /** The block's output for already scaled windows, in the data type of its parameters. */
  static double[][] predictScaled(Block block, double[][] x) {
    boolean none = block.getParameters().isEmpty();
    DataType type =
        none ? DataType.FLOAT32 : block.getParameters().valueAt(0).getArray().getDataType();
    Device device = none ? Device.cpu() : block.getParameters().valueAt(0).getArray().getDevice();
    try (NDManager m = NDManager.newBaseManager(device, "PyTorch")) {
      NDArray in = m.create(x).toType(type, false);
      NDArray out =
          block.forward(new ParameterStore(m, false), new NDList(in), false).singletonOrThrow();
      out.attach(m);
      double[] flat = out.toType(DataType.FLOAT64, false).toDoubleArray();
      int h = flat.length / x.length;
      double[][] f = new double[x.length][h];
      for (int i = 0; i < x.length; i++) {
        System.arraycopy(flat, i * h, f[i], 0, h);
      }
      return f;
    }
  }
}
