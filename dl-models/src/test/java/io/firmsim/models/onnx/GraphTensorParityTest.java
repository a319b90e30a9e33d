package io.firmsim.models.onnx;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.firmsim.models.tensor.DjlTensor;
import io.firmsim.models.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every operation of {@link GraphTensor}, run in ONNX Runtime, against the same operation of {@link
 * DjlTensor} (PyTorch) on random inputs spanning many magnitudes plus extreme values (signed zeros,
 * subnormals, 1e300, infinities, NaN, the overflow edges of exp and sinh, PyTorch's softplus
 * threshold), in both dtypes: 1e-12 relative in float64 and 1e-5 in float32, with an absolute floor
 * of the smallest normal number (subnormal results carry fewer significant digits).
 */
class GraphTensorParityTest {
  private static final int RANDOM = 3000;

  /** One operation written against the tensor algebra: inputs x, y [N], u [N] in (0,1), m [3,N]. */
  interface Op {
    Tensor apply(Tensor x, Tensor y, Tensor u, Tensor m);
  }

  record Case(String name, Op op, boolean matrix) {}

  static final List<Case> CASES =
      List.of(
          new Case("add", (x, y, u, m) -> x.add(y), false),
          new Case("add_c", (x, y, u, m) -> x.add(0.1), false),
          new Case("sub", (x, y, u, m) -> x.sub(y), false),
          new Case("sub_c", (x, y, u, m) -> x.sub(-3.7), false),
          new Case("mul", (x, y, u, m) -> x.mul(y), false),
          new Case("mul_c", (x, y, u, m) -> x.mul(1.0 / 3), false),
          new Case("div", (x, y, u, m) -> x.div(y), false),
          new Case("div_c", (x, y, u, m) -> x.div(0.3), false),
          new Case("neg", (x, y, u, m) -> x.neg(), false),
          new Case("abs", (x, y, u, m) -> x.abs(), false),
          new Case("square", (x, y, u, m) -> x.square(), false),
          new Case("cube", (x, y, u, m) -> x.cube(), false),
          new Case("maximum", (x, y, u, m) -> x.maximum(y), false),
          new Case("maximum_c", (x, y, u, m) -> x.maximum(0), false),
          new Case("minimum", (x, y, u, m) -> x.minimum(y), false),
          new Case("minimum_c", (x, y, u, m) -> x.minimum(0), false),
          new Case("clip", (x, y, u, m) -> x.clip(-2.5, 1e6), false),
          new Case("exp", (x, y, u, m) -> x.exp(), false),
          new Case("log", (x, y, u, m) -> x.abs().log(), false),
          new Case("log_negative", (x, y, u, m) -> x.log(), false),
          new Case("tanh", (x, y, u, m) -> x.tanh(), false),
          new Case("sinh", (x, y, u, m) -> x.sinh(), false),
          new Case("sigmoid", (x, y, u, m) -> x.sigmoid(), false),
          new Case("softplus", (x, y, u, m) -> x.softplus(), false),
          new Case("normal_quantile", (x, y, u, m) -> u.normalQuantile(), false),
          new Case("zeros_like", (x, y, u, m) -> x.zerosLike(), false),
          new Case("lt", (x, y, u, m) -> x.lt(y).toValues(x), false),
          new Case("lt_c", (x, y, u, m) -> x.lt(0.5).toValues(x), false),
          new Case("gt_c", (x, y, u, m) -> x.gt(-0.5).toValues(x), false),
          new Case("gte", (x, y, u, m) -> x.gte(y).toValues(x), false),
          new Case("gte_c", (x, y, u, m) -> x.gte(1).toValues(x), false),
          new Case("neq_c", (x, y, u, m) -> x.neq(0).toValues(x), false),
          new Case("and", (x, y, u, m) -> x.gt(0).and(y.lt(0)).toValues(y), false),
          new Case("select", (x, y, u, m) -> x.lt(y).select(x.mul(2), y), false),
          new Case("slice", (x, y, u, m) -> m.slice(1, 3).add(1), true),
          new Case("row", (x, y, u, m) -> m.row(2), false),
          new Case("slice_row", (x, y, u, m) -> m.slice(1, 3).row(0).mul(x), false));

