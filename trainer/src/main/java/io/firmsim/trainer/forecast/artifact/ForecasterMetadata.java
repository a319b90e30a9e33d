package io.firmsim.trainer.forecast.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.artifact.SealedMetadata;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.model.ForecasterSpecException;
import io.firmsim.trainer.forecast.train.LossKind;
import io.firmsim.trainer.forecast.train.WindowScaling;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ArtifactMetadata.FileEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@value #FILE} of a forecaster artifact (format {@value #FORMAT}, version {@value
 * #FORMAT_VERSION}): what the ensemble forecasts (name, version label, frequency, horizon, seasonal
 * period, aggregation {@value #MEDIAN}), its members (network spec, seed, loss, lookback, scaling,
 * file names, validation loss), the provenance (series file and its SHA-256, configuration SHA-256,
 * firmsim and library versions, creation time, training settings), the size and SHA-256 of every
 * other file, and a {@code checksum}: the SHA-256 of the file's own pretty-printed JSON without
 * that key, so an edited metadata file is refused too.
 *
 * <p>Reading refuses, with an {@link ArtifactException} naming the file, another format or version,
 * an unknown or missing key, a value of the wrong type, a member whose lookback or scaling
 * disagrees with its spec, and a member file that is not listed.
 *
 * <p>Class is immutable (the provenance is a deep copy, handed out as copies) and thread-safe.
 */
public final class ForecasterMetadata {
  /** The metadata file at the artifact's root. */
  public static final String FILE = "metadata.json";

  /** The format name. */
  public static final String FORMAT = "firmsim-forecaster-artifact";

  /** The format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The ensemble aggregation: the element-wise median of the members' forecasts. */
  public static final String MEDIAN = "median";

  static final ObjectMapper MAPPER = SealedMetadata.MAPPER;

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final List<String> KEYS =
      List.of(
          "format",
          "formatVersion",
          "name",
          "version",
          "frequency",
          "horizon",
          "seasonalPeriod",
          "aggregation",
          "members",
          "provenance",
          "files",
          "checksum");
  private static final List<String> MEMBER_KEYS =
      List.of(
          "index",
          "spec",
          "seed",
          "loss",
          "lookback",
          "scaling",
          "parameters",
          "onnx",
          "validationLoss");

  /**
   * One ensemble member.
   *
   * @param index its number, from 1, in file names ({@code member-01.params})
   * @param spec the network
   * @param seed the seed of its initial parameters and training
   * @param loss the training loss
   * @param lookback its input window, {@code spec.lookback(horizon)}
   * @param scaling its window scaling, {@code spec.scaling()}
   * @param parameterFile the DJL parameter file
   * @param onnxFile the float32 ONNX graph
   * @param validationLoss its best validation loss (NaN when unknown)
   */
  public record Member(
      int index,
      ForecasterSpec spec,
      long seed,
      LossKind loss,
      int lookback,
      WindowScaling scaling,
      String parameterFile,
      String onnxFile,
      double validationLoss) {
    public Member {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(loss, "loss");
      Objects.requireNonNull(scaling, "scaling");
      Objects.requireNonNull(parameterFile, "parameterFile");
      Objects.requireNonNull(onnxFile, "onnxFile");
    }

    /** {@code member-NN.params}. */
    public static String parameterFile(int index) {
      return String.format(Locale.ROOT, "member-%02d.params", index);
    }

    /** {@code member-NN.onnx}. */
    public static String onnxFile(int index) {
      return String.format(Locale.ROOT, "member-%02d.onnx", index);
    }
  }

  private final String name;
  private final String version;
  private final String frequency;
  private final int horizon;
  private final int seasonalPeriod;
  private final List<Member> members;
  private final ObjectNode provenance;
  private final List<FileEntry> files;

