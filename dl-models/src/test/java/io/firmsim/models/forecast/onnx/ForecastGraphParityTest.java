package io.firmsim.models.forecast.onnx;

import static io.firmsim.models.forecast.ForecastFixtures.gaussian;
import static io.firmsim.models.forecast.ForecastFixtures.sineWindows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import io.firmsim.models.forecast.ForecastFixtures;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OnnxModelCheck;
import io.firmsim.models.onnx.OrtEnvironments;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The exported graphs run in ONNX Runtime compute what the DJL blocks compute: on random inputs (a
 * batch size other than the one the block was initialized with), the ONNX forecast equals the
 * block's forward within 1e-5 in float32 and 1e-12 in float64 (relative to max(1, |value|)), for
 * seeded random parameters and for parameters after a brief Adam training (which moves them: the
 * test checks they changed); for N-BEATS generic, interpretable (trend and seasonality, one stack
 * with shared weights) and the LSTM with one and two layers, with and without exogenous input.
 * Every graph passes {@link OnnxModelCheck} and carries its hyperparameters in {@code
 * metadata_props}.
 */
class ForecastGraphParityTest {
  private static final int HORIZON = 6;
  private static final int LOOKBACK = 2 * HORIZON;
  private static final int INIT_BATCH = 16;
  private static final int BATCH = 7;
  private static final int TRAIN_STEPS = 40;
  private static final double TOL32 = 1e-5;
  private static final double TOL64 = 1e-12;

  private static NBeatsBlock generic() {
    return NBeatsBlock.builder()
        .setLookback(LOOKBACK)
        .setHorizon(HORIZON)
        .optStacks(
            java.util.Collections.nCopies(
                3, StackConfig.builder(StackKind.GENERIC).optWidth(24).optLayers(3).build()))
        .optSeed(11)
        .build();
  }

  private static NBeatsBlock interpretable() {
    return NBeatsBlock.builder()
        .setLookback(LOOKBACK)
        .setHorizon(HORIZON)
        .optStacks(
            StackConfig.builder(StackKind.TREND)
                .optWidth(24)
                .optDegree(2)
                .optBlocks(2)
                .optSharedWeights(true)
                .build(),
            StackConfig.builder(StackKind.SEASONALITY)
                .optWidth(24)
                .optBlocks(2)
                .optSharedWeights(false)
                .build())
        .optSeed(12)
        .build();
  }

  private static LstmForecaster lstm(int layers, int exogenous) {
    return LstmForecaster.builder()
        .setLookback(LOOKBACK)
        .setHorizon(HORIZON)
        .optHiddenSize(10)
        .optLayers(layers)
        .optExogenous(exogenous)
        .optSeed(13 + layers + exogenous)
        .build();
  }

  @Test
  void nbeatsGenericMatches() throws Exception {
    checkNBeats(ForecastGraphParityTest::generic, null);
    checkNBeats(ForecastGraphParityTest::generic, train(generic(), 0, 1e-3));
  }

  @Test
  void nbeatsInterpretableMatches() throws Exception {
    checkNBeats(ForecastGraphParityTest::interpretable, null);
    checkNBeats(ForecastGraphParityTest::interpretable, train(interpretable(), 0, 1e-3));
  }

  @Test
  void lstmMatches() throws Exception {
    checkLstm(() -> lstm(1, 0), null);
    checkLstm(() -> lstm(2, 0), null);
    checkLstm(() -> lstm(1, 0), train(lstm(1, 0), 0, 1e-2));
  }

  @Test
  void lstmWithExogenousInputMatches() throws Exception {
    checkLstm(() -> lstm(1, 3), null);
    checkLstm(() -> lstm(2, 3), null);
    checkLstm(() -> lstm(2, 3), train(lstm(2, 3), 3, 1e-2));
  }

