package io.firmsim.models.forecast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared helpers of the forecasting tests: inputs, sine windows, parameter values. */
public final class ForecastFixtures {
  private ForecastFixtures() {}

  /** A {@code [rows, cols]} array of standard normal values from a seeded stream. */
  public static double[][] gaussian(int rows, int cols, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[rows][cols];
    for (double[] row : x) {
      for (int j = 0; j < cols; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return x;
  }

  /** A matrix as an NDArray of the given type. */
  public static NDArray array(NDManager m, double[][] x, DataType dtype) {
    return m.create(x).toType(dtype, false);
  }

  /** An NDArray as {@code double[rows][cols]} (2-D arrays only). */
  public static double[][] matrix(NDArray a) {
    long[] s = a.getShape().getShape();
    double[] flat = a.toType(DataType.FLOAT64, false).toDoubleArray();
    double[][] out = new double[(int) s[0]][(int) s[1]];
    for (int i = 0; i < out.length; i++) {
      System.arraycopy(flat, i * out[0].length, out[i], 0, out[0].length);
    }
    return out;
  }

  /** Every parameter's values, in the block's parameter order, as float64. */
  public static List<double[]> parameterValues(Block block) {
    List<double[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      values.add(p.getValue().getArray().toType(DataType.FLOAT64, false).toDoubleArray());
    }
    return values;
  }

  /**
   * Windows of a noiseless sine {@code sin(2 pi t / period + phase)}: row {@code i} starts at a
   * random offset; the first {@code lookback} values are the input, the next {@code horizon} the
   * target.
   */
  public static double[][][] sineWindows(
      int rows, int lookback, int horizon, double period, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[rows][lookback];
    double[][] y = new double[rows][horizon];
    for (int i = 0; i < rows; i++) {
      double start = r.nextDouble() * period;
      for (int t = 0; t < lookback + horizon; t++) {
        double v = Math.sin(2 * Math.PI * (start + t) / period);
        if (t < lookback) {
          x[i][t] = v;
        } else {
          y[i][t - lookback] = v;
        }
      }
    }
    return new double[][][] {x, y};
  }

  /** The largest absolute difference of two equally shaped matrices. */
  public static double maxAbsDiff(double[][] a, double[][] b) {
    if (a.length != b.length) {
      throw new AssertionError("rows " + a.length + " != " + b.length);
    }
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != b[i].length) {
        throw new AssertionError("row " + i + " length " + a[i].length + " != " + b[i].length);
      }
      for (int j = 0; j < a[i].length; j++) {
        d = Math.max(d, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return d;
  }

  /** {@code x W^T + b} for a weight {@code [out, in]} stored row-major; {@code b} may be null. */
  public static double[][] linear(double[][] x, double[] w, double[] b, int out) {
    int in = x[0].length;
    if (w.length != out * in) {
      throw new AssertionError("weight has " + w.length + " values, expected " + out + "x" + in);
    }
    double[][] y = new double[x.length][out];
    for (int r = 0; r < x.length; r++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int i = 0; i < in; i++) {
          s += w[o * in + i] * x[r][i];
        }
        y[r][o] = s;
      }
    }
    return y;
  }

  /** The shape {@code [rows, cols]}. */
  public static Shape shape(long rows, long cols) {
    return new Shape(rows, cols);
  }
}
