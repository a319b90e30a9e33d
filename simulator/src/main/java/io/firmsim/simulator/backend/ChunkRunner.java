package io.firmsim.simulator.backend;

/**
 * Runs chunks of firms through every year of a simulation on one backend. One runner per worker
 * thread: a runner is not thread-safe and holds its backend's resources (a DJL manager and block,
 * or an ONNX Runtime session) until closed.
 */
public interface ChunkRunner extends AutoCloseable {
  /**
   * Simulates every year of {@code job}, reporting to {@code sink} each flush window (in year
   * order) and, if the job keeps a panel, the panel rows at the end.
   */
  void run(ChunkJob job, ChunkSink sink);

  @Override
  void close();
}
