package io.firmsim.serving.batching;

import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.serving.inference.ModelSignature;
import io.firmsim.serving.inference.TensorSpec;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs a model on a whole number of row blocks: the batched inputs are padded with rows of zeros to
 * a multiple of {@link #multiple()} rows, and the batched outputs cut back to the request's rows.
 * Sits directly in front of an ONNX Runtime session, below the {@link DynamicBatcher}.
 *
 * <p>Why: ONNX Runtime's CPU kernels compute the rows of a run's last partial vector (and of a
 * matrix product's partial block) on other code paths than the full ones, so without padding a
 * firm's answer differs by an ulp or so depending on how many rows its run has and where it sits:
 * on the paper model's year graph, 4 of 300 firms in float64 and 276 of 300 in float32 differed
 * between a run alone and a run inside a 300-row batch. With every run padded to a multiple of 8
 * rows none did (300 firms, all four year graphs, x86-64 AVX2); the multiple used here, 32, also
 * covers AVX-512's 16 float lanes. So a request's answer is the same, bit for bit, whether it ran
 * alone or merged into any batch. The cost is at most {@code multiple - 1} extra rows per run,
 * which a single-row request does not notice (a year graph run is dominated by its per-node
 * overhead at that size). The padding rows are zeros; rows are independent in firmsim's graphs, so
 * they never touch the request's rows.
 */
public final class RowPadding implements InferenceRunner {
  /** The default block: a multiple of every CPU vector width ONNX Runtime uses. */
  public static final int DEFAULT_MULTIPLE = 32;

  private final InferenceRunner delegate;
  private final int multiple;
  private final LongConsumer rowsListener;
  private final boolean[] batchedInput;
  private final boolean[] batchedOutput;

  public RowPadding(InferenceRunner delegate, int multiple) {
    this(delegate, multiple, rows -> {});
  }

  /**
   * @param rowsListener told the rows of every run before padding (the batch size), when the run
   *     succeeded; called on the running thread, must be cheap
   */
  public RowPadding(InferenceRunner delegate, int multiple, LongConsumer rowsListener) {
    this.rowsListener = java.util.Objects.requireNonNull(rowsListener, "rowsListener");
    if (multiple < 1) {
      throw new IllegalArgumentException("multiple must be positive: " + multiple);
    }
    this.delegate = delegate;
    this.multiple = multiple;
    ModelSignature sig = delegate.signature();
    this.batchedInput = flags(sig.inputs());
    this.batchedOutput = flags(sig.outputs());
  }

  private static boolean[] flags(List<TensorSpec> specs) {
    boolean[] b = new boolean[specs.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = specs.get(i).batched();
    }
    return b;
  }

  /** The row block every run is padded to. */
  public int multiple() {
    return multiple;
  }

  @Override
  public ModelSignature signature() {
    return delegate.signature();
  }

  @Override
  public List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos)
      throws InferenceException {
    List<TensorSpec> specs = delegate.signature().inputs();
    long rows = -1;
    for (HostTensor t : inputs) {
      int k = indexOf(specs, t.name());
      if (k >= 0 && batchedInput[k]) {
        rows = t.rows();
        break;
      }
    }
    if (rows < 0 || rows % multiple == 0) {
      List<HostTensor> out = delegate.infer(inputs, deadlineNanos);
      rowsListener.accept(Math.max(rows, 0));
      return out;
    }
    long padded = (rows + multiple - 1) / multiple * multiple;
    List<HostTensor> in = new ArrayList<>(inputs.size());
    for (HostTensor t : inputs) {
      int k = indexOf(specs, t.name());
      in.add(k >= 0 && batchedInput[k] ? pad(t, padded) : t);
    }
    List<HostTensor> out = delegate.infer(in, deadlineNanos);
    rowsListener.accept(rows);
    List<TensorSpec> outSpecs = delegate.signature().outputs();
    List<HostTensor> cut = new ArrayList<>(out.size());
    for (HostTensor t : out) {
      int k = indexOf(outSpecs, t.name());
      cut.add(
          k >= 0 && batchedOutput[k] ? Rows.split(t, new long[] {rows, padded - rows}).get(0) : t);
    }
    return cut;
  }

  private static int indexOf(List<TensorSpec> specs, String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The tensor with zero rows appended up to {@code padded} rows. */
  private static HostTensor pad(HostTensor t, long padded) {
    long[] shape = t.shape();
    long rowSize = shape[0] == 0 ? 0 : t.size() / shape[0];
    shape[0] = padded;
    Object data =
        Array.newInstance(
            t.datatype().arrayType().getComponentType(), Math.toIntExact(padded * rowSize));
    System.arraycopy(t.data(), 0, data, 0, t.size());
    return new HostTensor(t.name(), t.datatype(), shape, data);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
