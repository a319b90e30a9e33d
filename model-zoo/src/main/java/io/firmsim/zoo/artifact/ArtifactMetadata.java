package io.firmsim.zoo.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The content of an artifact's {@value #FILE}: what the artifact holds and how to use it without
 * firmsim (a service that loads the ONNX graphs reads the tensor names, shapes and dtypes here),
 * and the SHA-256 of every other file so that a changed byte is found before anything is loaded.
 *
 * <p>Format {@value #FORMAT}, version {@value #FORMAT_VERSION}. Fields: {@code name} and {@code
 * version} (the artifact's place in a repository, {@code NAME/VERSION}), {@code createdBy}
 * (firmsim's code version, {@link io.firmsim.zoo.BuildInfo#codeVersion()}), {@code provenance}
 * (copied from the model's {@code provenance} block; null for the paper model), {@code registries}
 * (the column names of the state, flow and uniform tensors, in order), {@code equations} (each
 * equation's feature order and uniform columns), {@code onnx} (opset, IR version and one entry per
 * graph), {@code djl} (the parameter file of the year block) and {@code files} (every file of the
 * artifact but this one, with size and SHA-256).
 *
 * <p>Class is immutable (records of lists copied on construction; the provenance tree is copied in
 * and out).
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion always {@value #FORMAT_VERSION} for what this build writes
 * @param name the model's name in a repository
 * @param version the model's version in a repository
 * @param createdBy firmsim's code version that wrote the artifact
 * @param provenance where the model came from (the model file's provenance block), or null
 * @param registries the tensor column names
 * @param equations the 24 equations in table order
 * @param onnx the ONNX graphs
 * @param djl the DJL parameter file
 * @param files every file but {@value #FILE}, sorted by path
 * @param checksum the SHA-256 of {@value #FILE}'s own bytes as written with this value replaced by
 *     64 zeros ({@link #CHECKSUM_PLACEHOLDER}), so a changed byte anywhere in the metadata is found
 *     too
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ArtifactMetadata(
    String format,
    int formatVersion,
    String name,
    String version,
    String createdBy,
    JsonNode provenance,
    Registries registries,
    List<EquationEntry> equations,
    Onnx onnx,
    Djl djl,
    List<FileEntry> files,
    String checksum) {

  /** The metadata file's name, at the artifact's root. */
  public static final String FILE = "metadata.json";

  /** The model file's name, at the artifact's root. */
  public static final String MODEL_FILE = "model.json";

  /** The value of {@code format}. */
  public static final String FORMAT = "firmsim-model-artifact";

  /** The format version this build writes and the only one it reads. */
  public static final int FORMAT_VERSION = 1;

  /** The value {@code checksum} holds while the metadata's own hash is computed. */
  public static final String CHECKSUM_PLACEHOLDER = "0".repeat(64);

  /** Copies the lists and the provenance tree. */
  public ArtifactMetadata {
    provenance = provenance == null || provenance.isNull() ? null : provenance.deepCopy();
    equations = equations == null ? null : List.copyOf(equations);
    files = files == null ? null : List.copyOf(files);
  }

  /** The provenance tree, as a copy (null when the model has none). */
  @Override
  public JsonNode provenance() {
    return provenance == null ? null : provenance.deepCopy();
  }

  /** Metadata of a new artifact, to be completed by {@link ArtifactWriter} (files and checksum). */
  public static ArtifactMetadata of(
      String name,
      String version,
      String createdBy,
      JsonNode provenance,
      Registries registries,
      List<EquationEntry> equations,
      Onnx onnx,
      Djl djl) {
    return new ArtifactMetadata(
        FORMAT,
        FORMAT_VERSION,
        name,
        version,
        createdBy,
        provenance,
        registries,
        equations,
        onnx,
        djl,
        List.of(),
        CHECKSUM_PLACEHOLDER);
  }

  /** This metadata with another file list and checksum. */
  public ArtifactMetadata withFiles(List<FileEntry> newFiles, String newChecksum) {
    return new ArtifactMetadata(
        format,
        formatVersion,
        name,
        version,
        createdBy,
        provenance,
        registries,
        equations,
        onnx,
        djl,
        newFiles,
        newChecksum);
  }

  /** The entry of a file, or null when the artifact does not list it. */
  public FileEntry file(String path) {
    return files == null
        ? null
        : files.stream().filter(f -> f.path().equals(path)).findFirst().orElse(null);
  }

  /**
   * The column names of the tensors a year reads and writes.
   *
   * @param state the columns of {@code state} and {@code new_state} ({@code StateVariable} order)
   * @param flows the columns of {@code flows} ({@code FlowVariable} order)
   * @param uniforms the columns of the year's {@code uniforms} input in sample mode
   */
  public record Registries(List<String> state, List<String> flows, List<String> uniforms) {
    /** Copies the lists. */
    public Registries {
      state = state == null ? null : List.copyOf(state);
      flows = flows == null ? null : List.copyOf(flows);
      uniforms = uniforms == null ? null : List.copyOf(uniforms);
    }
  }

  /**
   * One equation as its ONNX graph and DJL block see it.
   *
   * @param table the paper table, 1 to 24
   * @param target the variable it determines
   * @param method the estimation method (HS, TOBIT, LLG, LLN, MUNO, LSG)
   * @param features the columns of its {@code features} input, in order
   * @param uniformColumns the width of its {@code uniforms} input in sample mode (0: none)
   */
  public record EquationEntry(
      int table, String target, String method, List<String> features, int uniformColumns) {
    /** Copies the list. */
    public EquationEntry {
      features = features == null ? null : List.copyOf(features);
    }
  }

  /**
   * The ONNX graphs of the artifact.
   *
   * @param opset the ONNX operator set (default domain) every graph imports
   * @param irVersion the ONNX IR version of every file
   * @param graphs one entry per file
   */
  public record Onnx(int opset, int irVersion, List<Graph> graphs) {
    /** Copies the list. */
    public Onnx {
      graphs = graphs == null ? null : List.copyOf(graphs);
    }
  }

  /**
   * One ONNX graph.
   *
   * @param file its path in the artifact
   * @param kind {@code year} (the whole simulation year) or {@code equation} (one block)
   * @param table the equation's table for kind {@code equation}, null for {@code year}
   * @param mode {@code sample} or {@code mean}
   * @param dtype {@code float32} or {@code float64}
   * @param inputs the graph's inputs in order
   * @param outputs the graph's outputs in order
   */
  public record Graph(
      String file,
      String kind,
      Integer table,
      String mode,
      String dtype,
      List<TensorInfo> inputs,
      List<TensorInfo> outputs) {
    /** Copies the lists. */
    public Graph {
      inputs = inputs == null ? null : List.copyOf(inputs);
      outputs = outputs == null ? null : List.copyOf(outputs);
    }
  }

  /**
   * A graph input or output.
   *
   * @param name the tensor's name in the graph
   * @param shape its dimensions: the string {@code "N"} for the batch, an integer otherwise
   * @param dtype {@code float32} or {@code float64}
   */
  public record TensorInfo(String name, List<Object> shape, String dtype) {
    /** Copies the list. */
    public TensorInfo {
      shape = shape == null ? null : List.copyOf(shape);
    }
  }

  /**
   * The DJL parameters of the year block.
   *
   * @param parameterFile its path in the artifact (written by {@code Model.save})
   * @param blockClass the block class whose parameters it holds
   * @param dtype the dtype of the saved parameters
   */
  public record Djl(String parameterFile, String blockClass, String dtype) {}

  /**
   * One file of the artifact.
   *
   * @param path its path relative to the artifact root, with {@code /} separators
   * @param bytes its size
   * @param sha256 the SHA-256 of its content, lower-case hex
   */
  public record FileEntry(String path, long bytes, String sha256) {}
}
