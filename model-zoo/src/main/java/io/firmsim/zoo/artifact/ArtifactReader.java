package io.firmsim.zoo.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Opens and verifies a model artifact folder. Refuses, with an {@link ArtifactException} naming the
 * file:
 *
 * <ul>
 *   <li>{@value ArtifactMetadata#FILE} missing, not JSON, of another format, of an unknown format
 *       version, with a missing or unknown key, or describing another build's tensor layout (state
 *       or flow registry different from this build's);
 *   <li>a listed file that is missing, of another size or of another SHA-256 (hashed in a stream,
 *       so files of hundreds of MB take constant memory);
 *   <li>a file (or link) in the folder that the metadata does not list; only the marker {@value
 *       #OUTPUT_MARKER} that firmsim's output folders carry is allowed besides the metadata;
 *   <li>a model file that is not a valid model, or whose equations or provenance disagree with the
 *       metadata.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ArtifactReader {
  /**
   * The marker file of a committed firmsim output folder ({@code OutputDirectory.MARKER} in the
   * simulator), the one unlisted file an artifact written by {@code firmsim export} holds.
   */
  public static final String OUTPUT_MARKER = ".firmsim-output";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ArtifactReader() {}

  /**
   * Opens and verifies the artifact in {@code dir}.
   *
   * @throws ArtifactException naming the file, when anything is missing, changed or unknown
   */
  public static Artifact open(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ArtifactException(
          root, Files.exists(root) ? "not a model artifact folder" : "no such artifact folder");
    }
    Path metaFile = root.resolve(ArtifactMetadata.FILE);
    ArtifactMetadata metadata = readMetadata(metaFile);
    ListedFiles.verify(root, ArtifactMetadata.FILE, metadata.files(), "an artifact");
    Path modelFile = root.resolve(ArtifactMetadata.MODEL_FILE);
    ModelSpec spec;
    try {
      spec = ModelSpecReader.read(modelFile);
    } catch (ModelSpecException e) {
      throw new ArtifactException(modelFile, "not a valid model: " + e.getMessage(), e);
    }
    verifyAgreement(metaFile, metadata, spec);
    return new Artifact(root, metadata, spec);
  }

  /** Reads the metadata, checking format, version and the presence of every field. */
  static ArtifactMetadata readMetadata(Path metaFile) {
    if (!Files.isRegularFile(metaFile)) {
      throw new ArtifactException(
          metaFile, "missing: a model artifact holds " + ArtifactMetadata.FILE + " at its root");
    }
    JsonNode tree;
    String text;
    try {
      text = Files.readString(metaFile, StandardCharsets.UTF_8);
      tree = ArtifactJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ArtifactException(metaFile, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (CharacterCodingException e) {
      throw new ArtifactException(metaFile, "not UTF-8 text", e);
    } catch (IOException e) {
      throw new ArtifactException(metaFile, "cannot read: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new ArtifactException(metaFile, "must hold a JSON object");
    }
    JsonNode format = tree.get("format");
    if (format == null || !ArtifactMetadata.FORMAT.equals(format.asText(null))) {
      throw new ArtifactException(
          metaFile,
          "format must be '"
              + ArtifactMetadata.FORMAT
              + "', found "
              + (format == null ? "none" : format.toString()));
    }
    JsonNode version = tree.get("formatVersion");
    if (version == null || !version.isIntegralNumber()) {
      throw new ArtifactException(metaFile, "'formatVersion' must be an integer");
    }
    if (version.asInt() != ArtifactMetadata.FORMAT_VERSION) {
      throw new ArtifactException(
          metaFile,
          "unsupported artifact format version "
              + version
              + " (this build reads "
              + ArtifactMetadata.FORMAT_VERSION
              + ")");
    }
    JsonNode checksum = tree.get("checksum");
    if (checksum == null || !checksum.isTextual() || !SHA256.matcher(checksum.asText()).matches()) {
      throw new ArtifactException(metaFile, "'checksum' must be a SHA-256 of 64 hex digits");
    }
    if (!checksum.asText().equals(ArtifactJson.expectedChecksum(text, checksum.asText()))) {
      throw new ArtifactException(
          metaFile, "changed: its content does not match its checksum " + checksum.asText());
    }
    ArtifactMetadata m;
    try {
      m = ArtifactJson.MAPPER.treeToValue(tree, ArtifactMetadata.class);
    } catch (JsonProcessingException e) {
      throw new ArtifactException(metaFile, "malformed metadata: " + e.getOriginalMessage(), e);
    }
    validate(metaFile, m);
    return m;
  }

  private static void validate(Path metaFile, ArtifactMetadata m) {
    require(metaFile, m.name() != null && !m.name().isEmpty(), "'name' is missing");
    require(metaFile, m.version() != null && !m.version().isEmpty(), "'version' is missing");
    require(metaFile, m.createdBy() != null, "'createdBy' is missing");
    require(metaFile, m.registries() != null, "'registries' is missing");
    require(metaFile, m.equations() != null, "'equations' is missing");
    require(metaFile, m.onnx() != null && m.onnx().graphs() != null, "'onnx.graphs' is missing");
    require(metaFile, m.djl() != null, "'djl' is missing");
    require(metaFile, m.files() != null, "'files' is missing");
    List<String> state = StateVariable.all().stream().map(Enum::name).toList();
    List<String> flows = FlowVariable.all().stream().map(Enum::name).toList();
    require(
        metaFile,
        state.equals(m.registries().state()) && flows.equals(m.registries().flows()),
        "the state and flow registries differ from this build's (the artifact was written for"
            + " another tensor layout): export its "
            + ArtifactMetadata.MODEL_FILE
            + " again with this build");
    require(metaFile, m.registries().uniforms() != null, "'registries.uniforms' is missing");
    Set<String> seen = new HashSet<>();
    for (ArtifactMetadata.FileEntry f : m.files()) {
      require(
          metaFile,
          f != null && ArtifactJson.validListedPath(f.path()),
          "file entry " + (f == null ? null : "'" + f.path() + "'") + " is not a plain path");
      require(metaFile, seen.add(f.path()), "file " + f.path() + " is listed twice");
      require(
          metaFile,
          f.bytes() >= 0 && f.sha256() != null && SHA256.matcher(f.sha256()).matches(),
          "file " + f.path() + " needs its size and a SHA-256 of 64 lower-case hex digits");
    }
    require(
        metaFile,
        seen.contains(ArtifactMetadata.MODEL_FILE),
        "lists no " + ArtifactMetadata.MODEL_FILE);
    require(
        metaFile,
        m.djl().parameterFile() != null && seen.contains(m.djl().parameterFile()),
        "the DJL parameter file " + m.djl().parameterFile() + " is not listed");
    for (ArtifactMetadata.Graph g : m.onnx().graphs()) {
      require(
          metaFile,
          g != null && g.file() != null && seen.contains(g.file()),
          "ONNX graph " + (g == null ? null : g.file()) + " is not listed");
    }
  }

  private static void verifyAgreement(Path metaFile, ArtifactMetadata m, ModelSpec spec) {
    JsonNode specProvenance = spec.provenance().orElse(null);
    JsonNode metaProvenance = m.provenance();
    require(
        metaFile,
        java.util.Objects.equals(specProvenance, metaProvenance),
        "its provenance differs from the one in " + ArtifactMetadata.MODEL_FILE);
    require(
        metaFile,
        m.equations().size() == spec.equations().size(),
        "lists "
            + m.equations().size()
            + " equations, "
            + ArtifactMetadata.MODEL_FILE
            + " has "
            + spec.equations().size());
    for (int i = 0; i < spec.equations().size(); i++) {
      EquationSpec e = spec.equations().get(i);
      ArtifactMetadata.EquationEntry entry = m.equations().get(i);
      require(
          metaFile,
          entry != null
              && entry.table() == e.table()
              && e.target().equals(entry.target())
              && e.method().name().equals(entry.method())
              && entry.features() != null,
          "equation "
              + (i + 1)
              + " differs from T"
              + e.table()
              + " ("
              + e.target()
              + ", "
              + e.method()
              + ") of "
              + ArtifactMetadata.MODEL_FILE);
    }
  }

  private static void require(Path file, boolean condition, String problem) {
    if (!condition) {
      throw new ArtifactException(file, problem);
    }
  }
}
