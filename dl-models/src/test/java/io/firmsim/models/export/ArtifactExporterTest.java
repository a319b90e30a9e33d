package io.firmsim.models.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter writes a complete, verifiable artifact: the model with its provenance, DJL
 * parameters that load into a fresh {@link FirmYearBlock} with the values it computes itself, one
 * graph per equation, mode and dtype plus the year graphs (here from a recording stand-in for the
 * graph builder), each given the same metadata props, and metadata that describes them.
 */
class ArtifactExporterTest {
  @TempDir Path tmp;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Records each call and returns its description as the graph's bytes. */
  static final class RecordingGraphs implements OnnxGraphs {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<Map<String, String>> props = Collections.synchronizedList(new ArrayList<>());

    @Override
    public int opset() {
      return 17;
    }

    @Override
    public int irVersion() {
      return 8;
    }

    @Override
    public byte[] yearGraph(
        ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps) {
      return record("year " + mode + " " + dtype, metadataProps);
    }

    @Override
    public byte[] equationGraph(
        EquationBlock block, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps) {
      assertEquals(mode, block.mode());
      return record("T" + block.spec().table() + " " + mode + " " + dtype, metadataProps);
    }

    private byte[] record(String call, Map<String, String> metadataProps) {
      calls.add(call);
      props.add(Map.copyOf(metadataProps));
      return call.getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * The paper model with a provenance block and residual noise on two levels: T2 (MUNO, which also
   * draws) and T7 (HS, which does not).
   */
  static ModelSpec trainedLikeSpec() {
    ObjectNode json = ModelSpecWriter.toJson(PaperModel.load());
    ObjectNode p = json.putObject("provenance");
    p.put("trainer", "fit-model");
    p.put("seed", 3);
    p.putObject("data").put("sha256", "cd".repeat(32)).put("rows", 5000);
    for (JsonNode e : json.get("equations")) {
      int table = e.get("table").asInt();
      String level = table == 2 ? "level_neg" : table == 7 ? "level" : null;
      if (level != null) {
        ((ObjectNode) e.at("/submodels/" + level))
            .putObject("residuals")
            .putObject("johnsonSu")
            .put("xi", 0.1)
            .put("lambda", 0.5)
            .put("gamma", 0.2)
            .put("delta", 1.5);
      }
    }
    return ModelSpecReader.parse(json, "trained-like spec");
  }

  @Test
  void writesACompleteArtifactThatVerifiesAndKeepsTheProvenance() throws IOException {
    ModelSpec spec = trainedLikeSpec();
    RecordingGraphs graphs = new RecordingGraphs();
    Path dir = Files.createDirectory(tmp.resolve("art"));
    ArtifactMetadata written =
        new ArtifactExporter(graphs)
            .export(spec, "small", "2", EnumSet.allOf(OnnxDType.class), dir);

    Artifact a = ArtifactReader.open(dir);
    assertEquals(written, a.metadata());
    assertEquals(spec.provenance(), a.provenance());
    assertEquals(spec.provenance().orElseThrow(), a.metadata().provenance());
    assertArrayEquals(ModelSpecWriter.bytes(spec), ModelSpecWriter.bytes(a.spec()));

    // 2 dtypes x 2 modes x (year + 24 equations), one call each, every file as its call made it
    assertEquals(2 * 2 * 25, graphs.calls.size());
    assertEquals(2 * 2 * 25 + 2, a.metadata().files().size());
    for (ArtifactMetadata.Graph g : a.metadata().onnx().graphs()) {
      String expected =
          (g.kind().equals("year") ? "year" : "T" + g.table())
              + " "
              + g.mode().toUpperCase()
              + " "
              + g.dtype().toUpperCase();
      assertEquals(expected, Files.readString(a.file(g.file())), g.file());
      String stem = g.kind().equals("year") ? "year" : String.format("T%02d", g.table());
      assertEquals("onnx/" + stem + "-" + g.mode() + "-" + g.dtype() + ".onnx", g.file());
    }
    assertTrue(Files.isRegularFile(dir.resolve("onnx/T24-sample-float32.onnx")));
    assertTrue(Files.isRegularFile(dir.resolve("onnx/year-mean-float64.onnx")));
    assertEquals(17, a.metadata().onnx().opset());
    assertEquals(8, a.metadata().onnx().irVersion());
  }

  @Test
  void everyGraphGetsTheProvenanceAndRegistriesAsMetadataProps() throws IOException {
    ModelSpec spec = trainedLikeSpec();
    RecordingGraphs graphs = new RecordingGraphs();
    Path dir = Files.createDirectory(tmp.resolve("art"));
    new ArtifactExporter(graphs).export(spec, "small", "2", EnumSet.of(OnnxDType.FLOAT64), dir);
    assertEquals(2 * 25, graphs.props.size());
    Map<String, String> first = graphs.props.get(0);
    for (Map<String, String> p : graphs.props) {
      assertEquals(first, p);
    }
    assertEquals("small", first.get("firmsim.model.name"));
    assertEquals("2", first.get("firmsim.model.version"));
    assertEquals("1", first.get("firmsim.format.version"));
    assertEquals(
        String.join(",", StateVariable.all().stream().map(Enum::name).toList()),
        first.get("firmsim.state"));
    assertEquals(
        String.join(",", FlowVariable.all().stream().map(Enum::name).toList()),
        first.get("firmsim.flows"));
    // each graph's own uniforms are described by its graph exporter, not overridden here
    assertFalse(first.containsKey("firmsim.uniforms"));
    // The provenance comes back from the props, key by key.
    JsonNode provenance = spec.provenance().orElseThrow();
    ObjectNode rebuilt = MAPPER.createObjectNode();
    for (Map.Entry<String, String> e : first.entrySet()) {
      if (e.getKey().startsWith(ArtifactExporter.PROVENANCE_PREFIX)) {
        String key = e.getKey().substring(ArtifactExporter.PROVENANCE_PREFIX.length());
        JsonNode original = provenance.get(key);
        rebuilt.set(
            key, original.isTextual() ? MAPPER.getNodeFactory().textNode(e.getValue()) : read(e));
      }
    }
    assertEquals(provenance, rebuilt);
  }

  @Test
  void metadataDescribesRegistriesEquationsAndGraphInputs() throws IOException {
    ModelSpec spec = trainedLikeSpec();
    Path dir = Files.createDirectory(tmp.resolve("art"));
    ArtifactMetadata m =
        new ArtifactExporter(new RecordingGraphs())
            .export(spec, "small", "2", EnumSet.of(OnnxDType.FLOAT32), dir);
    List<String> uniforms = new ArrayList<>();
    IntStream.rangeClosed(1, 24).forEach(t -> uniforms.add("T" + t));
    uniforms.add("T2.level_neg.noise");
    uniforms.add("T7.level.noise");
    assertEquals(uniforms, m.registries().uniforms());
    FirmYearBlock year = new FirmYearBlock(spec, ForwardMode.SAMPLE);
    assertEquals(year.uniformColumns(), uniforms.size());
    for (ArtifactMetadata.EquationEntry e : m.equations()) {
      EquationBlock b = EquationBlock.of(spec.equations().get(e.table() - 1), ForwardMode.MEAN);
      assertEquals(b.features().stream().map(Enum::name).toList(), e.features());
    }
    // MUNO draws and has one noisy level; HS never draws; TOBIT draws.
    assertEquals(2, m.equations().get(1).uniformColumns());
    assertEquals(1, m.equations().get(6).uniformColumns());
    assertEquals(0, m.equations().get(8).uniformColumns());
    assertEquals(1, m.equations().get(2).uniformColumns());
    for (ArtifactMetadata.Graph g : m.onnx().graphs()) {
      assertEquals("float32", g.dtype());
      List<String> inputs = g.inputs().stream().map(ArtifactMetadata.TensorInfo::name).toList();
      if (g.kind().equals("year")) {
        assertEquals(
            g.mode().equals("sample")
                ? List.of("state", "uniforms", "macro")
                : List.of("state", "macro"),
            inputs);
        assertEquals(
            List.of("new_state", "flows", "balance_gap"),
            g.outputs().stream().map(ArtifactMetadata.TensorInfo::name).toList());
        if (g.mode().equals("sample")) {
          assertEquals(List.of("N", uniforms.size()), g.inputs().get(1).shape());
        }
      } else {
        ArtifactMetadata.EquationEntry e = m.equations().get(g.table() - 1);
        assertEquals(List.of("N", e.features().size()), g.inputs().get(0).shape());
        boolean uniformsIn = g.mode().equals("sample") && e.uniformColumns() > 0;
        assertEquals(uniformsIn ? 2 : 1, inputs.size(), g.file());
        assertEquals(List.of("N"), g.outputs().get(0).shape());
      }
    }
  }

  @Test
  void djlParametersLoadIntoAFreshBlockWithTheirValuesAndProperties()
      throws IOException, MalformedModelException {
    ModelSpec spec = trainedLikeSpec();
    Path dir = Files.createDirectory(tmp.resolve("art"));
    new ArtifactExporter(new RecordingGraphs())
        .export(spec, "small", "2", EnumSet.of(OnnxDType.FLOAT64), dir);
    assertTrue(Files.isRegularFile(dir.resolve(ArtifactExporter.DJL_PARAMETERS)));
    try (Model loaded = Model.newInstance("year", Device.cpu(), "PyTorch");
        Model fresh = Model.newInstance("year", Device.cpu(), "PyTorch")) {
      FirmYearBlock block = new FirmYearBlock(spec, ForwardMode.SAMPLE);
      loaded.setBlock(block);
      loaded.load(dir.resolve("djl"), "year");
      assertEquals("3", loaded.getProperty("firmsim.provenance.seed"));
      assertEquals("small", loaded.getProperty("firmsim.model.name"));
      assertEquals(DataType.FLOAT64, loaded.getDataType());
      // The values a block computes itself from the spec.
      FirmYearBlock reference = new FirmYearBlock(spec, ForwardMode.MEAN);
      fresh.setBlock(reference);
      reference.initialize(
          fresh.getNDManager(),
          DataType.FLOAT64,
          new Shape(1, StateVariable.count()),
          new Shape(2));
      Iterator<Pair<String, Parameter>> expected = reference.getParameters().iterator();
      int compared = 0;
      for (Pair<String, Parameter> p : block.getParameters()) {
        Pair<String, Parameter> q = expected.next();
        assertEquals(q.getKey(), p.getKey());
        NDArray a = p.getValue().getArray();
        NDArray b = q.getValue().getArray();
        assertEquals(DataType.FLOAT64, a.getDataType(), p.getKey());
        assertArrayEquals(b.toDoubleArray(), a.toDoubleArray(), 0.0, p.getKey());
        compared++;
      }
      assertTrue(compared > 24, "compared only " + compared + " parameters");
    }
  }

  @Test
  void theServiceBuildsTheArtifactTheRepositoryFinds() throws IOException {
    // The ArtifactBuilder service is registered for ServiceLoader.
    assertTrue(
        java.util.ServiceLoader.load(io.firmsim.zoo.artifact.ArtifactBuilder.class)
            .findFirst()
            .map(b -> b instanceof ServiceArtifactBuilder)
            .orElse(false));
  }

  private static JsonNode read(Map.Entry<String, String> e) {
    try {
      return MAPPER.readTree(e.getValue());
    } catch (IOException x) {
      throw new AssertionError(e.getKey() + " is not JSON: " + e.getValue(), x);
    }
  }

  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
