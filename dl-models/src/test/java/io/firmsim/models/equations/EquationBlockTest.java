package io.firmsim.models.equations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Method;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each method block (on a paper equation of that method) against a direct scalar evaluation of
 * MODEL.md section 3 written here, in both forward modes and both precisions.
 */
class EquationBlockTest {
  private static final int N = 2000;

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (Method m : Method.values()) {
      for (ForwardMode mode : ForwardMode.values()) {
        for (DataType dt : new DataType[] {DataType.FLOAT64, DataType.FLOAT32}) {
          b.add(Arguments.of(m, mode, dt));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void blockMatchesScalarEvaluation(Method method, ForwardMode mode, DataType dtype) {
    EquationSpec eq =
        PaperModel.load().equations().stream()
            .filter(e -> e.method() == method)
            .findFirst()
            .orElseThrow();
    EquationBlock block = EquationBlock.of(eq, mode);
    int f = block.features().size();
    SplittableRandom rnd = new SplittableRandom(method.ordinal() * 31L + mode.ordinal());
    // Features on the scale of each coefficient so that every term matters: x_j ~ N(0,1) / |b_j|
    // would be too wild; use values that make each predictor of order one to ten.
    double[] x = new double[N * f];
    double[] scale = new double[f];
    for (int j = 0; j < f; j++) {
      double maxAbs = 0;
      for (SubmodelSpec s : eq.submodels()) {
        int k = s.features().indexOf(block.features().get(j));
        if (k >= 0) {
          maxAbs = Math.max(maxAbs, Math.abs(s.coefficients()[k]));
        }
      }
      scale[j] = maxAbs > 0 ? 1.0 / (maxAbs * f) : 1.0;
    }
    for (int i = 0; i < N * f; i++) {
      x[i] = rnd.nextGaussian() * 3 * scale[i % f];
    }
    double[] u = new double[N];
    for (int i = 0; i < N; i++) {
      u[i] = rnd.nextDouble();
    }
    double[] got;
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      block.initialize(m, dtype, new Shape(N, f));
      NDArray xs = m.create(x, new Shape(N, f)).toType(dtype, false);
      NDArray us = m.create(u).toType(dtype, false);
      NDList in = mode == ForwardMode.SAMPLE ? new NDList(xs, us) : new NDList(xs);
      NDArray out = block.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
      assertEquals(new Shape(N), out.getShape());
      got = out.toType(DataType.FLOAT64, false).toDoubleArray();
    }
    double tol = dtype == DataType.FLOAT64 ? 1e-9 : 1e-4;
    int mismatches = 0;
    for (int i = 0; i < N; i++) {
      double[] row = java.util.Arrays.copyOfRange(x, i * f, i * f + f);
      // In float32 a draw within rounding of a probability may fall either side: allow a few.
      double want = scalar(eq, block, row, dtype == DataType.FLOAT32 ? (float) u[i] : u[i], mode);
      double scaleOf = Math.max(1.0, Math.abs(want));
      if (Math.abs(got[i] - want) > tol * scaleOf) {
        mismatches++;
      }
    }
    int allowed = dtype == DataType.FLOAT64 ? 0 : N / 200;
    assertTrue(mismatches <= allowed, mismatches + " of " + N + " values differ");
  }

  /** MODEL.md section 3, one firm, in doubles. */
  static double scalar(
      EquationSpec eq, EquationBlock block, double[] row, double u, ForwardMode mode) {
    boolean mean = mode == ForwardMode.MEAN;
    switch (eq.method()) {
      case HS:
        return eta(eq.submodel("level"), block, row, 0);
      case TOBIT:
        {
          SubmodelSpec s = eq.submodel("latent");
          double latent = eta(s, block, row, 0);
          double sc = s.scale();
          if (mean) {
            double z = latent / sc;
            return z > 0 ? latent + sc * Math.log1p(Math.exp(-z)) : sc * Math.log1p(Math.exp(z));
          }
          return Math.max(0, latent + sc * Math.log(u / (1 - u)));
        }
      case LLG:
      case LLN:
        {
          double e = eta(eq.submodel("prob"), block, row, 0);
          double p = eq.method() == Method.LLG ? cloglog(e) : 1 / (1 + Math.exp(-e));
          double level = eta(eq.submodel("level"), block, row, 0);
          return mean ? p * level : (u < p ? level : 0);
        }
      case MUNO:
        {
          double p1 = cloglog(eta(eq.submodel("prob"), block, row, 0));
          double p2 = Math.max(p1, cloglog(eta(eq.submodel("prob"), block, row, 1)));
          double pos = Math.max(0, eta(eq.submodel("level_pos"), block, row, 0));
          double neg = Math.min(0, eta(eq.submodel("level_neg"), block, row, 0));
          if (mean) {
            return (1 - p2) * pos + p1 * neg;
          }
          return u < p1 ? neg : (u < p2 ? 0 : pos);
        }
      case LSG:
        {
          double pp = cloglog(eta(eq.submodel("prob_pos"), block, row, 0));
          double pn = cloglog(eta(eq.submodel("prob_neg"), block, row, 0));
          if (pp + pn > 1) {
            double sum = pp + pn;
            pp /= sum;
            pn /= sum;
          }
          double pos = Math.max(0, eta(eq.submodel("level_pos"), block, row, 0));
          double neg = Math.min(0, eta(eq.submodel("level_neg"), block, row, 0));
          if (mean) {
            return pp * pos + pn * neg;
          }
          return u < pp ? pos : (u < pp + pn ? neg : 0);
        }
      default:
        throw new AssertionError(eq.method());
    }
  }

  static double cloglog(double e) {
    return -Math.expm1(-Math.exp(e));
  }

  static double eta(SubmodelSpec s, EquationBlock block, double[] row, int intercept) {
    double v = s.intercepts()[intercept];
    double[] c = s.coefficients();
    for (int j = 0; j < c.length; j++) {
      v += c[j] * row[block.features().indexOf(s.features().get(j))];
    }
    return v;
  }
}
