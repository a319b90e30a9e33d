package io.firmsim.models.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.firmsim.models.tensor.DjlTensor;
import io.firmsim.models.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The functions {@link GraphTensor} builds from elementary ONNX operators, run in ONNX Runtime,
 * against independent references: the AS241 normal quantile against the normal CDF (Commons Math
 * erfc), Commons Math's quantile and PyTorch's erfinv from 1e-16 to 1 - 1e-16; sinh near 0 and up
 * to the overflow of exp against {@link Math#sinh}; softplus from -800 to 800 against {@link
 * Math#log1p}.
 */
class ElementaryFunctionsTest {
  private static final double SQRT2 = Math.sqrt(2);

  /** p from 1e-16 to 0.5 log-spaced, its mirror 1 - p, and a uniform grid of (0, 1). */
  private static double[] probabilities() {
    List<Double> p = new ArrayList<>();
    for (int k = 0; k <= 1600; k++) {
      double v = Math.pow(10, -16 + k * 0.01 * Math.log10(5e15) / 16);
      v = Math.min(v, 0.5);
      p.add(v);
      p.add(1 - v);
    }
    for (int k = 1; k < 1000; k++) {
      p.add(k / 1000.0);
    }
    p.add(0.5 - 0.425);
    p.add(0.5 + 0.425);
    p.add(Math.exp(-25)); // r = 5 exactly: the switch between AS241's two tail branches
    return p.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] graph(OnnxDType dtype, double[] x, UnaryOperator<Tensor> f)
      throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("f", dtype);
    Tensor in = GraphTensor.of(g, g.input("x", "N"));
    g.output("y", ((GraphTensor) f.apply(in)).name(), "N");
    try (OrtRun run = new OrtRun(g.toBytes(Map.of()), dtype)) {
      return run.run(Map.of("x", new OrtRun.Input(x, x.length))).get("y");
    }
  }

  @Test
  void normalQuantileInvertsTheNormalCdfToFullPrecision() throws Exception {
    double[] p = probabilities();
    double[] z = graph(OnnxDType.FLOAT64, p, Tensor::normalQuantile);
    for (int i = 0; i < p.length; i++) {
      // The tail probability beyond z, against min(p, 1 - p) (exact in binary64): the quantile's
      // error is that difference over the density.
      double tail = Math.min(p[i], 1 - p[i]);
      double q = 0.5 * Erf.erfc(Math.abs(z[i]) / SQRT2);
      double density = Math.exp(-z[i] * z[i] / 2) / Math.sqrt(2 * Math.PI);
      double error = Math.abs(q - tail) / density;
      assertTrue(
          error <= 1e-14 * Math.max(1, Math.abs(z[i]))
              && Math.signum(z[i]) == Math.signum(p[i] - 0.5),
          "p " + p[i] + ": z " + z[i] + " is off by " + error);
    }
  }

  @Test
  void normalQuantileAgreesWithCommonsMathAndPyTorch() throws Exception {
    double[] p = probabilities();
    // Both references compute erfinv(2p - 1), which rounds 2p - 1 for p < 0.25: they invert
    // ((2p - 1) + 1) / 2 (exact in binary64 once 2p - 1 is rounded), so the graph is run there.
    double[] inverted = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      inverted[i] = ((2 * p[i] - 1) + 1) / 2;
    }
    double[] z = graph(OnnxDType.FLOAT64, inverted, Tensor::normalQuantile);
    double[] torch;
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      torch = DjlTensor.unwrap(DjlTensor.of(m.create(p)).normalQuantile()).toDoubleArray();
    }
    NormalDistribution normal = new NormalDistribution();
    for (int i = 0; i < p.length; i++) {
      double tol = 1e-13 * Math.max(1, Math.abs(z[i]));
      double cm = normal.inverseCumulativeProbability(p[i]);
      assertTrue(Math.abs(z[i] - cm) <= tol, "p " + p[i] + ": " + z[i] + " vs Commons Math " + cm);
      assertTrue(
          Math.abs(z[i] - torch[i]) <= tol, "p " + p[i] + ": " + z[i] + " vs PyTorch " + torch[i]);
    }
  }

  @Test
  void normalQuantileInFloat32() throws Exception {
    List<Double> grid = new ArrayList<>();
    for (double v : probabilities()) {
      float f = (float) v;
      if (f >= 1e-7f && f <= 1 - 1e-7f) {
        grid.add((double) f);
      }
    }
    double[] p = grid.stream().mapToDouble(Double::doubleValue).toArray();
    double[] z = graph(OnnxDType.FLOAT32, p, Tensor::normalQuantile);
    NormalDistribution normal = new NormalDistribution();
    for (int i = 0; i < p.length; i++) {
      double expected = normal.inverseCumulativeProbability(p[i]);
      assertTrue(
          Math.abs(z[i] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)),
          "p " + p[i] + ": " + z[i] + " vs " + expected);
    }
  }

  @Test
  void sinhKeepsFullRelativeAccuracyNearZeroAndWhenLarge() throws Exception {
    List<Double> xs = new ArrayList<>();
    for (int k = 0; k <= 3000; k++) {
      double v = Math.pow(10, -300 + k * 0.1); // 1e-300 .. 1
      xs.add(v);
      xs.add(-v);
    }
    for (int k = 0; k <= 7090; k++) {
      xs.add(1 + k * 0.1); // 1 .. 710: up to the overflow
      xs.add(-1 - k * 0.1);
    }
    xs.add(0.0);
    xs.add(Math.nextDown(1.0));
    double[] x = xs.stream().mapToDouble(Double::doubleValue).toArray();
    double[] y = graph(OnnxDType.FLOAT64, x, Tensor::sinh);
    // Bound: 4 units in the last place (2^-52 relative each) over Math.sinh's own 2.5 ulp.
    for (int i = 0; i < x.length; i++) {
      double expected = Math.sinh(x[i]);
      if (Math.abs(x[i]) > Math.log(Double.MAX_VALUE)) {
        // As PyTorch's sinh: (e^x - e^-x) / 2 overflows with e^x, before sinh itself does.
        assertTrue(
            y[i] == Math.copySign(Double.POSITIVE_INFINITY, x[i]), "sinh(" + x[i] + ") = " + y[i]);
        continue;
      }
      assertTrue(
          Math.abs(y[i] - expected) <= 4 * Math.ulp(expected) + Double.MIN_VALUE,
          "sinh(" + x[i] + ") = " + y[i] + ", expected " + expected);
    }
  }

  @Test
  void softplusIsAccurateFromMinus800To800() throws Exception {
    int n = 160_001;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = -800 + i * 0.01;
    }
    double[] y = graph(OnnxDType.FLOAT64, x, Tensor::softplus);
    for (int i = 0; i < n; i++) {
      // PyTorch's convention above 20 (x itself); below it ln(1 + e^x) to full relative accuracy,
      // subnormal results included (absolute floor: the smallest subnormal).
      double expected = x[i] > 20 ? x[i] : Math.log1p(Math.exp(x[i]));
      assertTrue(
          Math.abs(y[i] - expected) <= 4 * Math.ulp(expected) + Double.MIN_VALUE,
          "softplus(" + x[i] + ") = " + y[i] + ", expected " + expected);
    }
  }
}
