package io.firmsim.serving.batching;

import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fake model for the batcher's tests that records every run it is given. Inputs: {@code x FP64
 * [N, 3]} (batched) and {@code macro FP64 [2]} (not batched). Outputs, row by row: {@code y = 2 x +
 * macro[0]} ({@code [N, 3]}) and {@code total = (x0 + x1 + x2) * macro[1]} ({@code [N]}). A run
 * whose {@code x} holds a value of {@link #POISON} fails with ENGINE, of {@link #CRASH} throws an
 * IllegalStateException. Optionally holds its first run until {@link #release} is counted down.
 */
final class RowWiseRunner implements InferenceRunner {
  static final double POISON = -1;
  static final double CRASH = -2;
  static final ModelSignature SIGNATURE =
      new ModelSignature(
          List.of(
              new TensorSpec("x", DataType.FP64, new long[] {-1, 3}),
              new TensorSpec("macro", DataType.FP64, new long[] {2})),
          List.of(
              new TensorSpec("y", DataType.FP64, new long[] {-1, 3}),
              new TensorSpec("total", DataType.FP64, new long[] {-1})));

  /** One run as the model saw it. */
  record Run(double[] x, long rows, double[] macro, String thread, long nanos) {}

  final List<Run> runs = Collections.synchronizedList(new ArrayList<>());
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final boolean holdFirst;
  volatile boolean closed;
  volatile boolean ranAfterClose;

  RowWiseRunner(boolean holdFirst) {
    this.holdFirst = holdFirst;
  }

  @Override
  public ModelSignature signature() {
    return SIGNATURE;
  }

  @Override
  public List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos)
      throws InferenceException {
    long start = System.nanoTime();
    boolean first = entered.getCount() > 0;
    entered.countDown();
    if (holdFirst && first) {
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the first run");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    double[] x = (double[]) inputs.get(0).data();
    for (double v : x) {
      if (v == POISON) {
        throw new InferenceException(InferenceException.Reason.ENGINE, "poisoned");
      }
      if (v == CRASH) {
        throw new IllegalStateException("crashed");
      }
    }
    List<HostTensor> out = compute(inputs);
    ranAfterClose |= closed;
    runs.add(
        new Run(
            x.clone(),
            inputs.get(0).rows(),
            ((double[]) inputs.get(1).data()).clone(),
            Thread.currentThread().getName(),
            System.nanoTime() - start));
    return out;
  }

  /** The model's answer, computed directly: the reference a batched answer must equal. */
  static List<HostTensor> compute(List<HostTensor> inputs) {
    double[] x = (double[]) inputs.get(0).data();
    double[] macro = (double[]) inputs.get(1).data();
    int n = x.length / 3;
    double[] y = new double[x.length];
    double[] total = new double[n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < 3; c++) {
        y[3 * r + c] = 2 * x[3 * r + c] + macro[0];
      }
      total[r] = (x[3 * r] + x[3 * r + 1] + x[3 * r + 2]) * macro[1];
    }
    return List.of(
        new HostTensor("y", DataType.FP64, new long[] {n, 3}, y),
        new HostTensor("total", DataType.FP64, new long[] {n}, total));
  }

  /** A request of {@code rows} rows whose values start at {@code base} and count up. */
  static List<HostTensor> request(int rows, double base, double... macro) {
    double[] x = new double[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = base + i;
    }
    return List.of(
        new HostTensor("x", DataType.FP64, new long[] {rows, 3}, x),
        new HostTensor("macro", DataType.FP64, new long[] {2}, macro.clone()));
  }

  @Override
  public void close() {
    closed = true;
  }
}
