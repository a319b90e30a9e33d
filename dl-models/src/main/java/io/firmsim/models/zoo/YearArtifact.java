package io.firmsim.models.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A model artifact directory whose files have been checked against its {@code metadata.json}
 * (format {@code firmsim-model-artifact}, format version 1): every listed file present with its
 * size and SHA-256, no unlisted file but the output marker {@code .firmsim-output}. Only a verified
 * artifact is handed to DJL, so a damaged file is refused, naming it, before any of it is read.
 *
 * <p>Class is immutable.
 */
final class YearArtifact {
  static final String FORMAT = "firmsim-model-artifact";
  static final int FORMAT_VERSION = 1;
  static final String METADATA = "metadata.json";
  static final String MODEL = "model.json";
  static final String PARAMS = "djl/year-0000.params";
  private static final String MARKER = ".firmsim-output";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path dir;
  private final JsonNode metadata;
  private final ModelSpec spec;
  private final Map<String, String> hashes;

  private YearArtifact(Path dir, JsonNode metadata, ModelSpec spec, Map<String, String> hashes) {
    this.dir = dir;
    this.metadata = metadata;
    this.spec = spec;
    this.hashes = Map.copyOf(hashes);
  }

  /**
   * Verifies the artifact in {@code dir} and reads its model.
   *
   * @throws ModelSpecException naming the file that is missing, changed, unlisted or unknown
   */
  static YearArtifact verify(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    Path metaFile = root.resolve(METADATA);
    if (!Files.isRegularFile(metaFile)) {
      throw new ModelSpecException(
          metaFile + ": missing; " + root + " is not a firmsim model artifact");
    }
    JsonNode meta;
    try {
      meta = MAPPER.readTree(metaFile.toFile());
    } catch (IOException e) {
      throw new ModelSpecException(metaFile + ": not valid JSON: " + e.getMessage(), e);
    }
    if (meta == null || !FORMAT.equals(meta.path("format").asText())) {
      throw new ModelSpecException(
          metaFile + ": format must be \"" + FORMAT + "\", found " + meta.path("format"));
    }
    if (meta.path("formatVersion").asInt(-1) != FORMAT_VERSION) {
      throw new ModelSpecException(
          metaFile
              + ": unsupported formatVersion "
              + meta.path("formatVersion")
              + " (this firmsim reads "
              + FORMAT_VERSION
              + ")");
    }
    Map<String, String> hashes = new HashMap<>();
    for (JsonNode f : meta.path("files")) {
      String rel = f.path("path").asText();
      Path file = root.resolve(rel).normalize();
      if (rel.isEmpty() || !file.startsWith(root)) {
        throw new ModelSpecException(metaFile + ": file entry with a bad path '" + rel + "'");
      }
      if (!Files.isRegularFile(file)) {
        throw new ModelSpecException(file + ": missing (listed in " + metaFile + ")");
      }
      try {
        long bytes = Files.size(file);
        if (bytes != f.path("bytes").asLong(-1)) {
          throw new ModelSpecException(
              file + ": changed: " + bytes + " bytes, " + METADATA + " lists " + f.path("bytes"));
        }
        String sha = Hashing.sha256(file);
        if (!sha.equals(f.path("sha256").asText())) {
          throw new ModelSpecException(
              file + ": changed: SHA-256 " + sha + ", " + METADATA + " lists " + f.path("sha256"));
        }
        hashes.put(rel, sha);
      } catch (IOException e) {
        throw new ModelSpecException(file + ": cannot be read: " + e.getMessage(), e);
      }
    }
    try (Stream<Path> walk = Files.walk(root)) {
      TreeSet<String> unlisted = new TreeSet<>();
      walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.equals(METADATA) && !p.equals(MARKER) && !hashes.containsKey(p))
          .forEach(unlisted::add);
      if (!unlisted.isEmpty()) {
        throw new ModelSpecException(
            root.resolve(unlisted.first()) + ": not listed in " + metaFile + " (unknown file)");
      }
    } catch (IOException e) {
      throw new ModelSpecException(root + ": cannot be listed: " + e.getMessage(), e);
    }
    if (!hashes.containsKey(MODEL)) {
      throw new ModelSpecException(root.resolve(MODEL) + ": missing from " + metaFile);
    }
    ModelSpec spec = ModelSpecReader.read(root.resolve(MODEL));
    return new YearArtifact(root, meta, spec, hashes);
  }

  Path dir() {
    return dir;
  }

  ModelSpec spec() {
    return spec;
  }

  /** The artifact's name: metadata's {@code name}, else the model's. */
  String name() {
    String n = metadata.path("name").asText("");
    return n.isEmpty() ? spec.name() : n;
  }

  /** The artifact's version: metadata's {@code version}, else the directory's name. */
  String version() {
    String v = metadata.path("version").asText("");
    return v.isEmpty() ? String.valueOf(dir.getFileName()) : v;
  }

  /** Whether the artifact lists the file (relative path with '/'). */
  boolean has(String relative) {
    return hashes.containsKey(relative);
  }

  /** The SHA-256 of a listed file. */
  String sha256(String relative) {
    return hashes.get(relative);
  }

  /** The provenance block: metadata.json's, else model.json's. */
  Optional<JsonNode> provenance() {
    JsonNode p = metadata.get("provenance");
    if (p != null && !p.isNull()) {
      return Optional.of(p.deepCopy());
    }
    return spec.provenance();
  }
}