  @Test
  void metadataCarriesTheHyperparameters() throws Exception {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NBeatsBlock nb = interpretable();
      nb.initialize(m, DataType.FLOAT32, new Shape(INIT_BATCH, LOOKBACK));
      Map<String, String> meta =
          metadata(ForecastGraphExporter.export(nb, OnnxDType.FLOAT32, Map.of("run", "r1")));
      assertEquals("forecast.nbeats", meta.get("firmsim.graph"));
      assertEquals("12", meta.get("firmsim.lookback"));
      assertEquals("6", meta.get("firmsim.horizon"));
      assertEquals("float32", meta.get("firmsim.dtype"));
      assertTrue(
          meta.get("firmsim.stacks").startsWith("TREND(blocks=2, width=24"), meta.toString());
      assertTrue(meta.get("firmsim.stacks").contains("; SEASONALITY("), meta.toString());
      assertEquals("r1", meta.get("run"));

      LstmForecaster ls = lstm(2, 3);
      ls.initialize(
          m, DataType.FLOAT64, new Shape(INIT_BATCH, LOOKBACK), new Shape(INIT_BATCH, LOOKBACK, 3));
      meta = metadata(ForecastGraphExporter.export(ls, OnnxDType.FLOAT64, Map.of()));
      assertEquals("forecast.lstm", meta.get("firmsim.graph"));
      assertEquals("10", meta.get("firmsim.hidden"));
      assertEquals("2", meta.get("firmsim.layers"));
      assertEquals("3", meta.get("firmsim.exogenous"));
      assertEquals("float64", meta.get("firmsim.dtype"));
    }
  }

  @Test
  void refusesAnUninitializedBlock() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ForecastGraphExporter.export(generic(), OnnxDType.FLOAT32, Map.of()));
    assertTrue(e.getMessage().contains("initialize"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> ForecastGraphExporter.export(lstm(1, 0), OnnxDType.FLOAT64, Map.of()));
  }

  // ------------------------------------------------------------------ checks

  /** Compares in both precisions; {@code trained} null means the seeded initial parameters. */
  private static void checkNBeats(Supplier<NBeatsBlock> factory, List<double[]> trained)
      throws Exception {
    for (OnnxDType dtype : OnnxDType.values()) {
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        NBeatsBlock block = factory.get();
        DataType djl = djlType(dtype);
        block.initialize(m, djl, new Shape(INIT_BATCH, LOOKBACK));
        load(block, trained);
        double[][] x = gaussian(BATCH, LOOKBACK, 99);
        NDArray expected =
            block
                .forward(
                    new ParameterStore(m, false), new NDList(m.create(x).toType(djl, false)), false)
                .head();
        byte[] model = ForecastGraphExporter.export(block, dtype, Map.of());
        Map<String, Input> feed = new LinkedHashMap<>();
        feed.put("x", new Input(flat(x), BATCH, LOOKBACK));
        compare(
            block + " " + dtype + (trained == null ? "" : " trained"),
            dtype,
            expected,
            model,
            feed);
      }
    }
  }

  private static void checkLstm(Supplier<LstmForecaster> factory, List<double[]> trained)
      throws Exception {
    for (OnnxDType dtype : OnnxDType.values()) {
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        LstmForecaster block = factory.get();
        int k = block.exogenous();
        DataType djl = djlType(dtype);
        Shape[] shapes =
            k > 0
                ? new Shape[] {new Shape(INIT_BATCH, LOOKBACK), new Shape(INIT_BATCH, LOOKBACK, k)}
                : new Shape[] {new Shape(INIT_BATCH, LOOKBACK)};
        block.initialize(m, djl, shapes);
        load(block, trained);
        double[][] x = gaussian(BATCH, LOOKBACK, 98);
        NDList inputs = new NDList(m.create(x).toType(djl, false));
        Map<String, Input> feed = new LinkedHashMap<>();
        feed.put("x", new Input(flat(x), BATCH, LOOKBACK));
        if (k > 0) {
          double[] e = flat(gaussian(BATCH * LOOKBACK, k, 97));
          inputs.add(m.create(e, new Shape(BATCH, LOOKBACK, k)).toType(djl, false));
          feed.put("exog", new Input(e, BATCH, LOOKBACK, k));
        }
        NDArray expected = block.forward(new ParameterStore(m, false), inputs, false).head();
        byte[] model = ForecastGraphExporter.export(block, dtype, Map.of());
        compare(
            block + " " + dtype + (trained == null ? "" : " trained"),
            dtype,
            expected,
            model,
            feed);
      }
    }
  }

  private static void compare(
      String what, OnnxDType dtype, NDArray expected, byte[] model, Map<String, Input> feed)
      throws OrtException {
    assertEquals(List.of(), OnnxModelCheck.problems(model), what);
    assertEquals(new Shape(BATCH, HORIZON), expected.getShape(), what);
    double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] a = run(model, dtype, feed);
    assertEquals(e.length, a.length, what);
    double tol = dtype == OnnxDType.FLOAT32 ? TOL32 : TOL64;
    double worst = 0;
    for (int i = 0; i < e.length; i++) {
      assertTrue(Double.isFinite(e[i]) && Double.isFinite(a[i]), what + " at " + i);
      worst = Math.max(worst, Math.abs(e[i] - a[i]) / Math.max(1, Math.abs(e[i])));
    }
    System.out.printf("%s: max scaled |ORT - DJL| = %.3g%n", what, worst);
    assertTrue(worst <= tol, what + ": max scaled difference " + worst + " > " + tol);
  }

  // ------------------------------------------------------------------ training

  /**
   * A brief Adam training (L1 loss, float32) on sine windows (and Gaussian exogenous features when
   * {@code exogenous > 0}); returns the trained parameter values, after checking they moved.
   */
  private static List<double[]> train(Block block, int exogenous, double learningRate) {
    int rows = 32;
    double[][][] xy = sineWindows(rows, LOOKBACK, HORIZON, 12.0, 42);
    try (Model model = Model.newInstance("forecaster", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l1Loss())
              .optOptimizer(
                  Adam.builder()
                      .optLearningRateTracker(Tracker.fixed((float) learningRate))
                      .build())
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        NDManager m = trainer.getManager();
        NDList inputs = new NDList(m.create(xy[0]).toType(DataType.FLOAT32, false));
        if (exogenous > 0) {
          inputs.add(
              m.create(
                      flat(gaussian(rows * LOOKBACK, exogenous, 5)),
                      new Shape(rows, LOOKBACK, exogenous))
                  .toType(DataType.FLOAT32, false));
          trainer.initialize(new Shape(rows, LOOKBACK), new Shape(rows, LOOKBACK, exogenous));
        } else {
          trainer.initialize(new Shape(rows, LOOKBACK));
        }
        List<double[]> initial = ForecastFixtures.parameterValues(block);
        NDArray y = m.create(xy[1]).toType(DataType.FLOAT32, false);
        for (int step = 0; step < TRAIN_STEPS; step++) {
          try (NDManager batch = m.newSubManager();
              GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(inputs);
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
            gc.backward(loss);
            pred.attach(batch);
            loss.attach(batch);
          }
          trainer.step();
        }
        List<double[]> trained = ForecastFixtures.parameterValues(block);
        // N-BEATS' last block's backcast branch (theta_b, and a generic basis_b's weight and
        // bias) does not reach the forecast and gets no gradient; every other parameter moves.
        int unchanged = 0;
        for (int i = 0; i < trained.size(); i++) {
          if (java.util.Arrays.equals(initial.get(i), trained.get(i))) {
            unchanged++;
          }
        }
        int allowed = block instanceof NBeatsBlock ? 3 : 0;
        assertTrue(
            unchanged <= allowed,
            "training left " + unchanged + " of " + trained.size() + " parameters unchanged");
        return trained;
      }
    }
  }

  /** Overwrites an initialized block's parameters with {@code values} (no-op for null). */
  private static void load(Block block, List<double[]> values) {
    if (values == null) {
      return;
    }
    List<Parameter> params = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      params.add(p.getValue());
    }
    assertEquals(values.size(), params.size());
    for (int i = 0; i < params.size(); i++) {
      NDArray a = params.get(i).getArray();
      double[] v = values.get(i);
      assertEquals(a.size(), v.length);
      if (a.getDataType() == DataType.FLOAT64) {
        a.set(DoubleBuffer.wrap(v));
      } else {
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) {
          f[j] = (float) v[j]; // exact: the values were float32
        }
        a.set(FloatBuffer.wrap(f));
      }
    }
    assertEquals(
        java.util.Arrays.toString(values.get(0)),
        java.util.Arrays.toString(ForecastFixtures.parameterValues(block).get(0)));
  }

  // ------------------------------------------------------------------ ONNX Runtime

  private record Input(double[] data, long... shape) {}

  private static double[] run(byte[] model, OnnxDType dtype, Map<String, Input> inputs)
      throws OrtException {
    OrtEnvironment env = OrtEnvironments.shared();
    List<OnnxTensor> tensors = new ArrayList<>();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model, o)) {
        Map<String, OnnxTensor> feed = new HashMap<>();
        for (Map.Entry<String, Input> e : inputs.entrySet()) {
          double[] d = e.getValue().data();
          OnnxTensor t;
          if (dtype == OnnxDType.FLOAT64) {
            t = OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), e.getValue().shape());
          } else {
            float[] f = new float[d.length];
            for (int i = 0; i < f.length; i++) {
              f[i] = (float) d[i];
            }
            t = OnnxTensor.createTensor(env, FloatBuffer.wrap(f), e.getValue().shape());
          }
          tensors.add(t);
          feed.put(e.getKey(), t);
        }
        try (OrtSession.Result r = session.run(feed)) {
          OnnxTensor out = (OnnxTensor) r.get("forecast").orElseThrow();
          assertTrue(
              java.util.Arrays.equals(new long[] {BATCH, HORIZON}, out.getInfo().getShape()),
              "ONNX output shape");
          if (dtype == OnnxDType.FLOAT64) {
            DoubleBuffer b = out.getDoubleBuffer();
            double[] v = new double[b.remaining()];
            b.get(v);
            return v;
          }
          FloatBuffer b = out.getFloatBuffer();
          double[] v = new double[b.remaining()];
          for (int i = 0; i < v.length; i++) {
            v[i] = b.get(i);
          }
          return v;
        }
      }
    } finally {
      for (OnnxTensor t : tensors) {
        t.close();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static Map<String, String> metadata(byte[] model) throws InvalidProtocolBufferException {
    Map<String, String> meta = new LinkedHashMap<>();
    for (OnnxMl.StringStringEntryProto e :
        OnnxMl.ModelProto.parseFrom(model).getMetadataPropsList()) {
      meta.put(e.getKey(), e.getValue());
    }
    return meta;
  }

  private static DataType djlType(OnnxDType dtype) {
    return dtype == OnnxDType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
  }

  private static double[] flat(double[][] x) {
    double[] f = new double[x.length * x[0].length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, f, i * x[0].length, x[0].length);
    }
    return f;
  }
}
