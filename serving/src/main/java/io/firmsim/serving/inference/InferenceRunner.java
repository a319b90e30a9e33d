package io.firmsim.serving.inference;

import java.util.List;

/**
 * Runs a model on host tensors: one ONNX Runtime session of a model version, or a dynamic batcher
 * in front of one. Implementations are thread-safe.
 *
 * <p>The inputs have been checked against {@link #signature()} by the caller (names, datatypes,
 * shapes, and for batched inputs equal first dimensions); the runner answers every output of the
 * signature, in its order, with the request's rows.
 */
public interface InferenceRunner extends AutoCloseable {
  /** What the model takes and gives. */
  ModelSignature signature();

  /**
   * Runs the model.
   *
   * @param inputs one tensor per input of the signature
   * @param deadlineNanos the {@link System#nanoTime()} by which the answer is due; a runner that
   *     cannot start the work by then fails with {@link InferenceException.Reason#TIMEOUT}
   * @throws InferenceException with the reason a client can act on
   */
  List<HostTensor> infer(List<HostTensor> inputs, long deadlineNanos) throws InferenceException;

  /** Releases the session (and, for a batcher, answers what is queued with UNAVAILABLE). */
  @Override
  void close();
}
