package io.firmsim.models.forecast.nbeats;

import static io.firmsim.models.forecast.ForecastFixtures.array;
import static io.firmsim.models.forecast.ForecastFixtures.gaussian;
import static io.firmsim.models.forecast.ForecastFixtures.linear;
import static io.firmsim.models.forecast.ForecastFixtures.matrix;
import static io.firmsim.models.forecast.ForecastFixtures.maxAbsDiff;
import static io.firmsim.models.forecast.ForecastFixtures.parameterValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * N-BEATS against a second implementation in plain Java loops over the block's own parameters, the
 * doubly residual identities, shapes in both precisions, seeds, save and load, and the builder's
 * refusals.
 */
class NBeatsBlockTest {
  private static final int LOOKBACK = 6;
  private static final int HORIZON = 4;

  /** Every kind, shared and unshared, various depths: small enough for the loop implementation. */
  private static List<StackConfig> mixedStacks() {
    return List.of(
        StackConfig.builder(StackKind.GENERIC).optBlocks(2).optWidth(5).optLayers(2).build(),
        StackConfig.builder(StackKind.TREND)
            .optBlocks(2)
            .optWidth(3)
            .optLayers(3)
            .optDegree(2)
            .build(),
        StackConfig.builder(StackKind.SEASONALITY)
            .optBlocks(2)
            .optWidth(4)
            .optLayers(1)
            .optSharedWeights(false)
            .build());
  }

  private static NBeatsBlock mixed(long seed) {
    return NBeatsBlock.builder()
        .setLookback(LOOKBACK)
        .setHorizon(HORIZON)
        .optStacks(mixedStacks())
        .optSeed(seed)
        .build();
  }

  private static double[][] forward(NDManager m, Block block, double[][] x, DataType dtype) {
    NDArray out =
        block.forward(new ParameterStore(m, false), new NDList(array(m, x, dtype)), false).head();
    assertEquals(dtype, out.getDataType());
    return matrix(out);
  }

