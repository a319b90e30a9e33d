package io.firmsim.models.onnx;

import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One behavioural equation as an ONNX graph: the computation of {@link EquationBlock}'s DJL forward
 * recorded by running {@link EquationBlock#evaluate} on {@link GraphTensor}s.
 *
 * <p>Inputs: {@code features [N, k]} (columns {@link EquationBlock#features()}, k of them) and, in
 * sample mode when the equation reads any ({@code s = EquationBlock.uniformColumns() > 0}), {@code
 * uniforms [N, s]} (columns {@link EquationBlock#uniformColumnNames()}). Output: {@code value [N]}.
 * Initializers {@code weight [P, k]} and {@code bias [P, 1]} hold the predictor rows. Besides the
 * caller's metadata the model carries {@code firmsim.*} keys describing its interface (the caller's
 * value wins on a clash).
 *
 * <p>Stateless; thread-safe.
 */
public final class EquationGraphExporter {
  private EquationGraphExporter() {}

  /** The graph of an equation of a model spec. */
  public static byte[] export(
      EquationSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> metadataProps) {
    return export(EquationBlock.of(spec, mode), dtype, metadataProps);
  }

  /** The graph of an equation block, in the block's own forward mode. */
  public static byte[] export(
      EquationBlock block, OnnxDType dtype, Map<String, String> metadataProps) {
    int k = block.features().size();
    int p = block.predictors().size();
    int s = block.uniformColumns();
    OnnxGraphBuilder g = new OnnxGraphBuilder("T" + block.spec().table(), dtype);
    GraphTensor features = GraphTensor.of(g, g.input("features", "N", k));
    GraphTensor uniforms = s > 0 ? GraphTensor.of(g, g.input("uniforms", "N", s)) : null;

    double[][] w = block.predictorWeights(block.features());
    double[] flat = new double[p * k];
    double[] bias = new double[p];
    for (int r = 0; r < p; r++) {
      System.arraycopy(w[r], 0, flat, r * k, k);
      bias[r] = block.predictors().get(r).bias();
    }
    // eta [P, N] = weight [P, k] x features^T [k, N] + bias [P, 1], as the DJL block computes it.
    String weight = g.initializer("weight", flat, p, k);
    String biasColumn = g.initializer("bias", bias, p, 1);
    String xt =
        g.node(
            "Transpose",
            List.of(features.name()),
            OnnxGraphBuilder.attr("perm", new long[] {1, 0}));
    String product = g.node("MatMul", List.of(weight, xt));
    GraphTensor eta = GraphTensor.of(g, g.node("Add", List.of(product, biasColumn)));
    List<Tensor> rows = new ArrayList<>(p);
    for (int r = 0; r < p; r++) {
      rows.add(eta.row(r));
    }
    List<Tensor> u = new ArrayList<>(s);
    if (s > 0) {
      GraphTensor ut =
          GraphTensor.of(
              g,
              g.node(
                  "Transpose",
                  List.of(uniforms.name()),
                  OnnxGraphBuilder.attr("perm", new long[] {1, 0})));
      for (int c = 0; c < s; c++) {
        u.add(ut.row(c));
      }
    }
    Tensor value = block.evaluate(rows, u);
    g.output("value", ((GraphTensor) value).name(), "N");

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("firmsim.graph", "equation");
    meta.put("firmsim.table", Integer.toString(block.spec().table()));
    meta.put("firmsim.method", block.spec().method().name());
    meta.put("firmsim.mode", block.mode().name().toLowerCase());
    meta.put("firmsim.dtype", dtype.label());
    meta.put(
        "firmsim.features",
        block.features().stream().map(Feature::name).collect(Collectors.joining(",")));
    meta.put("firmsim.uniforms", String.join(",", block.uniformColumnNames()));
    meta.putAll(metadataProps);
    byte[] model = g.toBytes(meta);
    OnnxModelCheck.verify(model);
    return model;
  }
}
