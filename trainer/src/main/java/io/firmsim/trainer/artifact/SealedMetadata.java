package io.firmsim.trainer.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata.FileEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code metadata.json} that the trainer's artifact folders share (forecaster and embedding
 * artifacts): a JSON object with a {@code format} name and {@code formatVersion}, a list of the
 * folder's {@code files} (path, size, SHA-256), and a {@code checksum}, the SHA-256 of the
 * pretty-printed object without it, so that a hand edit is refused. Reading names the file and the
 * key of every problem ({@link ArtifactException}); each artifact's metadata class reads its own
 * keys with the field readers here. Stateless and thread-safe.
 */
public final class SealedMetadata {
  /** The mapper of the metadata files. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private SealedMetadata() {}

  /** The file's bytes: {@code tree} pretty-printed, with a final newline. */
  public static byte[] bytes(JsonNode tree) {
    try {
      return (MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Puts the {@code files} list and then the {@code checksum} into {@code tree}; returns it. */
  public static ObjectNode seal(ObjectNode tree, List<FileEntry> files) {
    ArrayNode fs = tree.putArray("files");
    for (FileEntry f : files) {
      ObjectNode n = fs.addObject();
      n.put("path", f.path());
      n.put("bytes", f.bytes());
      n.put("sha256", f.sha256());
    }
    tree.put("checksum", checksum(tree));
    return tree;
  }

  /** The SHA-256 of the pretty-printed tree without its {@code checksum} key. */
  private static String checksum(ObjectNode tree) {
    ObjectNode copy = tree.deepCopy();
    copy.remove("checksum");
    return Hashing.sha256(bytes(copy));
  }

  /**
   * Reads {@code file} as a JSON object of format {@code format}, version {@code version}.
   *
   * @param artifact what it describes, with its article, for messages ("a forecaster artifact")
   * @throws ArtifactException naming the file: missing, not UTF-8 JSON, not an object, another
   *     format or version
   */
  public static ObjectNode read(Path file, String format, int version, String artifact) {
    if (!Files.isRegularFile(file)) {
      throw new ArtifactException(
          file, "missing: " + artifact + " holds " + file.getFileName() + " at its root");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new ArtifactException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (CharacterCodingException e) {
      throw new ArtifactException(file, "not UTF-8 text", e);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ArtifactException(file, "must hold a JSON object");
    }
    ObjectNode o = (ObjectNode) tree;
    String kind = artifact.substring(artifact.indexOf(' ') + 1);
    JsonNode f = o.get("format");
    if (f == null || !format.equals(f.asText(null))) {
      throw new ArtifactException(
          file,
          "format must be '"
              + format
              + "', found "
              + (f == null ? "none" : f.toString())
              + " (not "
              + artifact
              + ")");
    }
    JsonNode v = o.get("formatVersion");
    if (v == null || !v.isIntegralNumber() || v.asInt() != version) {
      throw new ArtifactException(
          file,
          "unsupported " + kind + " format version " + v + " (this build reads " + version + ")");
    }
    return o;
  }

  /** Refuses a tree whose content does not match its {@code checksum}. */
  public static void checkChecksum(Path file, ObjectNode o) {
    String checksum = text(file, o, "checksum", "");
    if (!checksum.equals(checksum(o))) {
      throw new ArtifactException(
          file, "changed: its content does not match its checksum " + checksum);
    }
  }

  /**
   * The {@code files} list: objects of exactly {@code path}, {@code bytes} and {@code sha256},
   * paths matching {@code paths}, none twice, none the metadata file itself.
   */
  public static List<FileEntry> files(Path file, JsonNode fs, Pattern paths) {
    if (fs == null || !fs.isArray()) {
      throw new ArtifactException(file, "files: expected a list");
    }
    List<FileEntry> files = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < fs.size(); i++) {
      String at = "files[" + i + "].";
      JsonNode f = fs.get(i);
      if (!f.isObject()) {
        throw new ArtifactException(file, at + ": expected an object");
      }
      allow(file, (ObjectNode) f, List.of("path", "bytes", "sha256"), at);
      String path = text(file, f, "path", at);
      if (!paths.matcher(path).matches()) {
        throw new ArtifactException(
            file, at + "path: expected a plain relative file name, found " + path);
      }
      JsonNode bytes = f.get("bytes");
      String sha = text(file, f, "sha256", at);
      if (!bytes.isIntegralNumber() || bytes.asLong() < 0 || !SHA256.matcher(sha).matches()) {
        throw new ArtifactException(
            file, at + "a file needs its size and a SHA-256 of 64 lower-case hex digits");
      }
      if (path.equals(file.getFileName().toString()) || !seen.add(path)) {
        throw new ArtifactException(file, at + "path: " + path + " listed twice or reserved");
      }
      files.add(new FileEntry(path, bytes.asLong(), sha));
    }
    return files;
  }

  /**
   * Refuses an object with a key outside {@code keys}, or without one of them (null is missing).
   */
  public static void allow(Path file, ObjectNode o, List<String> keys, String at) {
    allow(file, o, keys, List.of(), at);
  }

  /**
   * As {@link #allow(Path, ObjectNode, List, String)}, with the keys in {@code nullable} present
   * but possibly null.
   */
  public static void allow(
      Path file, ObjectNode o, List<String> keys, List<String> nullable, String at) {
    for (var it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw new ArtifactException(file, at + k + ": unknown key");
      }
    }
    for (String k : keys) {
      if (!o.has(k) || (o.get(k).isNull() && !nullable.contains(k))) {
        throw new ArtifactException(file, at + k + ": missing");
      }
    }
  }

  /** A non-empty text field. */
  public static String text(Path file, JsonNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      throw new ArtifactException(file, at + key + ": missing");
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new ArtifactException(file, at + key + ": expected a non-empty text, found " + v);
    }
    return v.asText();
  }

  /** An integer field of at least 1. */
  public static int integer(Path file, JsonNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      throw new ArtifactException(file, at + key + ": missing");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new ArtifactException(file, at + key + ": expected an integer >= 1, found " + v);
    }
    return v.intValue();
  }
}