  @Test
  void forwardEqualsALoopImplementationOverTheSameParameters() {
    NBeatsBlock block = mixed(7);
    double[][] x = gaussian(3, LOOKBACK, 1);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      block.initialize(m, DataType.FLOAT64, new Shape(3, LOOKBACK));
      // The distinct weight sets: 2 (generic) + 1 (trend, shared) + 2 (seasonality, unshared).
      List<Block> distinct = new ArrayList<>(block.getChildren().values());
      assertEquals(5, distinct.size());
      int[][] plan = {{0, 1}, {2, 2}, {3, 4}};
      StackKind[] kinds = {StackKind.GENERIC, StackKind.TREND, StackKind.SEASONALITY};

      double[][] residual = x;
      double[][] total = new double[3][HORIZON];
      List<double[][]> stackForecasts = new ArrayList<>();
      for (int s = 0; s < plan.length; s++) {
        double[][] stackForecast = new double[3][HORIZON];
        for (int index : plan[s]) {
          double[][][] bf = referenceBlock(distinct.get(index), kinds[s], residual, block, s);
          residual = minus(residual, bf[0]);
          stackForecast = plus(stackForecast, bf[1]);
        }
        stackForecasts.add(stackForecast);
        total = plus(total, stackForecast);
      }

      NBeatsBlock.Decomposition d =
          block.decompose(new ParameterStore(m, false), array(m, x, DataType.FLOAT64), false);
      assertTrue(maxAbsDiff(total, matrix(d.forecast())) < 1e-12);
      assertTrue(maxAbsDiff(residual, matrix(d.residual())) < 1e-12);
      for (int s = 0; s < plan.length; s++) {
        assertTrue(maxAbsDiff(stackForecasts.get(s), matrix(d.stackForecasts().get(s))) < 1e-12);
      }
      assertTrue(maxAbsDiff(total, forward(m, block, x, DataType.FLOAT64)) < 1e-12);
      // The forecast is not trivially zero: the comparison above has something to compare.
      assertTrue(Math.abs(total[0][0]) + Math.abs(total[1][3]) > 1e-3);
    }
  }

  /** One block in loops: ReLU layers, theta projections, then the basis; {backcast, forecast}. */
  private static double[][][] referenceBlock(
      Block b, StackKind kind, double[][] x, NBeatsBlock parent, int stack) {
    List<Block> layers = new ArrayList<>(b.getChildren().values());
    int fcs = layers.size() - (kind == StackKind.GENERIC ? 4 : 2);
    double[][] h = x;
    for (int i = 0; i < fcs; i++) {
      h = relu(apply((Linear) layers.get(i), h));
    }
    double[][] thetaB = apply((Linear) layers.get(fcs), h);
    double[][] thetaF = apply((Linear) layers.get(fcs + 1), h);
    if (kind == StackKind.GENERIC) {
      return new double[][][] {
        apply((Linear) layers.get(fcs + 2), thetaB), apply((Linear) layers.get(fcs + 3), thetaF)
      };
    }
    double[][] basisB =
        kind == StackKind.TREND
            ? Basis.trend(2, LOOKBACK)
            : Basis.seasonality(Basis.harmonics(HORIZON), LOOKBACK);
    double[][] basisF =
        kind == StackKind.TREND
            ? Basis.trend(2, HORIZON)
            : Basis.seasonality(Basis.harmonics(HORIZON), HORIZON);
    assertEquals(0.0, maxAbsDiff(basisF, parent.forecastBasis(stack)));
    return new double[][][] {times(thetaB, basisB), times(thetaF, basisF)};
  }

  private static double[][] apply(Linear layer, double[][] x) {
    double[] w = layer.getParameters().get("weight").getArray().toDoubleArray();
    boolean hasBias = layer.getParameters().contains("bias");
    double[] bias = hasBias ? layer.getParameters().get("bias").getArray().toDoubleArray() : null;
    int out = w.length / x[0].length;
    return linear(x, w, bias, out);
  }

  private static double[][] relu(double[][] a) {
    double[][] r = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i].clone();
      for (int j = 0; j < r[i].length; j++) {
        r[i][j] = Math.max(0, r[i][j]);
      }
    }
    return r;
  }

  private static double[][] times(double[][] a, double[][] b) {
    double[][] c = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b[0].length; j++) {
        for (int k = 0; k < b.length; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  private static double[][] minus(double[][] a, double[][] b) {
    double[][] c = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        c[i][j] = a[i][j] - b[i][j];
      }
    }
    return c;
  }

  private static double[][] plus(double[][] a, double[][] b) {
    return minus(a, minus(new double[a.length][a[0].length], b));
  }

  @Test
  void doublyResidualIdentitiesHold() {
    NBeatsBlock block = mixed(3);
    double[][] x = gaussian(5, LOOKBACK, 2);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      block.initialize(m, DataType.FLOAT64, new Shape(5, LOOKBACK));
      NBeatsBlock.Decomposition d =
          block.decompose(new ParameterStore(m, false), array(m, x, DataType.FLOAT64), false);
      assertEquals(3, d.stackForecasts().size());
      assertEquals(6, d.backcasts().size()); // 2 + 2 + 2 block applications
      double[][] sum = new double[5][HORIZON];
      for (NDArray f : d.stackForecasts()) {
        sum = plus(sum, matrix(f));
      }
      assertTrue(maxAbsDiff(sum, matrix(d.forecast())) < 1e-12);
      double[][] rebuilt = matrix(d.residual());
      for (NDArray b : d.backcasts()) {
        rebuilt = plus(rebuilt, matrix(b));
      }
      assertTrue(maxAbsDiff(x, rebuilt) < 1e-12);
      // The trend stack's forecast is a polynomial of degree 2 in t: third differences vanish.
      double[][] trend = matrix(d.stackForecasts().get(1));
      for (double[] row : trend) {
        double third = row[3] - 3 * row[2] + 3 * row[1] - row[0];
        assertEquals(0, third, 1e-12);
      }
      // The seasonality stack's forecast lies in span{1, cos(pi j / 2), sin(pi j / 2)} over j =
      // 0..3
      // (H = 4, one harmonic), whose orthogonal complement is (-1)^j.
      double[][] seasonal = matrix(d.stackForecasts().get(2));
      for (double[] row : seasonal) {
        assertEquals(0, row[0] - row[1] + row[2] - row[3], 1e-12);
        assertTrue(Math.abs(row[0]) + Math.abs(row[1]) > 1e-6); // not trivially zero
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"FLOAT32", "FLOAT64"})
  void shapesAndPrecisionForGenericAndInterpretable(DataType dtype) {
    List<Supplier<NBeatsBlock>> configs =
        List.of(
            () ->
                NBeatsBlock.builder()
                    .setLookback(14)
                    .setHorizon(7)
                    .optStacks(
                        java.util.Collections.nCopies(
                            3, StackConfig.builder(StackKind.GENERIC).optWidth(16).build()))
                    .build(),
            () ->
                NBeatsBlock.builder()
                    .setLookback(14)
                    .setHorizon(7)
                    .optStacks(
                        StackConfig.builder(StackKind.TREND).optWidth(16).build(),
                        StackConfig.builder(StackKind.SEASONALITY).optWidth(32).build())
                    .build());
    for (Supplier<NBeatsBlock> config : configs) {
      NBeatsBlock block = config.get();
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        block.initialize(m, dtype, new Shape(9, 14));
        assertArrayEquals(
            new long[] {9, 7}, block.getOutputShapes(new Shape[] {new Shape(9, 14)})[0].getShape());
        double[][] out = forward(m, block, gaussian(9, 14, 3), dtype);
        assertEquals(9, out.length);
        assertEquals(7, out[0].length);
        // A different batch size after initialization.
        assertEquals(2, forward(m, block, gaussian(2, 14, 4), dtype).length);
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class, () -> forward(m, block, gaussian(2, 13, 4), dtype));
        assertTrue(e.getMessage().contains("[batch, 14]"), e.getMessage());
      }
    }
  }

  @Test
  void paperDefaultsAreTheGenericAndInterpretableConfigurations() {
    NBeatsBlock generic = NBeatsBlock.builder().setLookback(12).setHorizon(6).build();
    assertEquals(30, generic.stacks().size());
    for (StackConfig s : generic.stacks()) {
      assertEquals(StackKind.GENERIC, s.kind());
      assertEquals(1, s.blocks());
      assertEquals(512, s.width());
      assertEquals(4, s.layers());
      assertFalse(s.sharedWeights());
    }
    NBeatsBlock interpretable =
        NBeatsBlock.builder().setLookback(12).setHorizon(6).optInterpretable().build();
    StackConfig trend = interpretable.stacks().get(0);
    StackConfig seasonality = interpretable.stacks().get(1);
    assertEquals(
        List.of(StackKind.TREND, StackKind.SEASONALITY), List.of(trend.kind(), seasonality.kind()));
    assertEquals(
        List.of(3, 256, 4, 3),
        List.of(trend.blocks(), trend.width(), trend.layers(), trend.degree()));
    assertEquals(
        List.of(3, 2048, 4),
        List.of(seasonality.blocks(), seasonality.width(), seasonality.layers()));
    assertTrue(trend.sharedWeights() && seasonality.sharedWeights());
    // Shared weights: one weight set per stack.
    assertEquals(2, interpretable.getChildren().size());
    assertEquals(30, generic.getChildren().size());
  }

  @Test
  void sameSeedGivesIdenticalParametersAndOutputsAndAnotherSeedDoesNot() {
    double[][] x = gaussian(4, LOOKBACK, 5);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NBeatsBlock a = mixed(11);
      NBeatsBlock b = mixed(11);
      NBeatsBlock c = mixed(12);
      NBeatsBlock d32 = mixed(11);
      for (NBeatsBlock blk : List.of(a, b, c)) {
        blk.initialize(m, DataType.FLOAT64, new Shape(4, LOOKBACK));
      }
      d32.initialize(m, DataType.FLOAT32, new Shape(4, LOOKBACK));
      List<double[]> pa = parameterValues(a);
      List<double[]> pb = parameterValues(b);
      List<double[]> pc = parameterValues(c);
      List<double[]> pd = parameterValues(d32);
      assertEquals(pa.size(), pb.size());
      boolean anyDifferent = false;
      for (int i = 0; i < pa.size(); i++) {
        assertArrayEquals(pa.get(i), pb.get(i), 0.0);
        assertArrayEquals(pa.get(i), pd.get(i), 1e-7); // float32 starts from the same draws
        anyDifferent |= !java.util.Arrays.equals(pa.get(i), pc.get(i));
      }
      assertTrue(anyDifferent);
      assertEquals(
          0.0, maxAbsDiff(forward(m, a, x, DataType.FLOAT64), forward(m, b, x, DataType.FLOAT64)));
      assertTrue(
          maxAbsDiff(forward(m, a, x, DataType.FLOAT64), forward(m, d32, x, DataType.FLOAT32))
              < 1e-5);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"FLOAT32", "FLOAT64"})
  void saveAndLoadRoundTripsExactly(DataType dtype, @TempDir Path dir) throws Exception {
    double[][] x = gaussian(4, LOOKBACK, 6);
    double[][] before;
    try (Model model = Model.newInstance("nbeats", Device.cpu(), "PyTorch")) {
      NBeatsBlock block = mixed(21);
      model.setBlock(block);
      block.initialize(model.getNDManager(), dtype, new Shape(4, LOOKBACK));
      before = forward(model.getNDManager(), block, x, dtype);
      model.save(dir, "nbeats");
    }
    try (Model model = Model.newInstance("nbeats", Device.cpu(), "PyTorch")) {
      NBeatsBlock block = mixed(99); // another seed: every value must come from the file
      model.setBlock(block);
      model.load(dir, "nbeats");
      assertEquals(0.0, maxAbsDiff(before, forward(model.getNDManager(), block, x, dtype)));
    }
    try (Model model = Model.newInstance("nbeats", Device.cpu(), "PyTorch")) {
      model.setBlock(
          NBeatsBlock.builder()
              .setLookback(LOOKBACK)
              .setHorizon(HORIZON + 1)
              .optStacks(mixedStacks())
              .build());
      MalformedModelException e =
          assertThrows(MalformedModelException.class, () -> model.load(dir, "nbeats"));
      assertTrue(e.getMessage().contains("horizon=4"), e.getMessage());
      assertTrue(e.getMessage().contains("horizon=5"), e.getMessage());
    }
  }

  @Test
  void builderRefusesBadHyperparametersNamingThem() {
    assertRefused(
        "lookback must be at least 1, found 0", () -> NBeatsBlock.builder().setHorizon(3).build());
    assertRefused(
        "horizon must be at least 1, found -2",
        () -> NBeatsBlock.builder().setLookback(6).setHorizon(-2).build());
    assertRefused(
        "at least one stack",
        () -> NBeatsBlock.builder().setLookback(6).setHorizon(3).optStacks(List.of()).build());
    assertRefused(
        "a trend of degree 3 needs a horizon of at least 4 points",
        () ->
            NBeatsBlock.builder()
                .setLookback(6)
                .setHorizon(3)
                .optStacks(StackConfig.paperTrend())
                .build());
    assertRefused(
        "seasonality stack needs a horizon of at least 2",
        () ->
            NBeatsBlock.builder()
                .setLookback(6)
                .setHorizon(1)
                .optStacks(StackConfig.paperSeasonality())
                .build());
    assertRefused(
        "GENERIC stack: width must be at least 1, found 0",
        () -> StackConfig.builder(StackKind.GENERIC).optWidth(0).build());
    assertRefused(
        "TREND stack: blocks must be at least 1, found 0",
        () -> StackConfig.builder(StackKind.TREND).optBlocks(0).build());
    assertRefused(
        "SEASONALITY stack: layers must be at least 1, found 0",
        () -> StackConfig.builder(StackKind.SEASONALITY).optLayers(0).build());
    assertRefused(
        "TREND stack: degree must be at least 0, found -1",
        () -> StackConfig.builder(StackKind.TREND).optDegree(-1).build());
    assertRefused(
        "degree is a setting of trend stacks only",
        () -> StackConfig.builder(StackKind.GENERIC).optDegree(2).build());
  }

  private static void assertRefused(String message, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().contains(message), "message was: " + e.getMessage());
  }
}
