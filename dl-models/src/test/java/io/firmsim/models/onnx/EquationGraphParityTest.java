package io.firmsim.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ResidualNoise;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every equation block's ONNX graph, run in ONNX Runtime, against the DJL block's forward on the
 * same random features and uniforms: the 24 equations of the paper model and of the paper model
 * with residual level noise on six levels, both forward modes, both dtypes. Tolerance: 1e-12
 * relative in float64 and 1e-5 in float32, with an absolute floor of that tolerance times the
 * magnitude of the terms that make the firm's value: the largest over its predictor rows of {@code
 * sum |w_j x_j| + |b|} plus, on a noisy row, the magnitude of the noise {@code |xi| + lambda
 * |sinh((z - gamma) / delta)|}. A value that is a difference of large terms (a level near zero) is
 * only as accurate as the terms; float32 matrix products summed in another order differ by about
 * 1e-7 of them.
 */
class EquationGraphParityTest {
  private static final int N = 2000;

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (String model : new String[] {"paper", "noisy"}) {
      for (ForwardMode mode : ForwardMode.values()) {
        for (OnnxDType dtype : OnnxDType.values()) {
          b.add(Arguments.of(model, mode, dtype));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void everyEquationGraphEqualsTheDjlBlock(String model, ForwardMode mode, OnnxDType dtype)
      throws Exception {
    ModelSpec spec = model.equals("paper") ? PaperModel.load() : TestModels.noisyPaperModel();
    int noisyColumns = 0;
    for (EquationSpec eq : spec.equations()) {
      EquationBlock block = EquationBlock.of(eq, mode);
      int k = block.features().size();
      int s = block.uniformColumns();
      if (mode == ForwardMode.SAMPLE) {
        noisyColumns += s - (block.needsUniform() ? 1 : 0);
      }
      SplittableRandom rnd = new SplittableRandom(eq.table() * 1009L + mode.ordinal());
      double[] x = features(eq, block, rnd);
      double[] u = new double[N * s];
      for (int i = 0; i < u.length; i++) {
        u[i] = rnd.nextDouble();
      }
      GraphTensorParityTest.round(dtype, x, u);

      byte[] graph = EquationGraphExporter.export(eq, mode, dtype, Map.of("test", "equation"));
      double[] onnx;
      try (OrtRun run = new OrtRun(graph, dtype)) {
        Map<String, OrtRun.Input> in = new LinkedHashMap<>();
        in.put("features", new OrtRun.Input(x, N, k));
        if (s > 0) {
          in.put("uniforms", new OrtRun.Input(u, N, s));
        }
        onnx = run.run(in).get("value");
      }

      double[] djl;
      DataType dt = dtype == OnnxDType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        block.initialize(m, dt, new Shape(N, k));
        NDArray xs = m.create(x, new Shape(N, k)).toType(dt, false);
        NDList in = new NDList(xs);
        if (s > 0) {
          in.add(m.create(u, new Shape(N, s)).toType(dt, false));
        }
        djl =
            GraphTensorParityTest.host(
                block.forward(new ParameterStore(m, false), in, false).singletonOrThrow());
      }
      double rel = dtype == OnnxDType.FLOAT32 ? 1e-5 : 1e-12;
      double[] floor = termScale(block, x, u);
      for (int i = 0; i < N; i++) {
        floor[i] *= rel;
      }
      Close.assertClose(
          model + " T" + eq.table() + " " + mode + " " + dtype, djl, onnx, rel, floor);
    }
    // The noisy model's graphs do read the noise columns in sample mode (else the case is void).
    assertEquals(model.equals("noisy") && mode == ForwardMode.SAMPLE ? 6 : 0, noisyColumns);
  }

  /** Per firm: the magnitude of the terms its value is made of (see the class comment). */
  private static double[] termScale(EquationBlock block, double[] x, double[] u) {
    int k = block.features().size();
    int s = block.uniformColumns();
    double[][] w = block.predictorWeights(block.features());
    List<ResidualNoise> noise = block.noise();
    NormalDistribution normal = new NormalDistribution();
    double[] scale = new double[N];
    for (int i = 0; i < N; i++) {
      int column = block.needsUniform() ? 1 : 0;
      for (int r = 0; r < w.length; r++) {
        double t = Math.abs(block.predictors().get(r).bias());
        for (int j = 0; j < k; j++) {
          t += Math.abs(w[r][j] * x[i * k + j]);
        }
        ResidualNoise e = noise.get(r);
        if (e != null && block.mode() == ForwardMode.MEAN) {
          t += Math.abs(e.mean());
        } else if (e != null) {
          double p = Math.min(Math.max(u[i * s + column++], 1e-16), 1 - 1e-16);
          double z = normal.inverseCumulativeProbability(p);
          t += Math.abs(e.xi()) + e.lambda() * Math.abs(Math.sinh((z - e.gamma()) / e.delta()));
        }
        scale[i] = Math.max(scale[i], t);
      }
    }
    return scale;
  }

  /** Features on the scale of the coefficients: every predictor of order one to ten. */
  private static double[] features(EquationSpec eq, EquationBlock block, SplittableRandom rnd) {
    int f = block.features().size();
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
    double[] x = new double[N * f];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian() * 3 * scale[i % f];
    }
    return x;
  }
}
