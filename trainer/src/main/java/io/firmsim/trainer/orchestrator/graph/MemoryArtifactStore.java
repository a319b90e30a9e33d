package io.firmsim.trainer.orchestrator.graph;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ArtifactStore} in a concurrent map: for tests, dry runs and single-process pipelines
 * whose artifacts need not survive the process. Thread-safe.
 */
public final class MemoryArtifactStore implements ArtifactStore {

  private record Entry(Object value, String hash) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public boolean exists(String artifactId) {
    return entries.containsKey(artifactId);
  }

  @Override
  public Object get(String artifactId) {
    return entry(artifactId).value();
  }

  @Override
  public String hash(String artifactId) {
    return entry(artifactId).hash();
  }

  @Override
  public void put(String artifactId, Object value, String contentHash) {
    Artifact.requireValidId(artifactId, "artifact id");
    Objects.requireNonNull(value, "value");
    Artifact.requireValidId(contentHash, "content hash");
    entries.put(artifactId, new Entry(value, contentHash));
  }

  /**
   * Removes the artifact if present.
   *
   * @return whether it was present
   */
  public boolean remove(String artifactId) {
    return entries.remove(artifactId) != null;
  }

  /** A sorted snapshot of the ids present. */
  public Set<String> ids() {
    return new TreeSet<>(entries.keySet());
  }

  private Entry entry(String artifactId) {
    Entry entry = entries.get(artifactId);
    if (entry == null) {
      throw new NoSuchElementException("no artifact " + artifactId);
    }
    return entry;
  }
}
