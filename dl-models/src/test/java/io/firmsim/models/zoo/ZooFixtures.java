package io.firmsim.models.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.export.OnnxGraphs;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.YearGraphExporter;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Artifacts, populations and a direct {@link FirmYearBlock} forward for the zoo tests. */
final class ZooFixtures {
  static final int S = StateVariable.count();

  private ZooFixtures() {}

  /**
   * The paper model with a provenance block and residual noise on two levels (T2 MUNO, T7 HS), as a
   * trained model has.
   */
  static ModelSpec trainedLikeSpec() {
    ObjectNode json = ModelSpecWriter.toJson(PaperModel.load());
    json.put("name", "trained");
    ObjectNode p = json.putObject("provenance");
    p.put("trainer", "train");
    p.put("seed", 11);
    p.putObject("data").put("sha256", "ab".repeat(32)).put("rows", 1234);
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

  /** Stand-in graphs: the artifact's ONNX files hold a description, not a graph. */
  static final class StubGraphs implements OnnxGraphs {
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
        ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> props) {
      return ("year " + mode + " " + dtype).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] equationGraph(
        EquationBlock block, ForwardMode mode, OnnxDType dtype, Map<String, String> props) {
      return ("T" + block.spec().table() + " " + mode + " " + dtype)
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * The real year graphs ({@link YearGraphExporter}); equation graphs are stand-ins, which the zoo
   * does not read (and which would take most of a test's time to build).
   */
  static final class YearGraphs implements OnnxGraphs {
    private final StubGraphs stub = new StubGraphs();

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
        ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> props) {
      return YearGraphExporter.export(spec, mode, dtype, props);
    }

    @Override
    public byte[] equationGraph(
        EquationBlock block, ForwardMode mode, OnnxDType dtype, Map<String, String> props) {
      return stub.equationGraph(block, mode, dtype, props);
    }
  }

  /** Exports {@code spec} as {@code root/name/version} with the given graphs, both dtypes. */
  static Path export(Path root, String name, String version, ModelSpec spec, OnnxGraphs graphs)
      throws IOException {
    return export(root, name, version, spec, graphs, EnumSet.allOf(OnnxDType.class));
  }

  /** Exports {@code spec} as {@code root/name/version} with the given graphs and dtypes. */
  static Path export(
      Path root,
      String name,
      String version,
      ModelSpec spec,
      OnnxGraphs graphs,
      Set<OnnxDType> dtypes)
      throws IOException {
    Path dir = root.resolve(name).resolve(version);
    Files.createDirectories(dir);
    new ArtifactExporter(graphs).export(spec, name, version, dtypes, dir);
    return dir;
  }

  /**
   * A population of {@code n} firms shaped like real ones: positive balance-sheet stocks of
   * different sizes, signed lagged flows, 0/1 characteristics, a market share and weight.
   */
  static double[] state(int n, long seed) {
    Random r = new Random(seed);
    double[] s = new double[n * S];
    for (int i = 0; i < n; i++) {
      double size = Math.exp(8 + 4 * r.nextDouble());
      for (StateVariable v : StateVariable.all()) {
        double x;
        switch (v.kind()) {
          case ASSET:
          case LIABILITY:
          case TAX_MEMO:
            x = r.nextDouble() < 0.2 ? 0 : size * r.nextDouble();
            break;
          case LAG_FLOW:
            x = size * 0.2 * r.nextGaussian();
            break;
          default:
            x =
                v == StateVariable.market || v == StateVariable.marketw
                    ? r.nextDouble() * 0.01
                    : r.nextInt(2);
        }
        s[i * S + v.ordinal()] = x;
      }
    }
    return s;
  }

  /** Uniform draws in (0, 1). */
  static double[] uniforms(int n, int columns, long seed) {
    Random r = new Random(seed);
    double[] u = new double[n * columns];
    for (int i = 0; i < u.length; i++) {
      u[i] = (r.nextInt(1 << 30) + 0.5) / (1 << 30);
    }
    return u;
  }

  /** The uniforms' width of the model in sample mode. */
  static int uniformColumns(ModelSpec spec) {
    return new FirmYearBlock(spec, ForwardMode.SAMPLE).uniformColumns();
  }

  /**
   * One year computed by a {@link FirmYearBlock} built from the spec (parameters from its own
   * initializers, not from any file): new state, flows, balance gap, as doubles.
   */
  static double[][] direct(
      ModelSpec spec,
      ForwardMode mode,
      DataType dtype,
      double[] state,
      double[] macro,
      double[] u) {
    int n = state.length / S;
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      FirmYearBlock block = new FirmYearBlock(spec, mode);
      block.initialize(m, dtype, new Shape(-1, S), new Shape(2));
      NDList in = inputs(m, dtype, state, macro, u, mode == ForwardMode.SAMPLE ? n : -1);
      NDList out = block.forward(new ParameterStore(m, false), in, false);
      return values(out);
    }
  }

  /** state, macro[, uniforms] in the dtype ({@code n < 0}: no uniforms). */
  static NDList inputs(
      NDManager m, DataType dtype, double[] state, double[] macro, double[] u, int n) {
    int firms = state.length / S;
    NDList in = new NDList(m.create(state, new Shape(firms, S)), m.create(macro, new Shape(2)));
    if (n >= 0) {
      in.add(m.create(u, new Shape(firms, u.length / firms)));
    }
    NDList typed = new NDList();
    for (NDArray a : in) {
      typed.add(dtype == DataType.FLOAT64 ? a : a.toType(dtype, false));
    }
    return typed;
  }

  /** The arrays as doubles. */
  static double[][] values(NDList out) {
    double[][] v = new double[out.size()][];
    for (int i = 0; i < out.size(); i++) {
      NDArray a = out.get(i);
      v[i] = a.getDataType() == DataType.FLOAT64 ? a.toDoubleArray() : widen(a.toFloatArray());
    }
    return v;
  }

  private static double[] widen(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
