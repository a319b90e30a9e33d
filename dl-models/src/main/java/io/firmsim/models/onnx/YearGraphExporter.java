package io.firmsim.models.onnx;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.step.AlignedSubmodel;
import io.firmsim.models.step.Lever;
import io.firmsim.models.step.PredictorProducts;
import io.firmsim.models.step.YearProgram;
import io.firmsim.models.step.YearValues;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole simulation year as one ONNX graph: {@link YearProgram#run} recorded on {@link
 * GraphTensor}s, so the graph is the computation of {@code FirmYearBlock} by construction.
 *
 * <p>Inputs: {@code state [N, S]} (S = {@link StateVariable#count()}, columns in registry order),
 * in sample mode {@code uniforms [N, U]} (U = {@link YearProgram#uniformColumns()}, columns {@link
 * YearProgram#uniformColumnNames()}), and {@code macro [2]} (dgnp, realr). Outputs: {@code
 * new_state [N, S]}, {@code flows [N, F]} (F = {@link FlowVariable#count()}) and {@code balance_gap
 * [N]}. With levers, the input {@code levers [N, L]} ({@link Lever}); with aligned submodels
 * ({@link AlignedSubmodel}, {@link io.firmsim.models.step.Alignment}), the inputs {@code
 * align_targets [A]} (the year's target rate per aligned submodel, in the order of the metadata key
 * {@code firmsim.aligned}; NaN or negative: not aligned this year) and {@code weights [N]} (firm
 * weights, 0 for padding; N a multiple of 512 or ONNX Runtime refuses the per-tile Reshape), and
 * the output {@code aligned_prob [N, A]} (the probabilities used after alignment). Input order:
 * {@code state, uniforms, macro, levers, align_targets, weights}, each present as configured; the
 * metadata key {@code firmsim.inputs} lists them. Initializers: {@code lagged_weight [R, K]},
 * {@code macro_weight [R, 2]}, {@code bias [R]} and {@code depth{d}_weight [R_d, K_d]}.
 *
 * <p>Layout, for speed at a million rows: the state (and uniforms) are transposed once to {@code
 * [S, N]} so that each column is a contiguous Gather; the lagged features are computed once and
 * enter one MatMul for all predictor rows, each depth's current-year features one more; the outputs
 * are stacked along axis 0 and transposed back once. Columns the year does not read are pruned from
 * the graph.
 *
 * <p>Stateless; thread-safe.
 */
public final class YearGraphExporter {
  private static final long[] TRANSPOSE = {1, 0};

  private YearGraphExporter() {}

  /**
   * The year graph of a model.
   *
   * @param metadataProps written into the model's {@code metadata_props} after the {@code
   *     firmsim.*} keys describing the interface (the caller's value wins on a clash)
   */
  public static byte[] export(
      ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps) {
    return export(spec, mode, dtype, metadataProps, false);
  }

  /**
   * The year graph of a model, with an extra input {@code levers [N, Lever.count()]} (stress
   * scenario levers, {@link Lever}) when {@code withLevers}.
   */
  public static byte[] export(
      ModelSpec spec,
      ForwardMode mode,
      OnnxDType dtype,
      Map<String, String> metadataProps,
      boolean withLevers) {
    return export(spec, mode, dtype, metadataProps, withLevers, List.of());
  }

  /**
   * The year graph of a model, with levers when {@code withLevers} and the inputs {@code
   * align_targets [A]} and {@code weights [N]} and output {@code aligned_prob [N, A]} when {@code
   * aligned} is not empty (without, the graph is the one without alignment).
   *
   * @throws IllegalArgumentException naming a submodel that cannot be aligned
   */
  public static byte[] export(
      ModelSpec spec,
      ForwardMode mode,
      OnnxDType dtype,
      Map<String, String> metadataProps,
      boolean withLevers,
      List<AlignedSubmodel> aligned) {
    YearProgram program = new YearProgram(spec, mode, aligned);
    int a = aligned.size();
    int s = StateVariable.count();
    int u = program.uniformColumns();
    OnnxGraphBuilder g = new OnnxGraphBuilder("year", dtype);
    String state = g.input("state", "N", s);
    String uniforms = mode == ForwardMode.SAMPLE ? g.input("uniforms", "N", u) : null;
    String macro = g.input("macro", 2);
    String leverInput = withLevers ? g.input("levers", "N", Lever.count()) : null;
    String targetInput = a > 0 ? g.input("align_targets", a) : null;
    String weightInput = a > 0 ? g.input("weights", "N") : null;

    GraphTensor stateT = transpose(g, state);
    Tensor[] columns = new Tensor[s];
    for (int i = 0; i < s; i++) {
      columns[i] = stateT.row(i);
    }
    Tensor[] draws = null;
    if (uniforms != null) {
      GraphTensor uniformsT = transpose(g, uniforms);
      boolean[] read = program.readsUniform();
      draws = new Tensor[u];
      for (int c = 0; c < u; c++) {
        draws[c] = read[c] ? uniformsT.row(c) : null;
      }
    }

    Tensor[] levers = null;
    if (leverInput != null) {
      GraphTensor leversT = transpose(g, leverInput);
      levers = new Tensor[Lever.count()];
      for (int i = 0; i < levers.length; i++) {
        levers[i] = leversT.row(i);
      }
    }
    Tensor[] targets = null;
    Tensor weights = null;
    if (a > 0) {
      GraphTensor t = GraphTensor.of(g, targetInput);
      targets = new Tensor[a];
      for (int i = 0; i < a; i++) {
        targets[i] = t.row(i);
      }
      weights = GraphTensor.of(g, weightInput);
    }
    YearValues y =
        program.run(new Products(g, program, macro), columns, draws, levers, targets, weights);

    g.output("new_state", stackColumns(g, y.next()), "N", s);
    g.output("flows", stackColumns(g, y.flows()), "N", FlowVariable.count());
    g.output("balance_gap", ((GraphTensor) y.gap()).name(), "N");
    if (a > 0) {
      g.output("aligned_prob", stackColumns(g, y.aligned()), "N", a);
    }

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("firmsim.graph", "year");
    meta.put("firmsim.mode", mode.name().toLowerCase());
    meta.put("firmsim.dtype", dtype.label());
    meta.put(
        "firmsim.state",
        StateVariable.all().stream().map(Enum::name).collect(Collectors.joining(",")));
    meta.put(
        "firmsim.flows",
        FlowVariable.all().stream().map(Enum::name).collect(Collectors.joining(",")));
    meta.put("firmsim.macro", "dgnp,realr");
    if (withLevers) {
      meta.put(
          "firmsim.levers", Lever.all().stream().map(Enum::name).collect(Collectors.joining(",")));
    }
    if (a > 0) {
      // Only with alignment, so that the graphs without it keep their bytes.
      meta.put(
          "firmsim.aligned",
          aligned.stream().map(AlignedSubmodel::label).collect(Collectors.joining(",")));
      String inputs =
          "state"
              + (mode == ForwardMode.SAMPLE ? ",uniforms" : "")
              + ",macro"
              + (withLevers ? ",levers" : "")
              + ",align_targets,weights";
      meta.put("firmsim.inputs", inputs);
    }
    meta.put(
        "firmsim.uniforms",
        mode == ForwardMode.SAMPLE ? String.join(",", program.uniformColumnNames()) : "");
    meta.putAll(metadataProps);
    byte[] model = g.toBytes(meta);
    OnnxModelCheck.verify(model);
    return model;
  }

  private static GraphTensor transpose(OnnxGraphBuilder g, String value) {
    return GraphTensor.of(
        g, g.node("Transpose", List.of(value), OnnxGraphBuilder.attr("perm", TRANSPOSE)));
  }

  /** {@code [N, C]} from C columns {@code [N]}: stacked to {@code [C, N]}, transposed once. */
  private static String stackColumns(OnnxGraphBuilder g, Tensor[] columns) {
    GraphTensor rows = GraphTensor.stackRows(g, Arrays.asList(columns));
    return transpose(g, rows.name()).name();
  }

  /** The predictor products as initializers and one MatMul each. */
  private static final class Products implements PredictorProducts {
    private final OnnxGraphBuilder g;
    private final YearProgram program;
    private final String macro;

    Products(OnnxGraphBuilder g, YearProgram program, String macro) {
      this.g = g;
      this.program = program;
      this.macro = macro;
    }

    @Override
    public Tensor lagged(List<Tensor> features) {
      double[][] wl = program.laggedWeights();
      int r = wl.length;
      String weight = g.initializer("lagged_weight", flatten(wl), r, features.size());
      String macroWeight = g.initializer("macro_weight", flatten(program.macroWeights()), r, 2);
      String bias = g.initializer("bias", program.bias(), r);
      // Per-row constant: macro_weight x macro + bias, [R] -> [R, 1].
      String rowConstant =
          g.node("Add", List.of(g.node("MatMul", List.of(macroWeight, macro)), bias));
      String column = g.node("Unsqueeze", List.of(rowConstant, g.int64s(1)));
      String product = g.node("MatMul", List.of(weight, GraphTensor.stackRows(g, features).name()));
      return GraphTensor.of(g, g.node("Add", List.of(product, column)));
    }

    @Override
    public Tensor current(int depth, List<Tensor> features) {
      double[][] w = program.depthWeights(depth);
      String weight =
          g.initializer("depth" + depth + "_weight", flatten(w), w.length, features.size());
      return GraphTensor.of(
          g, g.node("MatMul", List.of(weight, GraphTensor.stackRows(g, features).name())));
    }

    private static double[] flatten(double[][] rows) {
      int cols = rows.length == 0 ? 0 : rows[0].length;
      double[] flat = new double[rows.length * cols];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(rows[i], 0, flat, i * cols, cols);
      }
      return flat;
    }
  }
}
