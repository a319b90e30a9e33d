package io.firmsim.trainer.orchestrator.graph;

import java.util.NoSuchElementException;

/**
 * Where artifacts live between tasks and, for persistent implementations, between runs. Every
 * artifact has a value and a content hash chosen by the task that wrote it (see {@link Hashing});
 * the runner feeds the hashes of a task's inputs into its incremental key, so the hash must change
 * whenever the content does (and should not change when it does not, so that downstream tasks stay
 * up to date).
 *
 * <p>An in-memory implementation is {@link MemoryArtifactStore}; real runs wrap a directory so that
 * outputs and hashes survive for the next run.
 *
 * <p><b>Thread-safety.</b> Implementations must be safe for concurrent use: tasks of one stage
 * write distinct artifacts concurrently and read finished artifacts concurrently. A value written
 * by {@link #put} must be visible to every thread that later sees {@link #exists} return true.
 */
public interface ArtifactStore {

  /** Whether the artifact has been written (in this run or, for persistent stores, earlier). */
  boolean exists(String artifactId);

  /**
   * The artifact's value.
   *
   * @throws NoSuchElementException when the artifact does not exist
   */
  Object get(String artifactId);

  /**
   * The content hash the artifact was written with.
   *
   * @throws NoSuchElementException when the artifact does not exist
   */
  String hash(String artifactId);

  /**
   * Writes or replaces the artifact.
   *
   * @param artifactId the artifact id
   * @param value the value, non-null
   * @param contentHash a hash of the value's content, non-blank
   */
  void put(String artifactId, Object value, String contentHash);
}
