package io.firmsim.models.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OrtEnvironments;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The trajectory encoder computes what its Javadoc formula says (checked against a plain-Java
 * evaluation of {@code W3 tanh(W2 tanh(W1 x + b1) + b2) + b3} with its own parameters), has the
 * stated shapes, starts from the same parameters for a seed (and different ones for another), saves
 * and reloads exactly and refuses parameters of another configuration; its ONNX graph, run in ONNX
 * Runtime, equals the DJL forward within 1e-5 (float32) and 1e-12 (float64) on a batch size other
 * than the one it was initialized with.
 */
class TrajectoryEncoderTest {
  private static final int K = 4;
  private static final int F = 5;
  private static final int D = 3;
  private static final int H = 7;

  private static TrajectoryEncoder encoder(long seed) {
    return TrajectoryEncoder.builder()
        .setWindow(K)
        .setFeatures(F)
        .setEmbedding(D)
        .optHidden(H)
        .optSeed(seed)
        .build();
  }

  private static double[] input(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * K * F];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * r.nextDouble() - 1;
    }
    return x;
  }

  private static double[] forward(TrajectoryEncoder e, NDManager m, double[] x, DataType type) {
    int n = x.length / (K * F);
    NDArray in = m.create(x, new Shape(n, K, F)).toType(type, false);
    NDArray out = e.forward(new ParameterStore(m, false), new NDList(in), false).head();
    assertEquals(new Shape(n, D), out.getShape());
    return out.toType(DataType.FLOAT64, false).toDoubleArray();
  }

  @Test
  void forwardIsTheDocumentedFormula() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      TrajectoryEncoder e = encoder(5);
      e.initialize(m, DataType.FLOAT64, new Shape(2, K, F));
      double[] x = input(3, 1);
      double[] got = forward(e, m, x, DataType.FLOAT64);
      for (int row = 0; row < 3; row++) {
        double[] h = new double[K * F];
        System.arraycopy(x, row * K * F, h, 0, K * F);
        for (int l = 0; l < 3; l++) {
          h = dense(e.layers().get(l), h, l < 2);
        }
        for (int j = 0; j < D; j++) {
          assertEquals(h[j], got[row * D + j], 1e-12);
        }
      }
    }
  }

  private static double[] dense(Linear layer, double[] in, boolean tanh) {
    NDArray w = layer.getParameters().get("weight").getArray();
    double[] wv = w.toDoubleArray();
    double[] b = layer.getParameters().get("bias").getArray().toDoubleArray();
    int out = b.length;
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = b[o];
      for (int i = 0; i < in.length; i++) {
        s += wv[o * in.length + i] * in[i];
      }
      y[o] = tanh ? Math.tanh(s) : s;
    }
    return y;
  }

  @Test
  void seedFixesTheInitialParameters() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      TrajectoryEncoder a = encoder(9);
      TrajectoryEncoder b = encoder(9);
      TrajectoryEncoder c = encoder(10);
      a.initialize(m, DataType.FLOAT32, new Shape(1, K, F));
      b.initialize(m, DataType.FLOAT32, new Shape(8, K, F));
      c.initialize(m, DataType.FLOAT32, new Shape(1, K, F));
      double[] x = input(6, 2);
      double[] ya = forward(a, m, x, DataType.FLOAT32);
      assertArrayEquals(ya, forward(b, m, x, DataType.FLOAT32));
      double diff = 0;
      double[] yc = forward(c, m, x, DataType.FLOAT32);
      for (int i = 0; i < ya.length; i++) {
        diff = Math.max(diff, Math.abs(ya[i] - yc[i]));
      }
      assertTrue(diff > 1e-3, "another seed gives other parameters");
    }
  }

  @Test
  void autoencoderReconstructsTheInputShapeAndKeepsTheEncodersStart() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      TrajectoryAutoencoder ae = new TrajectoryAutoencoder(encoder(3));
      ae.initialize(m, DataType.FLOAT32, new Shape(2, K, F));
      TrajectoryEncoder alone = encoder(3);
      alone.initialize(m, DataType.FLOAT32, new Shape(2, K, F));
      double[] x = input(5, 3);
      assertArrayEquals(
          forward(alone, m, x, DataType.FLOAT32), forward(ae.encoder(), m, x, DataType.FLOAT32));
      NDArray in = m.create(x, new Shape(5, K, F)).toType(DataType.FLOAT32, false);
      NDArray out = ae.forward(new ParameterStore(m, false), new NDList(in), false).head();
      assertEquals(new Shape(5, K, F), out.getShape());
      assertThrows(
          IllegalArgumentException.class,
          () ->
              ae.forward(
                  new ParameterStore(m, false),
                  new NDList(m.zeros(new Shape(5, K + 1, F))),
                  false));
    }
  }

  @Test
  void parametersRoundTripAndAnotherConfigurationIsRefused() throws Exception {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      TrajectoryEncoder a = encoder(1);
      a.initialize(m, DataType.FLOAT32, new Shape(1, K, F));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      a.saveParameters(new DataOutputStream(bytes));
      TrajectoryEncoder b = encoder(2);
      b.initialize(m, DataType.FLOAT32, new Shape(1, K, F));
      b.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      double[] x = input(4, 4);
      assertArrayEquals(forward(a, m, x, DataType.FLOAT32), forward(b, m, x, DataType.FLOAT32));
      TrajectoryEncoder wider =
          TrajectoryEncoder.builder()
              .setWindow(K)
              .setFeatures(F)
              .setEmbedding(D + 1)
              .optHidden(H)
              .build();
      wider.initialize(m, DataType.FLOAT32, new Shape(1, K, F));
      MalformedModelException e =
          assertThrows(
              MalformedModelException.class,
              () ->
                  wider.loadParameters(
                      m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
      assertTrue(e.getMessage().contains("embedding=3"), e.getMessage());
    }
  }

  @Test
  void builderNamesTheMissingSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrajectoryEncoder.builder().setWindow(3).setFeatures(2).build());
    assertTrue(e.getMessage().contains("setEmbedding"), e.getMessage());
  }

  @Test
  void onnxGraphEqualsDjl() throws Exception {
    for (OnnxDType dtype : OnnxDType.values()) {
      DataType type = dtype == OnnxDType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT64;
      double tol = dtype == OnnxDType.FLOAT32 ? 1e-5 : 1e-12;
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        TrajectoryEncoder e = encoder(21);
        e.initialize(m, type, new Shape(16, K, F));
        byte[] graph = TrajectoryGraphExporter.export(e, dtype, Map.of("run", "r1"));
        Map<String, String> meta = new HashMap<>();
        for (OnnxMl.StringStringEntryProto p :
            OnnxMl.ModelProto.parseFrom(graph).getMetadataPropsList()) {
          meta.put(p.getKey(), p.getValue());
        }
        assertEquals("3", meta.get("firmsim.embedding"));
        assertEquals("r1", meta.get("run"));
        double[] x = input(7, 8);
        double[] djl = forward(e, m, x, type);
        double[] onnx = runOnnx(graph, x, 7, dtype);
        for (int i = 0; i < djl.length; i++) {
          assertEquals(djl[i], onnx[i], tol * Math.max(1, Math.abs(djl[i])), dtype + " at " + i);
        }
      }
    }
  }

  static double[] runOnnx(byte[] graph, double[] x, int n, OnnxDType dtype) throws Exception {
    var env = OrtEnvironments.shared();
    long[] shape = {n, K, F};
    try (OrtSession s = env.createSession(graph, new OrtSession.SessionOptions())) {
      OnnxTensor t;
      if (dtype == OnnxDType.FLOAT32) {
        float[] f = new float[x.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) x[i];
        }
        t = OnnxTensor.createTensor(env, FloatBuffer.wrap(f), shape);
      } else {
        t = OnnxTensor.createTensor(env, DoubleBuffer.wrap(x), shape);
      }
      try (t;
          OrtSession.Result r = s.run(Map.of(TrajectoryGraphExporter.INPUT, t))) {
        Object v = r.get(0).getValue();
        double[] out = new double[n * D];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < D; j++) {
            out[i * D + j] = v instanceof float[][] ff ? ff[i][j] : ((double[][]) v)[i][j];
          }
        }
        return out;
      }
    }
  }
}
