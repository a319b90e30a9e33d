package io.firmsim.serving.repository;

import io.firmsim.serving.inference.InferenceRunner;

/**
 * Wraps each ONNX Runtime session's runner before it is served: the place where a dynamic batcher
 * (or a test's slow or failing runner) goes in front of the session. The repository calls it once
 * per served model when an artifact version loads, and closes what it returns when that version is
 * unloaded or replaced and its requests have drained; the wrapper's {@code close()} must close the
 * session it wraps.
 */
@FunctionalInterface
public interface RunnerWrapper {
  /** Serves the session as it is. */
  RunnerWrapper IDENTITY = (model, version, session) -> session;

  /**
   * @param model the served model's name ({@code NAME-<file stem>})
   * @param version the artifact version
   * @param session the warmed-up session's runner
   * @return the runner to serve
   */
  InferenceRunner wrap(String model, String version, InferenceRunner session);
}
