package io.firmsim.serving.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One ONNX Runtime session of a served model version: the graph's bytes opened on the process's
 * shared environment ({@link OrtEnvironments#shared()}), its signature read from the session's
 * inputs and outputs, and host tensors converted to and from ONNX Runtime tensors on direct buffers
 * in native byte order (which ONNX Runtime reads without a copy).
 *
 * <p>Threads: see {@link SessionSettings}; the session has {@code intraOpThreads} intra-op threads
 * (default 1: the calling thread runs the graph, because requests already run in parallel on the
 * HTTP threads and a repository holds dozens of sessions) and one inter-op thread, sequential
 * execution.
 *
 * <p>{@link #open} runs the graph once on a row of zeros (uniforms 0.5) before returning, so that a
 * model reported ready has allocated its buffers and compiled its kernels: the first client's
 * request is not the slow one.
 *
 * <p>Thread-safe: ONNX Runtime sessions may run concurrently. {@link #close()} waits for the runs
 * in progress and fails later calls with {@link InferenceException.Reason#UNAVAILABLE}. Every
 * tensor and result is closed before a call returns.
 */
public final class OrtModelRunner implements InferenceRunner {
  private static final String UNIFORMS = "uniforms";
  private static final double WARMUP_UNIFORM = 0.5;

  private final String model;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelSignature signature;
  private final RunListener listener;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private OrtModelRunner(
      String model,
      OrtEnvironment env,
      OrtSession session,
      ModelSignature signature,
      RunListener listener) {
    this.model = model;
    this.env = env;
    this.session = session;
    this.signature = signature;
    this.listener = listener;
  }

  /**
   * Opens a session on a graph and warms it up.
   *
   * @param model the served model's name (for messages and the listener)
   * @param graph the ONNX graph's bytes
   * @param settings the session's threads
   * @param listener told of every run (warm-up excluded)
   * @throws InferenceException ({@link InferenceException.Reason#ENGINE}) when ONNX Runtime refuses
   *     the graph, it has an input or output of a type firmsim does not serve, or the warm-up run
   *     fails
   */
  public static OrtModelRunner open(
      String model, byte[] graph, SessionSettings settings, RunListener listener)
      throws InferenceException {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    OrtEnvironment env = OrtEnvironments.shared();
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(graph, options);
    } catch (OrtException e) {
      throw new InferenceException(
          InferenceException.Reason.ENGINE,
          model + ": ONNX Runtime cannot open the graph: " + e.getMessage(),
          e);
    }
    OrtModelRunner runner;
    try {
      runner =
          new OrtModelRunner(
              model,
              env,
              session,
              new ModelSignature(
                  specs(model, session.getInputInfo()), specs(model, session.getOutputInfo())),
              listener);
    } catch (OrtException | InferenceException e) {
      closeQuietly(session);
      if (e instanceof InferenceException ie) {
        throw ie;
      }
      throw new InferenceException(
          InferenceException.Reason.ENGINE, model + ": " + e.getMessage(), e);
    }
    try {
      runner.run(warmupInputs(runner.signature), Long.MAX_VALUE, false);
    } catch (InferenceException e) {
      runner.close();
      throw new InferenceException(
          InferenceException.Reason.ENGINE, model + ": warm-up failed: " + e.getMessage(), e);
    }
    return runner;
  }

  /**
   * The warm-up inputs of a signature: one row for every dynamic dimension, zeros, and 0.5 in an
   * input named {@code uniforms} (the middle of the draws' open interval).
   */
  public static List<HostTensor> warmupInputs(ModelSignature signature) {
    List<HostTensor> inputs = new ArrayList<>();
    for (TensorSpec spec : signature.inputs()) {
      long[] shape = spec.shape();
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] < 0) {
          shape[i] = 1;
        }
      }
      int n = Math.toIntExact(HostTensor.elementCount(shape));
      double fill = UNIFORMS.equals(spec.name()) ? WARMUP_UNIFORM : 0.0;
      Object data =
          switch (spec.datatype()) {
            case FP32 -> {
              float[] a = new float[n];
              Arrays.fill(a, (float) fill);
              yield a;
            }
            case FP64 -> {
              double[] a = new double[n];
              Arrays.fill(a, fill);
              yield a;
            }
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
          };
      inputs.add(new HostTensor(spec.name(), spec.datatype(), shape, data));
    }
    return inputs;
  }

  /** The served model's name. */
  public String model() {
    return model;
  }

  @Override
  public ModelSignature signature() {
    return signature;
  }

  @Override
  public List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos)
      throws InferenceException {
    return run(inputs, deadlineNanos, true);
  }

  private List<HostTensor> run(List<HostTensor> inputs, long deadlineNanos, boolean observe)
      throws InferenceException {
    if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
      throw new InferenceException(
          InferenceException.Reason.TIMEOUT, model + ": the request's time limit passed");
    }
    lock.readLock().lock();
    try {
      if (closed) {
        throw new InferenceException(
            InferenceException.Reason.UNAVAILABLE, model + " has been unloaded");
      }
      long start = System.nanoTime();
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      try {
        for (HostTensor t : inputs) {
          if (signature.input(t.name()).isEmpty()) {
            throw new InferenceException(
                InferenceException.Reason.INVALID, model + " has no input " + t.name());
          }
          if (feed.containsKey(t.name())) {
            throw new InferenceException(
                InferenceException.Reason.INVALID, model + ": input " + t.name() + " given twice");
          }
          feed.put(t.name(), toOrt(t));
        }
        for (TensorSpec spec : signature.inputs()) {
          if (!feed.containsKey(spec.name())) {
            throw new InferenceException(
                InferenceException.Reason.INVALID, model + ": input " + spec.name() + " missing");
          }
        }
        List<HostTensor> outputs = new ArrayList<>(signature.outputs().size());
        try (OrtSession.Result result = session.run(feed)) {
          for (TensorSpec spec : signature.outputs()) {
            OnnxValue value =
                result
                    .get(spec.name())
                    .orElseThrow(() -> new OrtException("no output " + spec.name()));
            outputs.add(fromOrt(spec.name(), (OnnxTensor) value));
          }
        }
        if (observe) {
          listener.onRun(model, rows(inputs), (System.nanoTime() - start) / 1e9);
        }
        return outputs;
      } catch (OrtException | RuntimeException e) {
        throw new InferenceException(
            InferenceException.Reason.ENGINE,
            model + ": ONNX Runtime failed: " + e.getMessage(),
            e);
      } finally {
        for (OnnxTensor t : feed.values()) {
          t.close();
        }
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  private long rows(List<HostTensor> inputs) {
    for (HostTensor t : inputs) {
      TensorSpec spec = signature.input(t.name()).orElse(null);
      if (spec != null && spec.batched()) {
        return t.rows();
      }
    }
    return 1;
  }

  private OnnxTensor toOrt(HostTensor t) throws OrtException {
    long[] shape = t.shape();
    int n = t.size();
    ByteBuffer bytes =
        ByteBuffer.allocateDirect(Math.max(1, n * t.datatype().bytes()))
            .order(ByteOrder.nativeOrder());
    switch (t.datatype()) {
      case FP32 -> {
        FloatBuffer b = bytes.asFloatBuffer();
        b.put((float[]) t.data()).rewind();
        return OnnxTensor.createTensor(env, b, shape);
      }
      case FP64 -> {
        DoubleBuffer b = bytes.asDoubleBuffer();
        b.put((double[]) t.data()).rewind();
        return OnnxTensor.createTensor(env, b, shape);
      }
      case INT64 -> {
        LongBuffer b = bytes.asLongBuffer();
        b.put((long[]) t.data()).rewind();
        return OnnxTensor.createTensor(env, b, shape);
      }
      case BOOL -> {
        boolean[] v = (boolean[]) t.data();
        for (boolean x : v) {
          bytes.put((byte) (x ? 1 : 0));
        }
        bytes.rewind();
        bytes.limit(n);
        return OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
      }
      default -> throw new IllegalStateException(t.datatype().toString());
    }
  }

  private static HostTensor fromOrt(String name, OnnxTensor t) throws OrtException {
    TensorInfo info = t.getInfo();
    long[] shape = info.getShape();
    int n = Math.toIntExact(HostTensor.elementCount(shape));
    switch (info.type) {
      case FLOAT -> {
        float[] a = new float[n];
        t.getFloatBuffer().get(a);
        return new HostTensor(name, DataType.FP32, shape, a);
      }
      case DOUBLE -> {
        double[] a = new double[n];
        t.getDoubleBuffer().get(a);
        return new HostTensor(name, DataType.FP64, shape, a);
      }
      case INT64 -> {
        long[] a = new long[n];
        t.getLongBuffer().get(a);
        return new HostTensor(name, DataType.INT64, shape, a);
      }
      case BOOL -> {
        ByteBuffer b = t.getByteBuffer();
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = b.get(i) != 0;
        }
        return new HostTensor(name, DataType.BOOL, shape, a);
      }
      default -> throw new OrtException("output " + name + " has unsupported type " + info.type);
    }
  }

  private static List<TensorSpec> specs(String model, Map<String, NodeInfo> nodes)
      throws InferenceException {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      ValueInfo info = node.getInfo();
      if (!(info instanceof TensorInfo tensor)) {
        throw new InferenceException(
            InferenceException.Reason.ENGINE,
            model + ": " + node.getName() + " is not a tensor: " + info);
      }
      DataType type =
          switch (tensor.type) {
            case FLOAT -> DataType.FP32;
            case DOUBLE -> DataType.FP64;
            case INT64 -> DataType.INT64;
            case BOOL -> DataType.BOOL;
            default ->
                throw new InferenceException(
                    InferenceException.Reason.ENGINE,
                    model
                        + ": "
                        + node.getName()
                        + " has a type firmsim does not serve: "
                        + tensor.type);
          };
      long[] shape = tensor.getShape();
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] < 0) {
          shape[i] = -1;
        }
      }
      specs.add(new TensorSpec(node.getName(), type, shape));
    }
    return specs;
  }

  /** Waits for the runs in progress, then releases the session; later calls fail UNAVAILABLE. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(session);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      // Nothing a caller could do: the native session is gone either way.
    }
  }

  @Override
  public String toString() {
    return "OrtModelRunner[" + model + "]";
  }
}
