package io.firmsim.trainer.orchestrator.embed;

import io.firmsim.trainer.orchestrator.graph.ArtifactStore;
import io.firmsim.trainer.orchestrator.graph.MemoryArtifactStore;
import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Artifacts of an embedding run: the encoders, the index and the anomaly scores ({@value
 * #PERSISTENT} ids) are folders under the state so a later run can reuse them, with the folder as
 * value; the panel lives in memory for one run. A folder's content hash is {@link #treeHash}, over
 * every file's relative path and SHA-256, recomputed when a later run looks at it, so a damaged or
 * missing file no longer matches the hash the cache recorded and the runner builds that artifact
 * again. Thread-safe.
 */
final class StateStore implements ArtifactStore {
  /** Ids of the artifacts kept as folders start with this. */
  static final String PERSISTENT = "state:";

  private final Path directory;
  private final MemoryArtifactStore memory = new MemoryArtifactStore();

  StateStore(Path directory) {
    this.directory = directory;
  }

  /** The folder of a persistent artifact. */
  Path folder(String id) {
    return directory.resolve(id.substring(PERSISTENT.length()).replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  private static boolean persistent(String id) {
    return id.startsWith(PERSISTENT);
  }

  @Override
  public boolean exists(String id) {
    return memory.exists(id) || (persistent(id) && Files.isDirectory(folder(id)));
  }

  @Override
  public synchronized Object get(String id) {
    if (!memory.exists(id) && persistent(id)) {
      load(id);
    }
    return memory.get(id);
  }

  @Override
  public synchronized String hash(String id) {
    if (!memory.exists(id) && persistent(id)) {
      load(id);
    }
    return memory.hash(id);
  }

  @Override
  public void put(String id, Object value, String contentHash) {
    memory.put(id, value, contentHash);
  }

  private void load(String id) {
    Path dir = folder(id);
    String hash;
    try {
      hash = treeHash(dir);
    } catch (IOException | UncheckedIOException e) {
      hash = "unreadable:" + e;
    }
    memory.put(id, dir, hash);
  }

  /**
   * The SHA-256 over every regular file below {@code dir}: its path relative to {@code dir} and its
   * own SHA-256, in path order.
   */
  static String treeHash(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files =
          walk.filter(Files::isRegularFile)
              .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
              .toList();
    }
    List<String> parts = new ArrayList<>();
    for (Path f : files) {
      parts.add(dir.relativize(f).toString().replace('\\', '/'));
      parts.add(Hashing.sha256(f));
    }
    return Hashing.combine(parts);
  }

  /** Deletes a folder and everything below it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
