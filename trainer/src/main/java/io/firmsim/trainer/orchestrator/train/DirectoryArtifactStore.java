package io.firmsim.trainer.orchestrator.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.orchestrator.graph.ArtifactStore;
import io.firmsim.trainer.orchestrator.graph.MemoryArtifactStore;
import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.NoSuchElementException;

/**
 * Artifacts of a training run: JSON artifacts (fitted submodels, kind {@code submodel}, the
 * reference profile of the training data and the assembled {@code model}) are kept as files in a
 * directory so that a later run can reuse them (incremental training); everything else (data sets)
 * lives in memory for one run. A JSON artifact's content hash is the SHA-256 of its canonical
 * bytes, recomputed from the file when it is reloaded: a file damaged since it was written no
 * longer has the hash the incremental cache recorded, and the runner recomputes it.
 */
final class DirectoryArtifactStore implements ArtifactStore {
  private final Path directory;
  private final MemoryArtifactStore memory = new MemoryArtifactStore();

  DirectoryArtifactStore(Path directory) {
    this.directory = directory;
  }

  private static boolean persistent(String id) {
    return id.startsWith("submodel:")
        || id.equals(ProfileTask.PROFILE)
        || id.equals(AssembleTask.MODEL);
  }

  private Path file(String id) {
    return directory.resolve(id.replace(':', '_').replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
  }

  @Override
  public boolean exists(String id) {
    return memory.exists(id) || (persistent(id) && Files.isRegularFile(file(id)));
  }

  @Override
  public Object get(String id) {
    if (!memory.exists(id) && persistent(id)) {
      load(id);
    }
    return memory.get(id);
  }

  @Override
  public String hash(String id) {
    if (!memory.exists(id) && persistent(id)) {
      load(id);
    }
    return memory.hash(id);
  }

  @Override
  public void put(String id, Object value, String contentHash) {
    if (persistent(id)) {
      byte[] bytes = canonical((JsonNode) value);
      try {
        Files.createDirectories(directory);
        Path tmp = Files.createTempFile(directory, ".artifact", ".tmp");
        Files.write(tmp, bytes);
        Files.move(
            tmp, file(id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store artifact " + id, e);
      }
      memory.put(id, value, Hashing.sha256(bytes));
    } else {
      memory.put(id, value, contentHash);
    }
  }

  private void load(String id) {
    Path f = file(id);
    if (!Files.isRegularFile(f)) {
      throw new NoSuchElementException("no artifact " + id);
    }
    try {
      byte[] bytes = Files.readAllBytes(f);
      memory.put(id, (ObjectNode) FitJson.MAPPER.readTree(bytes), Hashing.sha256(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read artifact " + f, e);
    }
  }

  /** The content hash of a JSON artifact: the SHA-256 of its {@link #canonical} bytes. */
  static String hash(JsonNode node) {
    return Hashing.sha256(canonical(node));
  }

  /** Pretty-printed JSON with a trailing newline: the bytes written for a JSON artifact. */
  static byte[] canonical(JsonNode node) {
    try {
      return (FitJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
