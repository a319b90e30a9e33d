package io.firmsim.simulator.backend;

/**
 * Where a {@link ChunkRunner} reports a chunk's results: flush windows in year order, then (when
 * asked for) the panel rows. The simulator commits them in chunk order, so a call may wait for the
 * chunks before it, and throws to stop a chunk whose results are no longer wanted.
 */
public interface ChunkSink {
  /** A window of years of the chunk, in year order. */
  void window(WindowResult window);

  /**
   * The chunk's reported years (burn-in excluded): per year {@code states [firms *
   * StateVariable.count()]} and {@code flows [firms * FlowVariable.count()]}, row-major, padding
   * dropped.
   */
  void panel(double[][] states, double[][] flows);

  /** One year of the chunk is done (progress). */
  void yearDone(int firms);
}