  /**
   * Metadata (the aggregation is always {@value #MEDIAN}).
   *
   * @throws IllegalArgumentException for an empty member list, a horizon or period below 1, or a
   *     member whose lookback or scaling disagrees with its spec
   */
  public ForecasterMetadata(
      String name,
      String version,
      String frequency,
      int horizon,
      int seasonalPeriod,
      List<Member> members,
      ObjectNode provenance,
      List<FileEntry> files) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = Objects.requireNonNull(version, "version");
    this.frequency = Objects.requireNonNull(frequency, "frequency");
    this.horizon = horizon;
    this.seasonalPeriod = seasonalPeriod;
    this.members = List.copyOf(members);
    this.provenance = Objects.requireNonNull(provenance, "provenance").deepCopy();
    this.files = List.copyOf(files);
    if (horizon < 1 || seasonalPeriod < 1) {
      throw new IllegalArgumentException(
          "horizon and seasonal period must be at least 1, found "
              + horizon
              + ", "
              + seasonalPeriod);
    }
    if (this.members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one member");
    }
    for (Member m : this.members) {
      if (m.lookback() != m.spec().lookback(horizon) || m.scaling() != m.spec().scaling()) {
        throw new IllegalArgumentException(
            "member "
                + m.index()
                + ": lookback "
                + m.lookback()
                + " and scaling "
                + m.scaling()
                + " disagree with its spec "
                + m.spec());
      }
    }
  }

  /** The model's name. */
  public String name() {
    return name;
  }

  /** The model's version label. */
  public String version() {
    return version;
  }

  /** The series' frequency, as the configuration named it (e.g. {@code yearly}). */
  public String frequency() {
    return frequency;
  }

  /** The number of values forecast. */
  public int horizon() {
    return horizon;
  }

  /** The seasonal period of the series (of the MASE scale). */
  public int seasonalPeriod() {
    return seasonalPeriod;
  }

  /** The aggregation of the members' forecasts: {@value #MEDIAN}. */
  public String aggregation() {
    return MEDIAN;
  }

  /** The members, in index order. */
  public List<Member> members() {
    return members;
  }

  /** A copy of the provenance. */
  public ObjectNode provenance() {
    return provenance.deepCopy();
  }

  /** The listed files, by path. */
  public List<FileEntry> files() {
    return files;
  }

  /** This metadata with another file list. */
  ForecasterMetadata withFiles(List<FileEntry> entries) {
    return new ForecasterMetadata(
        name, version, frequency, horizon, seasonalPeriod, members, provenance, entries);
  }

  /** The JSON tree, with its checksum. */
  public ObjectNode toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", FORMAT);
    o.put("formatVersion", FORMAT_VERSION);
    o.put("name", name);
    o.put("version", version);
    o.put("frequency", frequency);
    o.put("horizon", horizon);
    o.put("seasonalPeriod", seasonalPeriod);
    o.put("aggregation", MEDIAN);
    ArrayNode ms = o.putArray("members");
    for (Member m : members) {
      ObjectNode e = ms.addObject();
      e.put("index", m.index());
      e.set("spec", m.spec().toJson());
      e.put("seed", m.seed());
      e.put("loss", m.loss().name().toLowerCase(Locale.ROOT));
      e.put("lookback", m.lookback());
      e.put("scaling", m.scaling().name().toLowerCase(Locale.ROOT));
      e.put("parameters", m.parameterFile());
      e.put("onnx", m.onnxFile());
      if (Double.isFinite(m.validationLoss())) {
        e.put("validationLoss", m.validationLoss());
      } else {
        e.putNull("validationLoss");
      }
    }
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
  public static ForecasterMetadata read(Path file) {
    ObjectNode o = SealedMetadata.read(file, FORMAT, FORMAT_VERSION, "a forecaster artifact");
    allow(file, o, KEYS, "");
    SealedMetadata.checkChecksum(file, o);
    if (!MEDIAN.equals(text(file, o, "aggregation", ""))) {
      throw new ArtifactException(
          file, "aggregation: expected '" + MEDIAN + "', found " + o.get("aggregation"));
    }
    int horizon = integer(file, o, "horizon", "");
    int period = integer(file, o, "seasonalPeriod", "");
    JsonNode ms = o.get("members");
    if (ms == null || !ms.isArray() || ms.isEmpty()) {
      throw new ArtifactException(file, "members: expected a non-empty list");
    }
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      String at = "members[" + i + "].";
      JsonNode e = ms.get(i);
      if (!e.isObject()) {
        throw new ArtifactException(file, at + ": expected an object");
      }
      allow(file, (ObjectNode) e, MEMBER_KEYS, at);
      int index = integer(file, e, "index", at);
      ForecasterSpec spec;
      try {
        spec = ForecasterSpec.fromJson(required(file, e, "spec", at));
      } catch (ForecasterSpecException ex) {
        throw new ArtifactException(file, at + "spec." + ex.getMessage(), ex);
      }
      JsonNode seed = required(file, e, "seed", at);
      if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
        throw new ArtifactException(file, at + "seed: expected an integer, found " + seed);
      }
      LossKind loss;
      try {
        loss = LossKind.parse(text(file, e, "loss", at));
      } catch (IllegalArgumentException ex) {
        throw new ArtifactException(file, at + "loss: " + ex.getMessage(), ex);
      }
      WindowScaling scaling;
      try {
        scaling = WindowScaling.valueOf(text(file, e, "scaling", at).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ex) {
        throw new ArtifactException(file, at + "scaling: expected none, last or max", ex);
      }
      JsonNode vl = required(file, e, "validationLoss", at, true);
      if (!vl.isNull() && !vl.isNumber()) {
        throw new ArtifactException(file, at + "validationLoss: expected a number or null");
      }
      Member m =
          new Member(
              index,
              spec,
              seed.longValue(),
              loss,
              integer(file, e, "lookback", at),
              scaling,
              plainName(file, e, "parameters", at),
              plainName(file, e, "onnx", at),
              vl.isNull() ? Double.NaN : vl.doubleValue());
      if (m.index() != i + 1) {
        throw new ArtifactException(file, at + "index: expected " + (i + 1) + ", found " + index);
      }
      if (m.lookback() != spec.lookback(horizon) || m.scaling() != spec.scaling()) {
        throw new ArtifactException(
            file, at + "lookback and scaling must agree with the spec " + spec);
      }
      members.add(m);
    }
    JsonNode prov = o.get("provenance");
    if (prov == null || !prov.isObject()) {
      throw new ArtifactException(file, "provenance: expected an object");
    }
    List<FileEntry> files = SealedMetadata.files(file, o.get("files"), PLAIN);
    Set<String> seen = new HashSet<>();
    files.forEach(f -> seen.add(f.path()));
    for (Member m : members) {
      for (String f : List.of(m.parameterFile(), m.onnxFile())) {
        if (!seen.contains(f)) {
          throw new ArtifactException(
              file, "member " + m.index() + ": its file " + f + " is not listed in files");
        }
      }
    }
    return new ForecasterMetadata(
        text(file, o, "name", ""),
        text(file, o, "version", ""),
        text(file, o, "frequency", ""),
        horizon,
        period,
        members,
        (ObjectNode) prov,
        files);
  }

  private static void allow(Path file, ObjectNode o, List<String> keys, String at) {
    SealedMetadata.allow(file, o, keys, List.of("validationLoss"), at);
  }

  private static JsonNode required(Path file, JsonNode o, String key, String at) {
    return required(file, o, key, at, false);
  }

  private static JsonNode required(
      Path file, JsonNode o, String key, String at, boolean nullAllowed) {
    JsonNode v = o.get(key);
    if (v == null || (!nullAllowed && v.isNull())) {
      throw new ArtifactException(file, at + key + ": missing");
    }
    return v;
  }

  private static String text(Path file, JsonNode o, String key, String at) {
    return SealedMetadata.text(file, o, key, at);
  }

  private static String plainName(Path file, JsonNode o, String key, String at) {
    String s = text(file, o, key, at);
    if (!PLAIN.matcher(s).matches()) {
      throw new ArtifactException(file, at + key + ": expected a plain file name, found " + s);
    }
    return s;
  }

  private static int integer(Path file, JsonNode o, String key, String at) {
    return SealedMetadata.integer(file, o, key, at);
  }
}
