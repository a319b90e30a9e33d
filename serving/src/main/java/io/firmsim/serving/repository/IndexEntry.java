package io.firmsim.serving.repository;

import java.util.List;
import java.util.Objects;

/**
 * One artifact version the repository has seen, as {@code POST /v2/repository/index} lists it.
 *
 * @param name the artifact NAME (the folder)
 * @param version the VERSION folder
 * @param state where it stands
 * @param reason why it is not ready (the failed load's message, {@code unloaded}, ...), empty when
 *     ready
 * @param models the served model names of the version (known from its {@code onnx/} folder before
 *     it loads)
 */
public record IndexEntry(
    String name, String version, ArtifactState state, String reason, List<String> models) {
  /** Copies the list. */
  public IndexEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(state, "state");
    reason = reason == null ? "" : reason;
    models = List.copyOf(models);
  }

  /** This entry in another state. */
  public IndexEntry with(ArtifactState newState, String newReason) {
    return new IndexEntry(name, version, newState, newReason, models);
  }
}
