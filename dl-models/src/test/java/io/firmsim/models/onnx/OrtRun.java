package io.firmsim.models.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a serialized model in ONNX Runtime (CPU) on host arrays, closing every session, tensor and
 * result; the tests' one door to the runtime. Each model is first checked by {@link
 * OnnxModelCheck}.
 */
final class OrtRun implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironments.shared();
  private final OrtSession session;
  private final OnnxDType dtype;

  /** A host array and its shape. */
  record Input(double[] data, long... shape) {}

  OrtRun(byte[] model, OnnxDType dtype) throws OrtException {
    OnnxModelCheck.verify(model);
    this.dtype = dtype;
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      this.session = env.createSession(model, o);
    }
  }

  /** One run; outputs by name, flattened row-major, as doubles. */
  Map<String, double[]> run(Map<String, Input> inputs) throws OrtException {
    List<OnnxTensor> tensors = new ArrayList<>();
    try {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      for (Map.Entry<String, Input> e : inputs.entrySet()) {
        OnnxTensor t = tensor(e.getValue());
        tensors.add(t);
        feed.put(e.getKey(), t);
      }
      Map<String, double[]> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(feed)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          out.put(e.getKey(), values((OnnxTensor) e.getValue()));
        }
      }
      return out;
    } finally {
      for (OnnxTensor t : tensors) {
        t.close();
      }
    }
  }

  private OnnxTensor tensor(Input in) throws OrtException {
    if (dtype == OnnxDType.FLOAT64) {
      return OnnxTensor.createTensor(env, DoubleBuffer.wrap(in.data()), in.shape());
    }
    float[] f = new float[in.data().length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) in.data()[i];
    }
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(f), in.shape());
  }

  private static double[] values(OnnxTensor t) {
    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.DOUBLE) {
      DoubleBuffer b = t.getDoubleBuffer();
      double[] d = new double[b.remaining()];
      b.get(d);
      return d;
    }
    FloatBuffer b = t.getFloatBuffer();
    double[] d = new double[b.remaining()];
    for (int i = 0; i < d.length; i++) {
      d[i] = b.get(i);
    }
    return d;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
