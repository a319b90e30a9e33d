package io.firmsim.serving.batching;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests' minimal runner of a serialized ONNX graph in ONNX Runtime (CPU, one thread) on FP32 or
 * FP64 host tensors, closing every tensor, result and the session; not the serving module's
 * runtime, only a real engine for the batcher to stand in front of.
 */
final class OrtGraphRunner implements InferenceRunner {
  private final OrtEnvironment env = OrtEnvironments.shared();
  private final OrtSession session;
  private final ModelSignature signature;

  OrtGraphRunner(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      session = env.createSession(model, o);
    }
    try {
      signature = new ModelSignature(specs(session.getInputInfo()), specs(session.getOutputInfo()));
    } catch (OrtException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo n : infos.values()) {
      TensorInfo t = (TensorInfo) n.getInfo();
      specs.add(new TensorSpec(n.getName(), dataType(t.type), t.getShape()));
    }
    return specs;
  }

  private static DataType dataType(OnnxJavaType t) {
    return switch (t) {
      case FLOAT -> DataType.FP32;
      case DOUBLE -> DataType.FP64;
      default -> throw new IllegalArgumentException("not a test dtype: " + t);
    };
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos)
      throws InferenceException {
    List<OnnxTensor> tensors = new ArrayList<>();
    try {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      for (HostTensor in : inputs) {
        OnnxTensor t =
            in.datatype() == DataType.FP64
                ? OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) in.data()), in.shape())
                : OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) in.data()), in.shape());
        tensors.add(t);
        feed.put(in.name(), t);
      }
      List<HostTensor> out = new ArrayList<>();
      try (OrtSession.Result r = session.run(feed)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          out.add(host(e.getKey(), (OnnxTensor) e.getValue()));
        }
      }
      return out;
    } catch (OrtException e) {
      throw new InferenceException(InferenceException.Reason.ENGINE, e.getMessage(), e);
    } finally {
      for (OnnxTensor t : tensors) {
        t.close();
      }
    }
  }

  private static HostTensor host(String name, OnnxTensor t) {
    long[] shape = t.getInfo().getShape();
    if (t.getInfo().type == OnnxJavaType.DOUBLE) {
      DoubleBuffer b = t.getDoubleBuffer();
      double[] d = new double[b.remaining()];
      b.get(d);
      return new HostTensor(name, DataType.FP64, shape, d);
    }
    FloatBuffer b = t.getFloatBuffer();
    float[] f = new float[b.remaining()];
    b.get(f);
    return new HostTensor(name, DataType.FP32, shape, f);
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