  /** Values at the edges of float64 and of the operations' branches. */
  static final double[] EXTREMES = {
    0.0,
    -0.0,
    1e-300,
    -1e-300,
    4.9e-324,
    -4.9e-324,
    1e-310,
    1e300,
    -1e300,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.NaN,
    709.7,
    -709.7,
    710.3,
    -710.3,
    745.2,
    -745.2,
    800,
    -800,
    20,
    20.000001,
    21,
    35,
    -20,
    -37,
    1,
    -1,
    0.999999,
    -1.000001,
    1e-8,
    -1e-8,
    1e-17,
    0.5,
    -0.5,
    88.7,
    89.5,
    -103.9
  };

  @ParameterizedTest
  @EnumSource(OnnxDType.class)
  void everyOperationMatchesDjl(OnnxDType dtype) throws Exception {
    SplittableRandom rnd = new SplittableRandom(20240817L + dtype.ordinal());
    int n = RANDOM + EXTREMES.length;
    double[] x = new double[n];
    double[] y = new double[n];
    double[] u = new double[n];
    double[] m = new double[3 * n];
    for (int i = 0; i < n; i++) {
      x[i] = i < RANDOM ? wide(rnd) : EXTREMES[i - RANDOM];
      y[i] = i % 7 == 0 ? x[i] : wide(rnd); // ties for the comparisons
      u[i] = 0.25 + 0.75 * rnd.nextDouble(); // tails: NormalQuantileTest
    }
    for (int i = 0; i < 3 * n; i++) {
      m[i] = wide(rnd);
    }
    round(dtype, x, y, u, m);

    OnnxGraphBuilder g = new OnnxGraphBuilder("ops", dtype);
    Tensor gx = GraphTensor.of(g, g.input("x", "N"));
    Tensor gy = GraphTensor.of(g, g.input("y", "N"));
    Tensor gu = GraphTensor.of(g, g.input("u", "N"));
    Tensor gm = GraphTensor.of(g, g.input("m", 3, "N"));
    for (Case c : CASES) {
      String v = ((GraphTensor) c.op().apply(gx, gy, gu, gm)).name();
      if (c.matrix()) {
        g.output(c.name(), v, 2, "N");
      } else {
        g.output(c.name(), v, "N");
      }
    }
    Map<String, double[]> onnx;
    try (OrtRun run = new OrtRun(g.toBytes(Map.of()), dtype)) {
      Map<String, OrtRun.Input> in = new LinkedHashMap<>();
      in.put("x", new OrtRun.Input(x, n));
      in.put("y", new OrtRun.Input(y, n));
      in.put("u", new OrtRun.Input(u, n));
      in.put("m", new OrtRun.Input(m, 3, n));
      onnx = run.run(in);
    }

    DataType dt = dtype == OnnxDType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
    double rel = dtype == OnnxDType.FLOAT32 ? 1e-5 : 1e-12;
    double abs = dtype == OnnxDType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    try (NDManager nd = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Tensor dx = DjlTensor.of(nd.create(x).toType(dt, false));
      Tensor dy = DjlTensor.of(nd.create(y).toType(dt, false));
      Tensor du = DjlTensor.of(nd.create(u).toType(dt, false));
      Tensor dm = DjlTensor.of(nd.create(m, new Shape(3, n)).toType(dt, false));
      for (Case c : CASES) {
        double[] expected = host(DjlTensor.unwrap(c.op().apply(dx, dy, du, dm)));
        Close.assertClose(dtype + " " + c.name(), expected, onnx.get(c.name()), rel, abs);
      }
    }
  }

  /** A value of random sign and magnitude between 1e-12 and 1e12, or a standard normal. */
  static double wide(SplittableRandom rnd) {
    if (rnd.nextBoolean()) {
      return rnd.nextGaussian() * 3;
    }
    double v = Math.pow(10, rnd.nextDouble(-12, 12));
    return rnd.nextBoolean() ? v : -v;
  }

  static void round(OnnxDType dtype, double[]... arrays) {
    for (double[] a : arrays) {
      for (int i = 0; i < a.length; i++) {
        a[i] = dtype.round(a[i]);
      }
    }
  }

  static double[] host(NDArray a) {
    if (a.getDataType() == DataType.FLOAT64) {
      return a.toDoubleArray();
    }
    float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
