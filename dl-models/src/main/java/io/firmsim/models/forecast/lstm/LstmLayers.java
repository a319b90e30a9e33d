package io.firmsim.models.forecast.lstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Stacked LSTM layers written with elementary DJL operations (matrix products, sigmoid, tanh),
 * unrolled over the sequence.
 *
 * <p>Why not DJL's {@code ai.djl.nn.recurrent.LSTM}: on the PyTorch engine (DJL 0.35.1, libtorch
 * 2.7.1, CPU) its float32 output disagrees with its own float64 output on the same (rounded)
 * parameters by about half the output's size (0.006 with 1 layer, 0.015 with 2 layers of 4 units,
 * on outputs of about 0.01), while its float64 output agrees with a loop implementation of the LSTM
 * equations to 1e-12. The cause inside libtorch's CPU kernel was not established. Written out here,
 * the layers compute the same equations in both precisions, are differentiable by autograd and map
 * one to one onto ONNX operators; the price is one small matrix product per step and layer.
 *
 * <p>The parameters have DJL's and PyTorch's names, shapes and gate order (input, forget, cell,
 * output): per layer {@code l}, {@code l_<l>_i2h_WEIGHT [4H, in]}, {@code l_<l>_h2h_WEIGHT [4H,
 * H]}, {@code l_<l>_i2h_BIAS [4H]}, {@code l_<l>_h2h_BIAS [4H]}.
 *
 * <p>Input {@code NDList(x [batch, steps, in])}, batch first; the initial hidden and cell states
 * are zeros. Output {@code NDList(h [batch, H])}: the last layer's hidden state after the last
 * step.
 */
final class LstmLayers extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int hidden;
  private final int layers;
  private final List<Parameter[]> weights = new ArrayList<>(); // per layer: wi, wh, bi, bh

  LstmLayers(int hidden, int layers) {
    super(VERSION);
    this.hidden = hidden;
    this.layers = layers;
    for (int l = 0; l < layers; l++) {
      String p = "l_" + l + "_";
      weights.add(
          new Parameter[] {
            addParameter(parameter(p + "i2h_WEIGHT", Parameter.Type.WEIGHT)),
            addParameter(parameter(p + "h2h_WEIGHT", Parameter.Type.WEIGHT)),
            addParameter(parameter(p + "i2h_BIAS", Parameter.Type.BIAS)),
            addParameter(parameter(p + "h2h_BIAS", Parameter.Type.BIAS))
          });
    }
  }

  private static Parameter parameter(String name, Parameter.Type type) {
    return Parameter.builder().setName(name).setType(type).build();
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long in = inputShapes[0].get(2);
    for (int l = 0; l < layers; l++) {
      Parameter[] w = weights.get(l);
      w[0].setShape(new Shape(4L * hidden, l == 0 ? in : hidden));
      w[1].setShape(new Shape(4L * hidden, hidden));
      w[2].setShape(new Shape(4L * hidden));
      w[3].setShape(new Shape(4L * hidden));
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    long batch = x.getShape().get(0);
    int steps = Math.toIntExact(x.getShape().get(1));
    NDArray h = null;
    for (int l = 0; l < layers; l++) {
      Parameter[] w = weights.get(l);
      NDArray wi = ps.getValue(w[0], x.getDevice(), training);
      NDArray wh = ps.getValue(w[1], x.getDevice(), training);
      NDArray bias =
          ps.getValue(w[2], x.getDevice(), training)
              .add(ps.getValue(w[3], x.getDevice(), training));
      // The input's share of every gate at every step at once: [batch, steps, 4H].
      NDArray xg = x.matMul(wi.transpose()).add(bias);
      NDArray whT = wh.transpose();
      h = x.getManager().zeros(new Shape(batch, hidden), x.getDataType());
      NDArray c = h;
      NDList outputs = new NDList(steps);
      for (int t = 0; t < steps; t++) {
        NDArray g = xg.get(":, {}, :", t).add(h.matMul(whT));
        NDList gates = g.split(4, 1);
        NDArray i = Activation.sigmoid(gates.get(0));
        NDArray f = Activation.sigmoid(gates.get(1));
        NDArray z = gates.get(2).tanh();
        NDArray o = Activation.sigmoid(gates.get(3));
        c = f.mul(c).add(i.mul(z));
        h = o.mul(c.tanh());
        if (l < layers - 1) {
          outputs.add(h);
        }
      }
      if (l < layers - 1) {
        x = NDArrays.stack(outputs, 1);
      }
    }
    return new NDList(h);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), hidden)};
  }
}
