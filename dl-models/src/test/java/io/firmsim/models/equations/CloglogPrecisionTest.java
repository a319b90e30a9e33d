package io.firmsim.models.equations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.firmsim.models.tensor.DjlTensor;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The inverse cloglog link {@code 1 - exp(-exp(eta))} of the equation blocks keeps its relative
 * accuracy where the probability is small (MODEL.md section 3): in float32 within 1e-6 of the
 * float64 result and of {@code -Math.expm1(-Math.exp(eta))} for eta in [-30, 3], directly and
 * through the blocks that use it (LLG, the first MUNO threshold, both LSG models).
 */
class CloglogPrecisionTest {
  private static final double FLOAT32_RELATIVE = 1e-6;
  private static final double FLOAT64_RELATIVE = 1e-14;

  /** Eta values in [-30, 3], each exactly representable in float32 (so both dtypes see it). */
  private static double[] etaGrid() {
    int n = 3301;
    double[] eta = new double[n];
    for (int i = 0; i < n; i++) {
      eta[i] = (float) (-30 + 33.0 * i / (n - 1));
    }
    return eta;
  }

  private static double exact(double eta) {
    return -Math.expm1(-Math.exp(eta));
  }

  private static double[] evaluate(NDManager m, double[] eta, DataType dtype) {
    NDArray e = m.create(eta).toType(dtype, false);
    return DjlTensor.unwrap(EquationBlock.cloglog(DjlTensor.of(e)))
        .toType(DataType.FLOAT64, false)
        .toDoubleArray();
  }

  private static double relative(double got, double want) {
    return Math.abs(got - want) / Math.abs(want);
  }

  @Test
  void float32CloglogIsWithinOneMillionthOfFloat64AndOfExpm1() {
    double[] eta = etaGrid();
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      double[] f32 = evaluate(m, eta, DataType.FLOAT32);
      double[] f64 = evaluate(m, eta, DataType.FLOAT64);
      double worst32 = 0;
      double worst32vs64 = 0;
      double worst64 = 0;
      for (int i = 0; i < eta.length; i++) {
        double want = exact(eta[i]);
        worst32 = Math.max(worst32, relative(f32[i], want));
        worst32vs64 = Math.max(worst32vs64, relative(f32[i], f64[i]));
        worst64 = Math.max(worst64, relative(f64[i], want));
      }
      System.out.printf(
          "cloglog relative error: float32 %.2e (vs float64 %.2e), float64 %.2e%n",
          worst32, worst32vs64, worst64);
      assertTrue(worst32 <= FLOAT32_RELATIVE, "float32 vs expm1: " + worst32);
      assertTrue(worst32vs64 <= FLOAT32_RELATIVE, "float32 vs float64: " + worst32vs64);
      assertTrue(worst64 <= FLOAT64_RELATIVE, "float64 vs expm1: " + worst64);
    }
  }

  @Test
  void cloglogSaturatesAtOneAndKeepsTheLimits() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
        double[] p =
            evaluate(
                m, new double[] {Double.NEGATIVE_INFINITY, 5, 100, Double.POSITIVE_INFINITY}, dt);
        assertEquals(0.0, p[0], 0.0, dt + " at -inf");
        assertEquals(exact(5), p[1], dt == DataType.FLOAT32 ? 1e-7 : 1e-15, dt + " at 5");
        assertEquals(1.0, p[2], 0.0, dt + " at 100 (exp overflows in float32)");
        assertEquals(1.0, p[3], 0.0, dt + " at +inf");
      }
    }
  }

  /**
   * Each block that uses the cloglog link, in mean mode with unit levels, returns the probability
   * itself: LLG {@code p * level}, MUNO {@code P1 * neg} (level_pos 0, level_neg -1), LSG {@code p+
   * * pos} and {@code p- * neg} (their sum is below one here, so no normalisation).
   */
  @ParameterizedTest
  @EnumSource(
      value = Method.class,
      names = {"LLG", "MUNO", "LSG"})
  void blocksKeepSmallProbabilitiesInFloat32(Method method) {
    EquationSpec spec =
        PaperModel.load().equations().stream()
            .filter(e -> e.method() == method)
            .findFirst()
            .orElseThrow();
    EquationBlock block = EquationBlock.of(spec, ForwardMode.MEAN);
    double[] eta = etaGrid();
    double[] zero = new double[eta.length];
    double[] one = new double[eta.length];
    double[] minusOne = new double[eta.length];
    double[] big = new double[eta.length];
    for (int i = 0; i < eta.length; i++) {
      one[i] = 1;
      minusOne[i] = -1;
      big[i] = 40; // a second probability of exactly 1 in both dtypes (MUNO P2, unused here)
    }
    List<double[]> probeRows = new ArrayList<>();
    List<Double> signs = new ArrayList<>();
    switch (method) {
      case LLG:
        probeRows.add(rows(eta, one));
        signs.add(1.0);
        break;
      case MUNO:
        // rows: i1 + xb, i2 + xb, level_pos, level_neg: value = (1 - P2) * 0 + P1 * (-1).
        probeRows.add(rows(eta, big, zero, minusOne));
        signs.add(-1.0);
        break;
      case LSG:
        // rows: prob_pos, prob_neg, level_pos, level_neg; the other probability ~ 0 (eta -40).
        double[] tiny = new double[eta.length];
        java.util.Arrays.fill(tiny, -40);
        probeRows.add(rows(eta, tiny, one, zero));
        signs.add(1.0);
        probeRows.add(rows(tiny, eta, zero, minusOne));
        signs.add(-1.0);
        break;
      default:
        throw new AssertionError(method);
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (int probe = 0; probe < probeRows.size(); probe++) {
        double[] flat = probeRows.get(probe);
        int r = flat.length / eta.length;
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
          NDArray all = m.create(flat, new Shape(r, eta.length)).toType(dt, false);
          List<Tensor> in = new ArrayList<>();
          for (int k = 0; k < r; k++) {
            in.add(DjlTensor.of(all.get(k)));
          }
          double[] got =
              DjlTensor.unwrap(block.combine(in, null))
                  .toType(DataType.FLOAT64, false)
                  .toDoubleArray();
          for (int i = 0; i < eta.length; i++) {
            double rel = relative(signs.get(probe) * got[i], exact(eta[i]));
            double limit = dt == DataType.FLOAT32 ? FLOAT32_RELATIVE : FLOAT64_RELATIVE;
            assertTrue(
                rel <= limit,
                method + " " + dt + " probe " + probe + " eta " + eta[i] + ": " + rel);
          }
        }
      }
    }
  }

  /** Row-major {@code [rows, n]} from rows of length n. */
  private static double[] rows(double[]... rows) {
    int n = rows[0].length;
    double[] flat = new double[rows.length * n];
    for (int k = 0; k < rows.length; k++) {
      System.arraycopy(rows[k], 0, flat, k * n, n);
    }
    return flat;
  }
}
