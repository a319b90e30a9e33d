package io.firmsim.models.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OnnxGraphBuilder;
import io.firmsim.models.onnx.OnnxModelCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TrajectoryEncoder} as an ONNX graph (opset {@value OnnxGraphBuilder#OPSET}), so
 * embeddings can be computed with ONNX Runtime without DJL; DJL cannot export ONNX, so the graph is
 * written operator by operator following the encoder's forward pass: Reshape {@code x [N, k, f]} to
 * {@code [N, k f]}, then three MatMul + Add, the first two followed by Tanh.
 *
 * <p>Input {@code x [N, k, f]}, output {@code embedding [N, d]}, every value in the chosen {@link
 * OnnxDType}; the encoder's current parameters become initializers (weights transposed to {@code
 * [in, out]}), rounded to the dtype. The hyperparameters are written to {@code metadata_props}
 * under {@code firmsim.*} keys (the caller's value wins on a clash).
 *
 * <p>Stateless; thread-safe as long as the encoder is not being trained meanwhile.
 */
public final class TrajectoryGraphExporter {
  /** The graph's input name. */
  public static final String INPUT = "x";

  /** The graph's output name. */
  public static final String OUTPUT = "embedding";

  private TrajectoryGraphExporter() {}

  /**
   * The graph of an initialized encoder.
   *
   * @param encoder the encoder, initialized (and usually trained)
   * @param dtype the type of every value of the graph
   * @param metadataProps extra {@code metadata_props}, added after the {@code firmsim.*} keys
   * @return the bytes of an {@code .onnx} file, checked by {@link OnnxModelCheck}
   * @throws IllegalStateException if the encoder is not initialized
   */
  public static byte[] export(
      TrajectoryEncoder encoder, OnnxDType dtype, Map<String, String> metadataProps) {
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(metadataProps, "metadataProps");
    if (!encoder.isInitialized()) {
      throw new IllegalStateException("initialize the trajectory encoder before exporting it");
    }
    int k = encoder.window();
    int f = encoder.features();
    OnnxGraphBuilder g = new OnnxGraphBuilder("trajectory_encoder", dtype);
    String x = g.input(INPUT, "N", k, f);
    String h = g.node("Reshape", List.of(x, g.int64s(-1, (long) k * f)));
    List<Linear> layers = encoder.layers();
    String[] names = {"hidden1", "hidden2", "embedding"};
    for (int i = 0; i < layers.size(); i++) {
      h = dense(g, h, layers.get(i), names[i] + "_");
      if (i < layers.size() - 1) {
        h = g.node("Tanh", List.of(h));
      }
    }
    g.output(OUTPUT, h, "N", encoder.embedding());
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("firmsim.graph", "embed.trajectory-encoder");
    meta.put("firmsim.dtype", dtype.label());
    meta.put("firmsim.window", Integer.toString(k));
    meta.put("firmsim.features", Integer.toString(f));
    meta.put("firmsim.embedding", Integer.toString(encoder.embedding()));
    meta.put("firmsim.hidden", Integer.toString(encoder.hidden()));
    meta.put("firmsim.seed", Long.toString(encoder.seed()));
    meta.putAll(metadataProps);
    byte[] model = g.toBytes(meta);
    OnnxModelCheck.verify(model);
    return model;
  }

  /** {@code h W^T + b} of a DJL {@code Linear} (weight {@code [out, in]}, bias {@code [out]}). */
  private static String dense(OnnxGraphBuilder g, String h, Linear layer, String prefix) {
    NDArray w = parameter(layer, "weight");
    NDArray b = parameter(layer, "bias");
    int rows = Math.toIntExact(w.getShape().get(0));
    int cols = Math.toIntExact(w.getShape().get(1));
    double[] values = doubles(w);
    double[] t = new double[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = values[r * cols + c];
      }
    }
    String weightT = g.initializer(prefix + "weight_t", t, cols, rows);
    String bias = g.initializer(prefix + "bias", doubles(b), rows);
    return g.node("Add", List.of(g.node("MatMul", List.of(h, weightT)), bias));
  }

  private static NDArray parameter(Linear layer, String name) {
    Parameter p = layer.getParameters().get(name);
    if (p == null || !p.isInitialized()) {
      throw new IllegalStateException("the encoder's layer has no initialized " + name);
    }
    return p.getArray();
  }

  private static double[] doubles(NDArray a) {
    if (a.getDataType() == DataType.FLOAT64) {
      return a.toDoubleArray();
    }
    if (a.getDataType() != DataType.FLOAT32) {
      throw new IllegalStateException("parameter of type " + a.getDataType());
    }
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
