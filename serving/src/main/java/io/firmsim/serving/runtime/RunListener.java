package io.firmsim.serving.runtime;

/**
 * Told of every ONNX Runtime session run, so that metrics see each batch the engine computed
 * (whether one request or a merged batch of several): the model, the rows and the compute time.
 */
@FunctionalInterface
public interface RunListener {
  /** A listener that ignores every run. */
  RunListener NONE = (model, rows, computeSeconds) -> {};

  /**
   * @param model the served model's name
   * @param rows the first dimension of the run's batched inputs (1 when the graph has none)
   * @param computeSeconds the session run's duration, tensor conversion included
   */
  void onRun(String model, long rows, double computeSeconds);
}
