package io.firmsim.simulator.backend;

import io.firmsim.simulator.engine.SimulationConfig;

/**
 * A backend prepared for one run: what all its workers share (the ONNX year graph, the resolved
 * device), and a factory of {@link ChunkRunner}s, one per worker thread. Closing it releases what
 * the runners share; each runner is closed by its worker.
 */
public interface YearBackend extends AutoCloseable {

  /** A runner for one worker thread. */
  ChunkRunner newRunner();

  /**
   * The backend, engine and device, for the run record (e.g. {@code onnx (ONNX Runtime 1.29.0,
   * cpu)}).
   */
  String description();

  @Override
  void close();

  /**
   * Prepares the backend the configuration names.
   *
   * @param flushYears years of a chunk whose sums and gaps are gathered before they go to the sink
   */
  static YearBackend open(SimulationConfig config, int flushYears) {
    switch (config.backend()) {
      case ONNX:
        return new OnnxBackend(config, flushYears, YearGraphSource.exporter());
      case DJL:
      default:
        return new DjlBackend(config, flushYears);
    }
  }
}
