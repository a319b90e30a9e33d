package io.firmsim.serving.repository;

/** Where an artifact version stands in the repository index. */
public enum ArtifactState {
  /** Loaded, warmed up and serving its models. */
  READY,
  /** Not serving: failed to load, unloaded, replaced by another version or never loaded. */
  UNAVAILABLE,
  /** Being verified, opened and warmed up. */
  LOADING
}
