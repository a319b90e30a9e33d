package io.firmsim.trainer.embed.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.artifact.SealedMetadata;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmFeature;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata.FileEntry;
import java.nio.file.Path;
import java.util.HashSet;
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

  static final ObjectMapper MAPPER = SealedMetadata.MAPPER;

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
    return SealedMetadata.seal(o, files);
  }

  /** The bytes of {@value #FILE}: pretty-printed JSON and a newline. */
  public byte[] toBytes() {
    return SealedMetadata.bytes(toJson());
  }

  /**
   * Reads and validates a metadata file.
   *
   * @throws ArtifactException naming the file and the key
   */
  public static EmbeddingMetadata read(Path file) {
    ObjectNode o = SealedMetadata.read(file, FORMAT, FORMAT_VERSION, "an embedding artifact");
    allow(file, o, KEYS, "");
    SealedMetadata.checkChecksum(file, o);
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
    List<FileEntry> files = SealedMetadata.files(file, o.get("files"), PLAIN);
    Set<String> seen = new HashSet<>();
    files.forEach(f -> seen.add(f.path()));
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
    SealedMetadata.allow(file, o, keys, at);
  }

  private static String text(Path file, JsonNode o, String key, String at) {
    return SealedMetadata.text(file, o, key, at);
  }

  private static int integer(Path file, JsonNode o, String key, String at) {
    return SealedMetadata.integer(file, o, key, at);
  }
}
