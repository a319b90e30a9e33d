package io.firmsim.trainer.orchestrator.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.trainer.orchestrator.graph.ArtifactStore;
import io.firmsim.trainer.orchestrator.graph.MemoryArtifactStore;
import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Artifacts of a forecaster training: trained members ({@value #PREFIX}ID) are kept in a folder so
 * a later run can reuse them, as {@code ID.params} (the parameter bytes) and {@code ID.json}
 * (everything else, with the parameters' SHA-256); the series and the assembled ensemble live in
 * memory for one run. A member's content hash combines the SHA-256 of both files, recomputed when
 * they are reloaded, so a damaged file no longer matches the hash the cache recorded and the runner
 * trains that member again. Files are written to a temporary file and moved into place.
 * Thread-safe.
 */
final class MemberStore implements ArtifactStore {
  static final String PREFIX = "forecast-member:";

  private final Path directory;
  private final MemoryArtifactStore memory = new MemoryArtifactStore();

  MemberStore(Path directory) {
    this.directory = directory;
  }

  private static boolean persistent(String id) {
    return id.startsWith(PREFIX);
  }

  private Path file(String id, String suffix) {
    return directory.resolve(
        id.substring(PREFIX.length()).replaceAll("[^A-Za-z0-9._-]", "_") + suffix);
  }

  @Override
  public boolean exists(String id) {
    return memory.exists(id)
        || (persistent(id)
            && Files.isRegularFile(file(id, ".json"))
            && Files.isRegularFile(file(id, ".params")));
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
    if (!persistent(id)) {
      memory.put(id, value, contentHash);
      return;
    }
    MemberResult r = (MemberResult) value;
    byte[] params = r.parameters();
    String paramsSha = Hashing.sha256(params);
    byte[] json = pretty(r.toJson(paramsSha));
    try {
      Files.createDirectories(directory);
      write(file(id, ".params"), params);
      write(file(id, ".json"), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store artifact " + id, e);
    }
    memory.put(id, r, Hashing.combine(List.of(Hashing.sha256(json), paramsSha)));
  }

  private void write(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(directory, ".artifact", ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void load(String id) {
    Path json = file(id, ".json");
    Path params = file(id, ".params");
    if (!Files.isRegularFile(json) || !Files.isRegularFile(params)) {
      throw new NoSuchElementException("no artifact " + id);
    }
    try {
      byte[] j = Files.readAllBytes(json);
      byte[] p = Files.readAllBytes(params);
      String hash = Hashing.combine(List.of(Hashing.sha256(j), Hashing.sha256(p)));
      JsonNode tree = MemberResult.MAPPER.readTree(j);
      MemberResult r;
      if (!Hashing.sha256(p).equals(tree.path("parametersSha256").asText())) {
        // The hash no longer matches the recorded one: the runner retrains this member.
        r = null;
      } else {
        r = MemberResult.fromJson(tree, p);
      }
      memory.put(id, r == null ? new Object() : r, hash);
    } catch (IOException | RuntimeException e) {
      memory.put(id, new Object(), "unreadable:" + e);
    }
  }

  static byte[] pretty(JsonNode node) {
    try {
      return (MemberResult.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
