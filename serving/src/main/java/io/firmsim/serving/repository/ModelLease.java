package io.firmsim.serving.repository;

import io.firmsim.serving.inference.InferenceRunner;

/**
 * A served model resolved for one request: its runner and the artifact version it belongs to, held
 * (the version cannot close) until {@link #close()}. Use in try-with-resources.
 *
 * @param model the served model's name
 * @param artifact the loaded artifact version (referenced until close)
 * @param runner the model's runner
 */
public record ModelLease(String model, LoadedArtifact artifact, InferenceRunner runner)
    implements AutoCloseable {
  /** The artifact version's VERSION. */
  public String version() {
    return artifact.version();
  }

  /** Releases the artifact version. */
  @Override
  public void close() {
    artifact.release();
  }
}
