package io.firmsim.trainer.orchestrator.graph;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per task id, the incremental key of the task's last successful run. The {@link
 * GraphRunner} skips a task when its current key equals the remembered one and its outputs still
 * exist in the artifact store; the key is the SHA-256 of the task's fingerprint and its input
 * artifacts' content hashes (see {@link GraphRunner}).
 *
 * <p>Persistent runs use {@link FileIncrementalCache}; {@link #inMemory()} serves tests and
 * single-process pipelines, {@link #disabled()} runs everything every time.
 *
 * <p><b>Thread-safety.</b> Implementations must be safe for concurrent calls from worker threads;
 * the runner never calls them concurrently for the same task id.
 */
public interface IncrementalCache {

  /** The key of the task's last successful run, if one is remembered. */
  Optional<String> lastKey(String taskId);

  /** Remembers the key of a successful run, replacing the previous one. */
  void record(String taskId, String key);

  /** Forgets the task, so that its next run is not skipped (called when a task fails). */
  void invalidate(String taskId);

  /**
   * The content hashes of the outputs the task's last successful run wrote, by artifact id; empty
   * when none are remembered. The runner compares them with the stored artifacts (a damaged
   * artifact is recomputed) and uses them to key downstream tasks without reading the artifacts.
   */
  default Map<String, String> lastOutputs(String taskId) {
    return Map.of();
  }

  /**
   * Remembers the key of a successful run and the content hashes of the outputs it wrote.
   *
   * @param outputs artifact id to content hash
   */
  default void record(String taskId, String key, Map<String, String> outputs) {
    record(taskId, key);
  }

  /** A cache in a concurrent map, lost with the process. */
  static IncrementalCache inMemory() {
    ConcurrentHashMap<String, String> keys = new ConcurrentHashMap<>();
    ConcurrentHashMap<String, Map<String, String>> outputs = new ConcurrentHashMap<>();
    return new IncrementalCache() {
      @Override
      public Optional<String> lastKey(String taskId) {
        return Optional.ofNullable(keys.get(taskId));
      }

      @Override
      public void record(String taskId, String key) {
        record(taskId, key, Map.of());
      }

      @Override
      public void record(String taskId, String key, Map<String, String> written) {
        keys.put(taskId, Objects.requireNonNull(key, "key"));
        outputs.put(taskId, Map.copyOf(written));
      }

      @Override
      public Map<String, String> lastOutputs(String taskId) {
        return outputs.getOrDefault(taskId, Map.of());
      }

      @Override
      public void invalidate(String taskId) {
        keys.remove(taskId);
        outputs.remove(taskId);
      }
    };
  }

  /** A cache that remembers nothing: every task runs. */
  static IncrementalCache disabled() {
    return new IncrementalCache() {
      @Override
      public Optional<String> lastKey(String taskId) {
        return Optional.empty();
      }

      @Override
      public void record(String taskId, String key) {}

      @Override
      public void invalidate(String taskId) {}
    };
  }
}
