package io.firmsim.trainer.embed.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmFeature;
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
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@value #FILE} of an embedding artifact (format {@value #FORMAT}, version {@value
 * #FORMAT_VERSION}): the name and version label, the encoder's shape and seed ({@link Encoder}),
 * the feature standardisation fitted on the training panel ({@link FeatureScaling}, which travels
 * with the model so that new panels are scaled alike), the provenance (data file and its SHA-256,
 * seed, settings, firmsim and library versions, training measurements: required keys {@value
 * #PROVENANCE_KEYS_TEXT}), the size and SHA-256 of every other file, and a {@code checksum}: the
 * SHA-256 of the file's own pretty-printed JSON without that key, so an edited metadata file is
 * refused too.
 *
 * <p>Reading refuses, with an {@link ArtifactException} naming the file, another format or version,
 * an unknown or missing key, a value of the wrong type, an encoder whose feature count is not this
 * build's, a feature scaling of another feature list, and the parameter or ONNX file not listed.
 *
 * <p>Class is immutable (the provenance is a deep copy, handed out as copies) and thread-safe.
 */
public final class EmbeddingMetadata {
  /** The metadata file at the artifact's root. */
  public static final String FILE = "metadata.json";

  /** The format name. */
  public static final String FORMAT = "firmsim-embedding-artifact";

  /** The format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The autoencoder's DJL parameters ({@code Block.saveParameters}, float32). */
  public static final String PARAMETERS = "autoencoder.params";

  /** The encoder's float32 ONNX graph. */
  public static final String ONNX = "encoder.onnx";

  /**
   * The optional folder of the similar-firm index ({@code EmbeddingIndex.save}); its files are
   * listed as {@code index/...}.
   */
  public static final String INDEX = "index";

  static final String PROVENANCE_KEYS_TEXT = "data, seed, settings, firmsim, libraries";

  /** The keys a provenance must have. */
  public static final List<String> PROVENANCE_KEYS =
      List.of("data", "seed", "settings", "firmsim", "libraries");

  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern PLAIN =
      Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");
  private static final List<String> KEYS =
      List.of(
          "format",
          "formatVersion",
          "name",
          "version",
          "encoder",
          "featureScaling",
          "provenance",
          "files",
          "checksum");
  private static final List<String> ENCODER_KEYS =
      List.of("window", "features", "embedding", "hidden", "seed");

  /**
   * The encoder's shape and seed.
   *
   * @param window k
   * @param features f, {@link FirmFeature#count()}
   * @param embedding d
   * @param hidden the hidden width
   * @param seed the seed of the initial parameters
   */
  public record Encoder(int window, int features, int embedding, int hidden, long seed) {}

  private final String name;
  private final String version;
  private final Encoder encoder;
  private final FeatureScaling scaling;
  private final ObjectNode provenance;
  private final List<FileEntry> files;

  /**
   * Metadata with these values.
   *
   * @throws IllegalArgumentException for a provenance without a required key
   */
  public EmbeddingMetadata(
      String name,
      String version,
      Encoder encoder,
      FeatureScaling scaling,
      ObjectNode provenance,
      List<FileEntry> files) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.scaling = Objects.requireNonNull(scaling, "scaling");
    this.provenance = provenance.deepCopy();
    this.files = List.copyOf(files);
    for (String k : PROVENANCE_KEYS) {
      if (!provenance.has(k)) {
        throw new IllegalArgumentException("the provenance lacks '" + k + "'");
      }
    }
  }

  /** The model's name. */
  public String name() {
    return name;
  }

  /** Its version label. */
  public String version() {
    return version;
  }

  /** The encoder's shape and seed. */
  public Encoder encoder() {
    return encoder;
  }

  /** The feature standardisation fitted on the training panel. */
  public FeatureScaling featureScaling() {
    return scaling;
  }

  /** The provenance (a copy). */
  public ObjectNode provenance() {
    return provenance.deepCopy();
  }

  /** The files besides this one, sorted by name. */
  public List<FileEntry> files() {
    return files;
  }

  /** The JSON tree, with its checksum. */
  public ObjectNode toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", FORMAT);
    o.put("formatVersion", FORMAT_VERSION);
    o.put("name", name);
    o.put("version", version);
    ObjectNode e = o.putObject("encoder");
    e.put("window", encoder.window());
    e.put("features", encoder.features());
    e.put("embedding", encoder.embedding());
    e.put("hidden", encoder.hidden());
    e.put("seed", encoder.seed());
    o.set("featureScaling", scaling.toJson());
    o.set("provenance", provenance.deepCopy());
    ArrayNode fs = o.putArray("files");
    for (FileEntry f : files) {
      ObjectNode n = fs.addObject();
      n.put("path", f.path());
      n.put("bytes", f.bytes());
      n.put("sha256", f.sha256());
    }
    o.put("checksum", checksum(o));
    return o;
  }

  /** The bytes of {@value #FILE}: pretty-printed JSON and a newline. */
  public byte[] toBytes() {
    return pretty(toJson());
  }

  private static byte[] pretty(JsonNode node) {
    try {
      return (MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String checksum(ObjectNode tree) {
    ObjectNode copy = tree.deepCopy();
    copy.remove("checksum");
    return Hashing.sha256(pretty(copy));
  }

  /**
   * Reads and validates a metadata file.
   *
   * @throws ArtifactException naming the file and the key
   */
  public static EmbeddingMetadata read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ArtifactException(
          file, "missing: an embedding artifact holds " + FILE + " at its root");
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
    JsonNode format = o.get("format");
    if (format == null || !FORMAT.equals(format.asText(null))) {
      throw new ArtifactException(
          file,
          "format must be '"
              + FORMAT
              + "', found "
              + (format == null ? "none" : format.toString())
              + " (not an embedding artifact)");
    }
    JsonNode v = o.get("formatVersion");
    if (v == null || !v.isIntegralNumber() || v.asInt() != FORMAT_VERSION) {
      throw new ArtifactException(
          file,
          "unsupported embedding artifact format version "
              + v
              + " (this build reads "
              + FORMAT_VERSION
              + ")");
    }
    allow(file, o, KEYS, "");
    String checksum = text(file, o, "checksum", "");
    if (!checksum.equals(checksum(o))) {
      throw new ArtifactException(
          file, "changed: its content does not match its checksum " + checksum);
    }
    JsonNode e = o.get("encoder");
    if (!e.isObject()) {
      throw new ArtifactException(file, "encoder: expected an object");
    }
    allow(file, (ObjectNode) e, ENCODER_KEYS, "encoder.");
    JsonNode seed = e.get("seed");
    if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
      throw new ArtifactException(file, "encoder.seed: expected an integer, found " + seed);
    }
    Encoder encoder =
        new Encoder(
            integer(file, e, "window", "encoder."),
            integer(file, e, "features", "encoder."),
            integer(file, e, "embedding", "encoder."),
            integer(file, e, "hidden", "encoder."),
            seed.longValue());
    if (encoder.features() != FirmFeature.count()) {
      throw new ArtifactException(
          file,
          "encoder.features: "
              + encoder.features()
              + ", this build computes "
              + FirmFeature.count()
              + " firm features");
    }
    FeatureScaling scaling;
    try {
      scaling = FeatureScaling.fromJson(o.get("featureScaling"));
    } catch (IllegalArgumentException ex) {
      throw new ArtifactException(file, "featureScaling: " + ex.getMessage(), ex);
    }
    JsonNode prov = o.get("provenance");
    if (!prov.isObject()) {
      throw new ArtifactException(file, "provenance: expected an object");
    }
    for (String k : PROVENANCE_KEYS) {
      if (!prov.has(k)) {
        throw new ArtifactException(file, "provenance." + k + ": missing");
      }
    }
    JsonNode fs = o.get("files");
    if (!fs.isArray()) {
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
      if (!PLAIN.matcher(path).matches()) {
        throw new ArtifactException(
            file, at + "path: expected a plain relative file name, found " + path);
      }
      JsonNode bytes = f.get("bytes");
      String sha = text(file, f, "sha256", at);
      if (!bytes.isIntegralNumber() || bytes.asLong() < 0 || !SHA256.matcher(sha).matches()) {
        throw new ArtifactException(
            file, at + "a file needs its size and a SHA-256 of 64 lower-case hex digits");
      }
      if (path.equals(FILE) || !seen.add(path)) {
        throw new ArtifactException(file, at + "path: " + path + " listed twice or reserved");
      }
      files.add(new FileEntry(path, bytes.asLong(), sha));
    }
    for (String needed : List.of(PARAMETERS, ONNX)) {
      if (!seen.contains(needed)) {
        throw new ArtifactException(file, "files: " + needed + " is not listed");
      }
    }
    return new EmbeddingMetadata(
        text(file, o, "name", ""),
        text(file, o, "version", ""),
        encoder,
        scaling,
        (ObjectNode) prov,
        files);
  }

  private static void allow(Path file, ObjectNode o, List<String> keys, String at) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw new ArtifactException(file, at + k + ": unknown key");
      }
    }
    for (String k : keys) {
      if (!o.has(k) || o.get(k).isNull()) {
        throw new ArtifactException(file, at + k + ": missing");
      }
    }
  }

  private static String text(Path file, JsonNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new ArtifactException(file, at + key + ": expected a non-empty text, found " + v);
    }
    return v.asText();
  }

  private static int integer(Path file, JsonNode o, String key, String at) {
    JsonNode v = o.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new ArtifactException(file, at + key + ": expected an integer >= 1, found " + v);
    }
    return v.intValue();
  }
}
