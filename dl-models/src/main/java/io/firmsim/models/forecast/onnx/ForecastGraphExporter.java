package io.firmsim.models.forecast.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OnnxGraphBuilder;
import io.firmsim.models.onnx.OnnxModelCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The forecasters {@link NBeatsBlock} and {@link LstmForecaster} as ONNX graphs (opset {@value
 * OnnxGraphBuilder#OPSET}), so a trained forecaster runs in ONNX Runtime without DJL; DJL cannot
 * export ONNX, so the graphs are written operator by operator, following each block's forward pass
 * step for step.
 *
 * <p>Inputs {@code x [N, lookback]} and, for an LSTM with exogenous features, {@code exog [N,
 * lookback, k]}; output {@code forecast [N, horizon]}; every value in the chosen {@link OnnxDType}.
 * The block's current parameters (the trained ones after training with DJL's {@code Trainer} on one
 * device, where the block holds the trained arrays) become initializers, rounded to the dtype;
 * N-BEATS' fixed trend and seasonality bases become initializers too. The hyperparameters are
 * written to {@code metadata_props} under {@code firmsim.*} keys (the caller's value wins on a
 * clash).
 *
 * <p>Operators: MatMul, Add, Sub, Max (ReLU as {@code max(x, 0)}), Gather, Split, Neg, Exp,
 * Reciprocal, Tanh, Mul, Unsqueeze, Concat. The LSTM is unrolled over the lookback steps with the
 * sigmoid written out as {@code 1 / (1 + exp(-x))}, rather than ONNX's LSTM operator: ONNX
 * Runtime's CPU provider implements LSTM for float32 only (a float64 graph would not run), its gate
 * order (i, o, f, c) differs from DJL's (i, f, c, o), and the unrolled graph computes exactly the
 * operations of {@code LstmLayers}, so float64 results agree to rounding. ONNX Runtime's own
 * float64 Sigmoid is avoided for the reason given in {@link io.firmsim.models.onnx.GraphTensor}.
 *
 * <p>Stateless; thread-safe as long as the block is not being trained meanwhile.
 */
public final class ForecastGraphExporter {
  private ForecastGraphExporter() {}

  /**
   * The graph of an initialized N-BEATS block.
   *
   * @param block the block, initialized (and usually trained)
   * @param dtype the type of every value of the graph
   * @param metadataProps extra {@code metadata_props}, added after the {@code firmsim.*} keys
   * @return the bytes of an {@code .onnx} file, checked by {@link OnnxModelCheck}
   * @throws IllegalStateException if the block is not initialized
   */
  public static byte[] export(
      NBeatsBlock block, OnnxDType dtype, Map<String, String> metadataProps) {
    Objects.requireNonNull(block, "block");
    Objects.requireNonNull(metadataProps, "metadataProps");
    requireInitialized(block, "N-BEATS");
    int lookback = block.lookback();
    int horizon = block.horizon();
    List<StackConfig> stacks = block.stacks();
    OnnxGraphBuilder g = new OnnxGraphBuilder("nbeats", dtype);
    String x = g.input("x", "N", lookback);

    // The distinct blocks are the children of NBeatsBlock, in stack order.
    List<Block> distinct = new ArrayList<>();
    for (Pair<String, Block> child : block.getChildren()) {
      distinct.add(child.getValue());
    }
    String residual = x;
    String forecast = null;
    int next = 0;
    for (int s = 0; s < stacks.size(); s++) {
      StackConfig stack = stacks.get(s);
      List<Weights> stackBlocks = new ArrayList<>();
      for (int k = 0; k < stack.distinctBlocks(); k++) {
        String prefix = "s" + (s + 1) + "b" + (k + 1) + "_";
        stackBlocks.add(basisWeights(g, distinct.get(next++), stack, prefix, block, s));
      }
      String stackForecast = null;
      for (int k = 0; k < stack.blocks(); k++) {
        Weights w = stackBlocks.get(stack.sharedWeights() ? 0 : k);
        String h = residual;
        for (int i = 0; i < w.hidden.size(); i++) {
          h = g.node("Max", List.of(linear(g, h, w.hidden.get(i)), g.scalar(0)));
        }
        String thetaB = linear(g, h, w.thetaB);
        String thetaF = linear(g, h, w.thetaF);
        String backcast = linear(g, thetaB, w.basisB);
        String blockForecast = linear(g, thetaF, w.basisF);
        residual = g.node("Sub", List.of(residual, backcast));
        stackForecast =
            stackForecast == null
                ? blockForecast
                : g.node("Add", List.of(stackForecast, blockForecast));
      }
      forecast = forecast == null ? stackForecast : g.node("Add", List.of(forecast, stackForecast));
    }
    if (next != distinct.size()) {
      throw new IllegalStateException(
          "N-BEATS block has " + distinct.size() + " child blocks, its stacks name " + next);
    }
    g.output("forecast", forecast, "N", horizon);

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("firmsim.graph", "forecast.nbeats");
    meta.put("firmsim.dtype", dtype.label());
    meta.put("firmsim.lookback", Integer.toString(lookback));
    meta.put("firmsim.horizon", Integer.toString(horizon));
    meta.put(
        "firmsim.stacks",
        stacks.stream().map(StackConfig::toString).collect(Collectors.joining("; ")));
    meta.put("firmsim.seed", Long.toString(block.seed()));
    meta.putAll(metadataProps);
    byte[] model = g.toBytes(meta);
    OnnxModelCheck.verify(model);
    return model;
  }

  /**
   * The graph of an initialized LSTM forecaster.
   *
   * @param block the forecaster, initialized (and usually trained)
   * @param dtype the type of every value of the graph
   * @param metadataProps extra {@code metadata_props}, added after the {@code firmsim.*} keys
   * @return the bytes of an {@code .onnx} file, checked by {@link OnnxModelCheck}
   * @throws IllegalStateException if the block is not initialized
   */
  public static byte[] export(
      LstmForecaster block, OnnxDType dtype, Map<String, String> metadataProps) {
    Objects.requireNonNull(block, "block");
    Objects.requireNonNull(metadataProps, "metadataProps");
    requireInitialized(block, "LSTM forecaster");
    int lookback = block.lookback();
    int horizon = block.horizon();
    int hidden = block.hiddenSize();
    int k = block.exogenous();
    OnnxGraphBuilder g = new OnnxGraphBuilder("lstm", dtype);
    String x = g.input("x", "N", lookback);
    String exog = k > 0 ? g.input("exog", "N", lookback, k) : null;

    PairList<String, Block> children = block.getChildren();
    Block encoder = children.get(0).getValue();
    Block head = children.get(1).getValue();
    PairList<String, Parameter> encoderParams = encoder.getParameters();

    // steps [N, lookback, 1 + k]: the series value, then the exogenous features.
    String steps = g.node("Unsqueeze", List.of(x, g.int64s(2)));
    if (k > 0) {
      steps = g.node("Concat", List.of(steps, exog), OnnxGraphBuilder.attr("axis", 2L));
    }
    String h = null;
    for (int l = 0; l < block.layers(); l++) {
      String p = "l_" + l + "_";
      Matrix wi = values(encoderParams, p + "i2h_WEIGHT");
      Matrix wh = values(encoderParams, p + "h2h_WEIGHT");
      Matrix bi = values(encoderParams, p + "i2h_BIAS");
      Matrix bh = values(encoderParams, p + "h2h_BIAS");
      // As LstmLayers: xg = steps x wi^T + (bi + bh), the bias sum rounded to the dtype.
      double[] bias = new double[bi.values.length];
      for (int i = 0; i < bias.length; i++) {
        bias[i] = dtype.round(dtype.round(bi.values[i]) + dtype.round(bh.values[i]));
      }
      String wiT = g.initializer(p + "i2h_weight_t", wi.transposed(), wi.cols, wi.rows);
      String whT = g.initializer(p + "h2h_weight_t", wh.transposed(), wh.cols, wh.rows);
      String b = g.initializer(p + "bias", bias, bias.length);
      String xg = g.node("Add", List.of(g.node("MatMul", List.of(steps, wiT)), b));
      String c = null;
      List<String> outputs = new ArrayList<>();
      for (int t = 0; t < lookback; t++) {
        String gates =
            g.node("Gather", List.of(xg, g.int64Scalar(t)), OnnxGraphBuilder.attr("axis", 1L));
        if (t > 0) { // at t = 0 the hidden state is zero and adds nothing
          gates = g.node("Add", List.of(gates, g.node("MatMul", List.of(h, whT))));
        }
        List<String> split =
            g.nodeOutputs("Split", 4, List.of(gates), OnnxGraphBuilder.attr("axis", 1L));
        String i = sigmoid(g, split.get(0));
        String f = sigmoid(g, split.get(1));
        String z = g.node("Tanh", List.of(split.get(2)));
        String o = sigmoid(g, split.get(3));
        String iz = g.node("Mul", List.of(i, z));
        // At t = 0 the state is zero: f * 0 + i * z is i * z exactly.
        c = t == 0 ? iz : g.node("Add", List.of(g.node("Mul", List.of(f, c)), iz));
        h = g.node("Mul", List.of(o, g.node("Tanh", List.of(c))));
        if (l < block.layers() - 1) {
          outputs.add(g.node("Unsqueeze", List.of(h, g.int64s(1))));
        }
      }
      if (l < block.layers() - 1) {
        steps = g.node("Concat", outputs, OnnxGraphBuilder.attr("axis", 1L));
      }
    }
    Dense headWeights = dense(g, head, "head_", true);
    g.output("forecast", linear(g, h, headWeights), "N", horizon);

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("firmsim.graph", "forecast.lstm");
    meta.put("firmsim.dtype", dtype.label());
    meta.put("firmsim.lookback", Integer.toString(lookback));
    meta.put("firmsim.horizon", Integer.toString(horizon));
    meta.put("firmsim.hidden", Integer.toString(hidden));
    meta.put("firmsim.layers", Integer.toString(block.layers()));
    meta.put("firmsim.exogenous", Integer.toString(k));
    meta.put("firmsim.seed", Long.toString(block.seed()));
    meta.putAll(metadataProps);
    byte[] model = g.toBytes(meta);
    OnnxModelCheck.verify(model);
    return model;
  }

  // ------------------------------------------------------------------ helpers

  /** A dense layer's weight, transposed to {@code [in, out]}, and its bias (null for none). */
  private record Dense(String weightT, String bias) {}

  /** One N-BEATS block's layers; a fixed basis is a {@link Dense} without bias. */
  private record Weights(
      List<Dense> hidden, Dense thetaB, Dense thetaF, Dense basisB, Dense basisF) {}

  private static Weights basisWeights(
      OnnxGraphBuilder g, Block b, StackConfig stack, String prefix, NBeatsBlock block, int s) {
    List<Block> layers = new ArrayList<>();
    for (Pair<String, Block> child : b.getChildren()) {
      layers.add(child.getValue());
    }
    boolean generic = stack.kind() == StackKind.GENERIC;
    int expected = stack.layers() + 2 + (generic ? 2 : 0);
    if (layers.size() != expected) {
      throw new IllegalStateException(
          "N-BEATS stack "
              + s
              + ": a block has "
              + layers.size()
              + " layers, expected "
              + expected);
    }
    List<Dense> hidden = new ArrayList<>();
    for (int i = 0; i < stack.layers(); i++) {
      hidden.add(dense(g, layers.get(i), prefix + "fc" + (i + 1) + "_", true));
    }
    Dense thetaB = dense(g, layers.get(stack.layers()), prefix + "theta_b_", false);
    Dense thetaF = dense(g, layers.get(stack.layers() + 1), prefix + "theta_f_", false);
    Dense basisB;
    Dense basisF;
    if (generic) {
      basisB = dense(g, layers.get(stack.layers() + 2), prefix + "basis_b_", true);
      basisF = dense(g, layers.get(stack.layers() + 3), prefix + "basis_f_", true);
    } else {
      basisB = fixed(g, block.backcastBasis(s), prefix + "backcast_basis");
      basisF = fixed(g, block.forecastBasis(s), prefix + "forecast_basis");
    }
    return new Weights(hidden, thetaB, thetaF, basisB, basisF);
  }

  private static Dense fixed(OnnxGraphBuilder g, double[][] basis, String name) {
    int rows = basis.length;
    int cols = basis[0].length;
    double[] flat = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(basis[i], 0, flat, i * cols, cols);
    }
    return new Dense(g.initializer(name, flat, rows, cols), null);
  }

  /** A DJL {@code Linear} layer (weight {@code [out, in]}, optional bias {@code [out]}). */
  private static Dense dense(OnnxGraphBuilder g, Block linear, String prefix, boolean bias) {
    PairList<String, Parameter> params = linear.getParameters();
    Matrix w = values(params, "weight");
    String weightT = g.initializer(prefix + "weight_t", w.transposed(), w.cols, w.rows);
    String b = null;
    if (bias) {
      Matrix v = values(params, "bias");
      b = g.initializer(prefix + "bias", v.values, v.values.length);
    } else if (params.contains("bias")) {
      throw new IllegalStateException("layer " + prefix + " has an unexpected bias");
    }
    return new Dense(weightT, b);
  }

  /** {@code x W^T (+ b)}. */
  private static String linear(OnnxGraphBuilder g, String x, Dense d) {
    String product = g.node("MatMul", List.of(x, d.weightT));
    return d.bias == null ? product : g.node("Add", List.of(product, d.bias));
  }

  /** {@code 1 / (1 + exp(-x))}, as PyTorch computes the sigmoid. */
  private static String sigmoid(OnnxGraphBuilder g, String x) {
    String e = g.node("Exp", List.of(g.node("Neg", List.of(x))));
    return g.node("Reciprocal", List.of(g.node("Add", List.of(e, g.scalar(1)))));
  }

  /** A parameter's values, row-major, with its shape as rows x cols (cols 1 for a vector). */
  private record Matrix(double[] values, int rows, int cols) {
    double[] transposed() {
      double[] t = new double[values.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t[c * rows + r] = values[r * cols + c];
        }
      }
      return t;
    }
  }

  private static Matrix values(PairList<String, Parameter> params, String name) {
    Parameter p = params.get(name);
    if (p == null) {
      throw new IllegalStateException("parameter " + name + " not found among " + params.keys());
    }
    NDArray a = p.getArray();
    Shape shape = a.getShape();
    double[] v;
    if (a.getDataType() == DataType.FLOAT64) {
      v = a.toDoubleArray();
    } else if (a.getDataType() == DataType.FLOAT32) {
      float[] f = a.toFloatArray();
      v = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        v[i] = f[i];
      }
    } else {
      throw new IllegalStateException(
          "parameter " + name + " has type " + a.getDataType() + ", not float32 or float64");
    }
    int rows = Math.toIntExact(shape.get(0));
    int cols = shape.dimension() > 1 ? Math.toIntExact(shape.get(1)) : 1;
    return new Matrix(v, rows, cols);
  }

  private static void requireInitialized(Block block, String what) {
    if (!block.isInitialized()) {
      throw new IllegalStateException("initialize the " + what + " before exporting it to ONNX");
    }
  }
}
