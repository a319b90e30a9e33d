package io.firmsim.trainer.orchestrator.graph;

import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IncrementalCache} in a directory: one small properties file per task, holding the task
 * id and the key of its last successful run. The file name is the task id with characters other
 * than letters, digits, {@code .}, {@code _} and {@code -} replaced by {@code _}, plus the first 12
 * hex digits of the id's SHA-256, so distinct ids never share a file. The entry also holds the
 * content hash of every output the run wrote ({@code output.ID=HASH}). Deleting the directory (or
 * one file) makes the next run retrain everything (or that task).
 *
 * <p>Files are written to a temporary file and moved into place, so a crash never leaves a
 * half-written entry; an unreadable or foreign entry counts as absent. Thread-safe for distinct
 * task ids (each has its own file); I/O errors surface as {@link UncheckedIOException}.
 */
public final class FileIncrementalCache implements IncrementalCache {

  private static final Logger LOG = LoggerFactory.getLogger(FileIncrementalCache.class);
  private static final String SUFFIX = ".properties";
  private static final String OUTPUT = "output.";

  private final Path directory;

  /**
   * @param directory the cache directory; created on the first write if missing
   */
  public FileIncrementalCache(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /** The cache directory. */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<String> lastKey(String taskId) {
    Properties entry = load(taskId);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.getProperty("key"));
  }

  /** The task's entry, or null when there is none or it is unreadable or foreign. */
  private Properties load(String taskId) {
    Path file = fileOf(taskId);
    Properties entry = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      entry.load(reader);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("ignoring unreadable cache entry {}: {}", file, e.toString());
      return null;
    }
    if (!taskId.equals(entry.getProperty("task"))) {
      LOG.warn("ignoring cache entry {}: it belongs to task {}", file, entry.getProperty("task"));
      return null;
    }
    return entry;
  }

  @Override
  public void record(String taskId, String key) {
    record(taskId, key, Map.of());
  }

  @Override
  public Map<String, String> lastOutputs(String taskId) {
    Properties entry = load(taskId);
    if (entry == null) {
      return Map.of();
    }
    Map<String, String> outputs = new TreeMap<>();
    for (String name : entry.stringPropertyNames()) {
      if (name.startsWith(OUTPUT)) {
        outputs.put(name.substring(OUTPUT.length()), entry.getProperty(name));
      }
    }
    return outputs;
  }

  @Override
  public void record(String taskId, String key, Map<String, String> outputs) {
    Objects.requireNonNull(key, "key");
    Path file = fileOf(taskId);
    Properties entry = new Properties();
    entry.setProperty("task", taskId);
    entry.setProperty("key", key);
    outputs.forEach((id, hash) -> entry.setProperty(OUTPUT + id, hash));
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, ".entry-", ".tmp");
      try {
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
          entry.store(writer, "incremental key of the last successful run of " + taskId);
        }
        try {
          Files.move(
              temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write cache entry " + file, e);
    }
    LOG.debug("cache: recorded {} for task {}", key, taskId);
  }

  @Override
  public void invalidate(String taskId) {
    Path file = fileOf(taskId);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete cache entry " + file, e);
    }
  }

  private Path fileOf(String taskId) {
    Artifact.requireValidId(taskId, "task id");
    String safe = taskId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.length() > 100) {
      safe = safe.substring(0, 100);
    }
    return directory.resolve(safe + "-" + Hashing.sha256(taskId).substring(0, 12) + SUFFIX);
  }
}
