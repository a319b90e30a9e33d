package io.firmsim.trainer.orchestrator.graph;

import java.util.Objects;
import java.util.Set;

/**
 * A task's view of the artifact store while it runs: its declared inputs to read and its declared
 * outputs to write. Reading an undeclared artifact or writing one that is not a declared output is
 * rejected with {@link IllegalArgumentException}, so the dependency graph built from the
 * declarations is guaranteed to be the one the tasks actually have.
 *
 * <p>The runner creates one context per task execution; tasks can also be tested in isolation by
 * constructing one over a {@link MemoryArtifactStore}. Thread-safe as far as the underlying store
 * is; normally used by the one thread that runs the task.
 */
public final class TaskContext {

  private final Task task;
  private final Set<String> inputs;
  private final Set<String> outputs;
  private final ArtifactStore store;
  private final String key;

  /**
   * A context for one execution of the task, using the task's own declarations.
   *
   * @param task the task that will run
   * @param store the artifact store
   * @param key the incremental key of this execution (for provenance); may be empty
   */
  public TaskContext(Task task, ArtifactStore store, String key) {
    this(task, Set.copyOf(task.inputs()), Set.copyOf(task.outputs()), store, key);
  }

  TaskContext(Task task, Set<String> inputs, Set<String> outputs, ArtifactStore store, String key) {
    this.task = Objects.requireNonNull(task, "task");
    this.inputs = inputs;
    this.outputs = outputs;
    this.store = Objects.requireNonNull(store, "store");
    this.key = key == null ? "" : key;
  }

  /** The task this context belongs to. */
  public Task task() {
    return task;
  }

  /**
   * The incremental key of this execution: the SHA-256 of the task's fingerprint and the hashes of
   * its inputs. Tasks may record it in their outputs for provenance.
   */
  public String key() {
    return key;
  }

  /**
   * The value of a declared input.
   *
   * @throws IllegalArgumentException when the artifact is not a declared input
   * @throws java.util.NoSuchElementException when the store does not hold it
   */
  public Object input(String artifactId) {
    requireInput(artifactId);
    return store.get(artifactId);
  }

  /**
   * The value of a declared input, cast to the expected type.
   *
   * @throws IllegalArgumentException when the artifact is not a declared input
   * @throws ClassCastException when the value has another type
   */
  public <T> T input(String artifactId, Class<T> type) {
    Object value = input(artifactId);
    if (!type.isInstance(value)) {
      throw new ClassCastException(
          "artifact "
              + artifactId
              + " is a "
              + value.getClass().getName()
              + ", not a "
              + type.getName());
    }
    return type.cast(value);
  }

  /** The content hash of a declared input. */
  public String inputHash(String artifactId) {
    requireInput(artifactId);
    return store.hash(artifactId);
  }

  /**
   * Writes a declared output.
   *
   * @param artifactId one of the task's declared outputs
   * @param value the value, non-null
   * @param contentHash a hash of the value's content (see {@link Hashing}), non-blank
   * @throws IllegalArgumentException when the artifact is not a declared output
   */
  public void output(String artifactId, Object value, String contentHash) {
    if (!outputs.contains(artifactId)) {
      throw new IllegalArgumentException(
          "task "
              + task.id()
              + " writes artifact "
              + artifactId
              + ", which it does not declare as an output");
    }
    store.put(artifactId, value, contentHash);
  }

  private void requireInput(String artifactId) {
    if (!inputs.contains(artifactId)) {
      throw new IllegalArgumentException(
          "task "
              + task.id()
              + " reads artifact "
              + artifactId
              + ", which it does not declare as an input");
    }
  }
}
