package io.firmsim.models.forecast.lstm;

import static io.firmsim.models.forecast.ForecastFixtures.array;
import static io.firmsim.models.forecast.ForecastFixtures.gaussian;
import static io.firmsim.models.forecast.ForecastFixtures.linear;
import static io.firmsim.models.forecast.ForecastFixtures.matrix;
import static io.firmsim.models.forecast.ForecastFixtures.maxAbsDiff;
import static io.firmsim.models.forecast.ForecastFixtures.parameterValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The LSTM forecaster against an LSTM written in loops (PyTorch's gate order i, f, g, o) over the
 * block's own parameters, with and without exogenous features, in both precisions; seeds, save and
 * load, and the builder's refusals.
 */
class LstmForecasterTest {
  private static final int LOOKBACK = 5;
  private static final int HORIZON = 3;

  private static LstmForecaster small(long seed, int exogenous) {
    return LstmForecaster.builder()
        .setLookback(LOOKBACK)
        .setHorizon(HORIZON)
        .optHiddenSize(4)
        .optLayers(2)
        .optExogenous(exogenous)
        .optSeed(seed)
        .build();
  }

  private static NDList inputs(NDManager m, double[][] x, double[] exog, int k, DataType dtype) {
    NDArray xs = array(m, x, dtype);
    if (k == 0) {
      return new NDList(xs);
    }
    return new NDList(xs, m.create(exog, new Shape(x.length, LOOKBACK, k)).toType(dtype, false));
  }

  private static double[][] forward(NDManager m, Block block, NDList in) {
    return matrix(block.forward(new ParameterStore(m, false), in, false).head());
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"FLOAT32", "FLOAT64"})
  void forwardEqualsALoopLstmOverTheSameParameters(DataType dtype) {
    for (int k : new int[] {0, 2}) {
      LstmForecaster block = small(3 + k, k);
      int batch = 3;
      double[][] x = gaussian(batch, LOOKBACK, 10 + k);
      double[] exog = gaussian(1, batch * LOOKBACK * Math.max(k, 1), 20)[0];
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        Shape[] shapes =
            k == 0
                ? new Shape[] {new Shape(batch, LOOKBACK)}
                : new Shape[] {new Shape(batch, LOOKBACK), new Shape(batch, LOOKBACK, k)};
        block.initialize(m, dtype, shapes);
        NDArray out =
            block.forward(new ParameterStore(m, false), inputs(m, x, exog, k, dtype), false).head();
        assertEquals(dtype, out.getDataType());
        assertArrayEquals(new long[] {batch, HORIZON}, out.getShape().getShape());
        double[][] expected = reference(block, x, exog, k);
        double tolerance = dtype == DataType.FLOAT64 ? 1e-12 : 1e-5;
        double diff = maxAbsDiff(expected, matrix(out));
        assertTrue(diff < tolerance, "k=" + k + " " + dtype + " diff " + diff);
      }
    }
  }

  /** Two-layer LSTM in loops, zero initial states, then the linear head on the last state. */
  private static double[][] reference(LstmForecaster block, double[][] x, double[] exog, int k) {
    List<Block> children = List.copyOf(block.getChildren().values());
    ParameterList p = children.get(0).getParameters();
    int h = block.hiddenSize();
    int batch = x.length;
    double[][] result = new double[batch][];
    for (int r = 0; r < batch; r++) {
      double[][] seq = new double[LOOKBACK][1 + k];
      for (int t = 0; t < LOOKBACK; t++) {
        seq[t][0] = x[r][t];
        for (int j = 0; j < k; j++) {
          seq[t][1 + j] = exog[(r * LOOKBACK + t) * k + j];
        }
      }
      for (int layer = 0; layer < block.layers(); layer++) {
        double[] wi = values(p, "l_" + layer + "_i2h_WEIGHT");
        double[] wh = values(p, "l_" + layer + "_h2h_WEIGHT");
        double[] bi = values(p, "l_" + layer + "_i2h_BIAS");
        double[] bh = values(p, "l_" + layer + "_h2h_BIAS");
        double[] hs = new double[h];
        double[] cs = new double[h];
        double[][] next = new double[LOOKBACK][];
        for (int t = 0; t < LOOKBACK; t++) {
          double[] g = linear(new double[][] {seq[t]}, wi, bi, 4 * h)[0];
          double[] gh = linear(new double[][] {hs}, wh, bh, 4 * h)[0];
          double[] hn = new double[h];
          for (int u = 0; u < h; u++) {
            double i = sigmoid(g[u] + gh[u]);
            double f = sigmoid(g[h + u] + gh[h + u]);
            double c = Math.tanh(g[2 * h + u] + gh[2 * h + u]);
            double o = sigmoid(g[3 * h + u] + gh[3 * h + u]);
            cs[u] = f * cs[u] + i * c;
            hn[u] = o * Math.tanh(cs[u]);
          }
          hs = hn;
          next[t] = hn;
        }
        seq = next;
      }
      ParameterList head = children.get(1).getParameters();
      result[r] =
          linear(
              new double[][] {seq[LOOKBACK - 1]},
              values(head, "weight"),
              values(head, "bias"),
              HORIZON)[0];
    }
    return result;
  }

  private static double[] values(ParameterList p, String name) {
    return p.get(name).getArray().toType(DataType.FLOAT64, false).toDoubleArray();
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void sameSeedGivesIdenticalParametersAndOutputs() {
    double[][] x = gaussian(4, LOOKBACK, 7);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      LstmForecaster a = small(5, 0);
      LstmForecaster b = small(5, 0);
      LstmForecaster c = small(6, 0);
      for (LstmForecaster blk : List.of(a, b, c)) {
        blk.initialize(m, DataType.FLOAT32, new Shape(4, LOOKBACK));
      }
      List<double[]> pa = parameterValues(a);
      List<double[]> pb = parameterValues(b);
      List<double[]> pc = parameterValues(c);
      boolean anyDifferent = false;
      for (int i = 0; i < pa.size(); i++) {
        assertArrayEquals(pa.get(i), pb.get(i), 0.0);
        anyDifferent |= !Arrays.equals(pa.get(i), pc.get(i));
      }
      assertTrue(anyDifferent);
      NDList in = new NDList(array(m, x, DataType.FLOAT32));
      assertEquals(0.0, maxAbsDiff(forward(m, a, in), forward(m, b, in)));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"FLOAT32", "FLOAT64"})
  void saveAndLoadRoundTripsExactly(DataType dtype, @TempDir Path dir) throws Exception {
    double[][] x = gaussian(4, LOOKBACK, 8);
    double[] exog = gaussian(1, 4 * LOOKBACK * 2, 9)[0];
    double[][] before;
    try (Model model = Model.newInstance("lstm", Device.cpu(), "PyTorch")) {
      LstmForecaster block = small(1, 2);
      model.setBlock(block);
      block.initialize(
          model.getNDManager(), dtype, new Shape(4, LOOKBACK), new Shape(4, LOOKBACK, 2));
      before =
          forward(model.getNDManager(), block, inputs(model.getNDManager(), x, exog, 2, dtype));
      model.save(dir, "lstm");
    }
    try (Model model = Model.newInstance("lstm", Device.cpu(), "PyTorch")) {
      LstmForecaster block = small(77, 2);
      model.setBlock(block);
      model.load(dir, "lstm");
      NDManager m = model.getNDManager();
      assertEquals(0.0, maxAbsDiff(before, forward(m, block, inputs(m, x, exog, 2, dtype))));
    }
    try (Model model = Model.newInstance("lstm", Device.cpu(), "PyTorch")) {
      model.setBlock(small(1, 0));
      MalformedModelException e =
          assertThrows(MalformedModelException.class, () -> model.load(dir, "lstm"));
      assertTrue(e.getMessage().contains("exogenous=2"), e.getMessage());
    }
  }

  @Test
  void inputsOfTheWrongShapeAreRefused() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      LstmForecaster block = small(1, 2);
      block.initialize(m, DataType.FLOAT32, new Shape(2, LOOKBACK), new Shape(2, LOOKBACK, 2));
      NDList missing = new NDList(array(m, gaussian(2, LOOKBACK, 1), DataType.FLOAT32));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> forward(m, block, missing));
      assertTrue(e.getMessage().contains("expects 2 inputs"), e.getMessage());
      NDList wrongExog =
          new NDList(
              array(m, gaussian(2, LOOKBACK, 1), DataType.FLOAT32),
              m.zeros(new Shape(2, LOOKBACK, 3)));
      e = assertThrows(IllegalArgumentException.class, () -> forward(m, block, wrongExog));
      assertTrue(
          e.getMessage().contains("exog must be [2, 5, 2], found (2, 5, 3)"), e.getMessage());
    }
  }

  @Test
  void builderRefusesBadHyperparametersNamingThem() {
    assertRefused(
        "lookback must be at least 1, found 0",
        () -> LstmForecaster.builder().setHorizon(2).build());
    assertRefused(
        "horizon must be at least 1, found 0",
        () -> LstmForecaster.builder().setLookback(2).build());
    assertRefused(
        "hiddenSize must be at least 1, found 0",
        () -> LstmForecaster.builder().setLookback(2).setHorizon(1).optHiddenSize(0).build());
    assertRefused(
        "layers must be at least 1, found 0",
        () -> LstmForecaster.builder().setLookback(2).setHorizon(1).optLayers(0).build());
    assertRefused(
        "exogenous must be at least 0, found -1",
        () -> LstmForecaster.builder().setLookback(2).setHorizon(1).optExogenous(-1).build());
  }

  private static void assertRefused(String message, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().contains(message), "message was: " + e.getMessage());
  }
}
