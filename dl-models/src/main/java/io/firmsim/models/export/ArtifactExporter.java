package io.firmsim.models.export;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.models.step.YearProgram;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactWriter;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the artifact of a model into a folder (a staging folder that the caller puts in place):
 *
 * <ul>
 *   <li>{@value ArtifactMetadata#MODEL_FILE}: the model with its provenance ({@link
 *       ModelSpecWriter});
 *   <li>{@value #DJL_PARAMETERS}: DJL's {@code Model.save} of a {@link FirmYearBlock} initialized
 *       in float64 (its parameters do not depend on the forward mode), with the {@code
 *       metadata_props} below as model properties;
 *   <li>for each requested dtype: {@code onnx/year-{sample|mean}-DTYPE.onnx} and {@code
 *       onnx/T{01..24}-{sample|mean}-DTYPE.onnx}, built by an {@link OnnxGraphs};
 *   <li>{@value ArtifactMetadata#FILE}, last ({@link ArtifactWriter}).
 * </ul>
 *
 * <p>Every graph carries the same {@code metadata_props} ({@link #metadataProps}) besides the keys
 * its graph exporter writes about the graph's own interface: the model's provenance, one key per
 * top-level provenance entry under {@value #PROVENANCE_PREFIX} (text as is, anything else as JSON),
 * the registries {@code firmsim.state} and {@code firmsim.flows} (comma-separated column names),
 * {@code firmsim.model.name}, {@code firmsim.model.version} and {@code firmsim.format.version} (the
 * artifact format version). {@code firmsim.uniforms} is left to the graph exporters: it names the
 * columns of each graph's own {@code uniforms} input (the year registry for a sample-mode year
 * graph, the block's columns for an equation graph, empty in mean mode), which one artifact-wide
 * value would mislabel.
 *
 * <p>Immutable and thread-safe when its {@link OnnxGraphs} is.
 */
public final class ArtifactExporter {
  /** The DJL parameter file of the year block, relative to the artifact root. */
  public static final String DJL_PARAMETERS = "djl/year-0000.params";

  /** The prefix of provenance keys in the graphs' {@code metadata_props}. */
  public static final String PROVENANCE_PREFIX = "firmsim.provenance.";

  private static final String DJL_DIR = "djl";
  private static final String DJL_NAME = "year";
  private static final String ONNX_DIR = "onnx";

  private final OnnxGraphs graphs;

  /**
   * @param graphs builds the ONNX graphs
   */
  public ArtifactExporter(OnnxGraphs graphs) {
    this.graphs = Objects.requireNonNull(graphs, "graphs");
  }

  /** The exporter with firmsim's own ONNX graphs ({@code io.firmsim.models.onnx}). */
  public static ArtifactExporter standard() {
    return new ArtifactExporter(new StandardOnnxGraphs());
  }

  /**
   * Writes the artifact.
   *
   * @param spec the model
   * @param name the artifact's name
   * @param version the artifact's version
   * @param dtypes the dtypes of the ONNX graphs, at least one
   * @param dir an existing, empty folder
   * @return the metadata written
   * @throws IOException when a file cannot be written
   */
  public ArtifactMetadata export(
      ModelSpec spec, String name, String version, Set<OnnxDType> dtypes, Path dir)
      throws IOException {
    Objects.requireNonNull(spec, "spec");
    if (dtypes.isEmpty()) {
      throw new IllegalArgumentException("at least one dtype is needed");
    }
    List<String> uniforms = uniformColumnNames(spec);
    Map<String, String> props = metadataProps(spec, name, version);
    List<String> files = new ArrayList<>();

    ModelSpecWriter.write(spec, dir.resolve(ArtifactMetadata.MODEL_FILE));
    files.add(ArtifactMetadata.MODEL_FILE);

    saveDjl(spec, props, dir.resolve(DJL_DIR));
    files.add(DJL_PARAMETERS);

    Files.createDirectories(dir.resolve(ONNX_DIR));
    List<ArtifactMetadata.Graph> graphEntries = new ArrayList<>();
    for (OnnxDType dtype : OnnxDType.values()) {
      if (!dtypes.contains(dtype)) {
        continue;
      }
      for (ForwardMode mode : ForwardMode.values()) {
        String file = onnxFile("year", mode, dtype);
        Files.write(dir.resolve(file), graphs.yearGraph(spec, mode, dtype, props));
        files.add(file);
        graphEntries.add(yearEntry(file, mode, dtype, uniforms.size()));
      }
      for (EquationSpec e : spec.equations()) {
        for (ForwardMode mode : ForwardMode.values()) {
          EquationBlock block = EquationBlock.of(e, mode);
          String file = onnxFile(String.format(Locale.ROOT, "T%02d", e.table()), mode, dtype);
          Files.write(dir.resolve(file), graphs.equationGraph(block, mode, dtype, props));
          files.add(file);
          graphEntries.add(equationEntry(file, block, mode, dtype));
        }
      }
    }

    List<ArtifactMetadata.EquationEntry> equations = new ArrayList<>();
    for (EquationSpec e : spec.equations()) {
      EquationBlock sample = EquationBlock.of(e, ForwardMode.SAMPLE);
      equations.add(
          new ArtifactMetadata.EquationEntry(
              e.table(),
              e.target(),
              e.method().name(),
              names(sample.features()),
              sample.uniformColumns()));
    }
    ArtifactMetadata metadata =
        ArtifactMetadata.of(
            name,
            version,
            BuildInfo.current().codeVersion(),
            spec.provenance().orElse(null),
            new ArtifactMetadata.Registries(stateNames(), flowNames(), uniforms),
            equations,
            new ArtifactMetadata.Onnx(graphs.opset(), graphs.irVersion(), graphEntries),
            new ArtifactMetadata.Djl(
                DJL_PARAMETERS, FirmYearBlock.class.getName(), dtypeLabel(DataType.FLOAT64)));
    return ArtifactWriter.write(dir, metadata, files);
  }

  /**
   * The {@code metadata_props} of every graph of an artifact (see the class comment), in a fixed
   * order.
   */
  public static Map<String, String> metadataProps(ModelSpec spec, String name, String version) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("firmsim.model.name", name);
    props.put("firmsim.model.version", version);
    props.put("firmsim.format.version", Integer.toString(ArtifactMetadata.FORMAT_VERSION));
    props.put("firmsim.state", String.join(",", stateNames()));
    props.put("firmsim.flows", String.join(",", flowNames()));
    spec.provenance()
        .ifPresent(
            p -> {
              for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                props.put(
                    PROVENANCE_PREFIX + e.getKey(), v.isTextual() ? v.asText() : v.toString());
              }
            });
    return props;
  }

  /**
   * The columns of the year's {@code uniforms} input in sample mode ({@link
   * YearProgram#uniformColumnNames()}): {@code T1 .. T24} (the equations' draws), then {@code
   * T<table>.<submodel>.noise} for each fitted level with residual noise.
   */
  public static List<String> uniformColumnNames(ModelSpec spec) {
    return new YearProgram(spec, ForwardMode.SAMPLE).uniformColumnNames();
  }

  private static void saveDjl(ModelSpec spec, Map<String, String> props, Path djlDir)
      throws IOException {
    try (Model model = Model.newInstance(DJL_NAME, Device.cpu(), "PyTorch")) {
      FirmYearBlock block = new FirmYearBlock(spec, ForwardMode.MEAN);
      model.setBlock(block);
      model.setDataType(DataType.FLOAT64);
      block.initialize(
          model.getNDManager(),
          DataType.FLOAT64,
          new Shape(1, StateVariable.count()),
          new Shape(2));
      props.forEach(model::setProperty);
      model.setProperty("Epoch", "0");
      model.save(djlDir, DJL_NAME);
    }
  }

  private static ArtifactMetadata.Graph yearEntry(
      String file, ForwardMode mode, OnnxDType dtype, int uniformColumns) {
    String t = dtype.label();
    List<ArtifactMetadata.TensorInfo> inputs = new ArrayList<>();
    inputs.add(tensor("state", t, "N", StateVariable.count()));
    if (mode == ForwardMode.SAMPLE) {
      inputs.add(tensor("uniforms", t, "N", uniformColumns));
    }
    inputs.add(tensor("macro", t, 2));
    List<ArtifactMetadata.TensorInfo> outputs =
        List.of(
            tensor("new_state", t, "N", StateVariable.count()),
            tensor("flows", t, "N", FlowVariable.count()),
            tensor("balance_gap", t, "N"));
    return new ArtifactMetadata.Graph(file, "year", null, label(mode), t, inputs, outputs);
  }

  private static ArtifactMetadata.Graph equationEntry(
      String file, EquationBlock block, ForwardMode mode, OnnxDType dtype) {
    String t = dtype.label();
    List<ArtifactMetadata.TensorInfo> inputs = new ArrayList<>();
    inputs.add(tensor("features", t, "N", block.features().size()));
    int s = block.uniformColumns(); // 0 in mean mode
    if (s > 0) {
      inputs.add(tensor("uniforms", t, "N", s));
    }
    return new ArtifactMetadata.Graph(
        file,
        "equation",
        block.spec().table(),
        label(mode),
        t,
        inputs,
        List.of(tensor("value", t, "N")));
  }

  private static ArtifactMetadata.TensorInfo tensor(String name, String dtype, Object... shape) {
    return new ArtifactMetadata.TensorInfo(name, List.of(shape), dtype);
  }

  private static String onnxFile(String stem, ForwardMode mode, OnnxDType dtype) {
    return ONNX_DIR + "/" + stem + "-" + label(mode) + "-" + dtype.label() + ".onnx";
  }

  private static String label(ForwardMode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  private static String dtypeLabel(DataType type) {
    return type == DataType.FLOAT64 ? "float64" : type.name().toLowerCase(Locale.ROOT);
  }

  private static List<String> names(List<Feature> features) {
    return features.stream().map(Feature::name).toList();
  }

  private static List<String> stateNames() {
    return StateVariable.all().stream().map(Enum::name).toList();
  }

  private static List<String> flowNames() {
    return FlowVariable.all().stream().map(Enum::name).toList();
  }
}
