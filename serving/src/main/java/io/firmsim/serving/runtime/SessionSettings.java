package io.firmsim.serving.runtime;

/**
 * How each ONNX Runtime session of a served model uses threads.
 *
 * <p>A repository serves many sessions at once (one per ONNX file: 50 per dtype and artifact
 * version), and requests already run in parallel on the HTTP server's threads, one request per
 * thread. A session with its own intra-op pool of several threads per session would multiply the
 * threads of the process by the number of sessions and make concurrent requests compete for cores,
 * so the default is one intra-op thread (the calling thread runs the graph) and one inter-op thread
 * (the graphs are sequential: firmsim's graphs have no parallel branches worth a pool). Raise
 * {@code intraOpThreads} when few large requests arrive at a time (big batches of firms), so that
 * one request uses several cores.
 *
 * @param intraOpThreads threads of each session's intra-op pool (1: the caller's thread only)
 */
public record SessionSettings(int intraOpThreads) {
  /** One intra-op thread per session. */
  public static final SessionSettings DEFAULT = new SessionSettings(1);

  /** Checks the thread count. */
  public SessionSettings {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException(
          "intraOpThreads must be at least 1, found " + intraOpThreads);
    }
  }
}
