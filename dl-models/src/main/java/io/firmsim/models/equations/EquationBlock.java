package io.firmsim.models.equations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One behavioural equation as a DJL block: tensors in, tensors out.
 *
 * <p>Input: {@code NDList(features [N, F])} in {@link ForwardMode#MEAN}, {@code NDList(features [N,
 * F], uniforms [N])} in {@link ForwardMode#SAMPLE}, where the columns of {@code features} are
 * {@link #features()} (the union of the submodels' features, selected once outside the block).
 * Output: {@code NDList(value [N])}.
 *
 * <p>The block has {@link #predictors()} linear predictor rows, held as the parameters {@code
 * weight [P, F]} and {@code bias [P]}; {@link #combine} maps the predictor values to the equation's
 * value, which is what the subclasses (one per method) implement. The firm-year step evaluates the
 * predictors of many equations in one fused matrix product and calls {@link #combine} on the
 * result, so both paths share the method logic.
 */
public abstract class EquationBlock extends AbstractBlock {
  private final EquationSpec spec;
  private final ForwardMode mode;
  private final List<Feature> features;
  private final List<Predictor> predictors;
  private final Parameter weight;
  private final Parameter bias;

  protected EquationBlock(EquationSpec spec, ForwardMode mode, List<Predictor> predictors) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.predictors = List.copyOf(predictors);
    LinkedHashSet<Feature> union = new LinkedHashSet<>();
    for (SubmodelSpec s : spec.submodels()) {
      union.addAll(s.features());
    }
    this.features = List.copyOf(union);
    double[][] w = predictorWeights(this.features);
    double[] flat = new double[w.length * this.features.size()];
    double[] b = new double[w.length];
    for (int r = 0; r < w.length; r++) {
      System.arraycopy(w[r], 0, flat, r * this.features.size(), this.features.size());
      b[r] = this.predictors.get(r).bias();
    }
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(w.length, this.features.size()))
                .optInitializer(new ConstantValues(flat))
                .optRequiresGrad(false)
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(w.length))
                .optInitializer(new ConstantValues(b))
                .optRequiresGrad(false)
                .build());
  }

  /** Creates the block of the equation's method. */
  public static EquationBlock of(EquationSpec spec, ForwardMode mode) {
    switch (spec.method()) {
      case HS:
        return new HsBlock(spec, mode);
      case TOBIT:
        return new TobitBlock(spec, mode);
      case LLG:
        return new LlgBlock(spec, mode);
      case LLN:
        return new LlnBlock(spec, mode);
      case MUNO:
        return new MunoBlock(spec, mode);
      case LSG:
        return new LsgBlock(spec, mode);
      default:
        throw new IllegalArgumentException("no block for method " + spec.method());
    }
  }

  public EquationSpec spec() {
    return spec;
  }

  public ForwardMode mode() {
    return mode;
  }

  /** Whether {@link #combine} reads a uniform draw (sample mode of a non-deterministic method). */
  public boolean needsUniform() {
    return mode == ForwardMode.SAMPLE && !predictorsOnlyLevel();
  }

  /** True for methods whose value is its single level (HS): no draw ever. */
  protected boolean predictorsOnlyLevel() {
    return false;
  }

  /** The input columns this block expects: the union of its submodels' features. */
  public List<Feature> features() {
    return features;
  }

  /** The linear predictor rows, in the order {@link #combine} receives them. */
  public List<Predictor> predictors() {
    return predictors;
  }

  /**
   * The slopes of every predictor row over a list of features (zero where a row's submodel does not
   * read a feature).
   */
  public double[][] predictorWeights(List<Feature> over) {
    double[][] w = new double[predictors.size()][over.size()];
    for (int r = 0; r < predictors.size(); r++) {
      SubmodelSpec s = predictors.get(r).submodel();
      double[] c = s.coefficients();
      for (int j = 0; j < c.length; j++) {
        int col = over.indexOf(s.features().get(j));
        if (col < 0) {
          throw new IllegalArgumentException(s.features().get(j) + " is not among " + over);
        }
        w[r][col] = c[j];
      }
    }
    return w;
  }

  /**
   * The equation's value from its predictor values.
   *
   * @param eta one {@code [N]} array per predictor row, in {@link #predictors()} order
   * @param uniform {@code [N]} uniform draws in [0, 1) in sample mode, ignored (may be null) in
   *     mean mode
   * @return the value, {@code [N]}
   */
  public abstract NDArray combine(List<NDArray> eta, NDArray uniform);

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
    NDArray b = parameterStore.getValue(bias, x.getDevice(), training);
    // [P, F] x [F, N] -> [P, N]: one contiguous row per predictor. Results computed from the
    // parameters (first operand) are moved to the input's manager so the caller's scope frees them.
    NDArray product = w.matMul(x.transpose());
    product.attach(x.getManager());
    NDArray column = b.expandDims(1);
    column.attach(x.getManager());
    NDArray eta = product.add(column);
    List<NDArray> rows = new ArrayList<>(predictors.size());
    for (int r = 0; r < predictors.size(); r++) {
      rows.add(eta.get(r));
    }
    NDArray u = needsUniform() ? inputs.get(1) : null;
    return new NDList(combine(rows, u));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0))};
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    if (inputShapes.length > 0
        && inputShapes[0].dimension() == 2
        && inputShapes[0].get(1) != features.size()) {
      throw new IllegalArgumentException(
          "equation "
              + spec
              + " reads "
              + features.size()
              + " features, input has "
              + inputShapes[0].get(1)
              + " columns");
    }
  }

  // ---- helpers shared by the method blocks

  /**
   * {@code 1 - exp(-exp(eta))}, accurate to a few units in the last place of the array's dtype for
   * every eta (MODEL.md section 3).
   *
   * <p>The direct form cancels when {@code x = exp(eta)} is small: in float32, {@code 1 - exp(-x)}
   * is 0 for x below 6e-8 (eta below -16.6) and has a relative error of 6e-5 at x = 1e-3. The
   * tensor API has no {@code expm1}; the identity {@code 1 - exp(-x) = 2 tanh(x/2) / (1 +
   * tanh(x/2))} needs none and has no cancellation anywhere: {@code tanh} keeps its relative
   * accuracy for small arguments, the denominator lies in [1, 2], and for large x (or an overflowed
   * {@code exp}) {@code tanh} saturates at 1, giving exactly 1.
   */
  protected static NDArray cloglog(NDArray eta) {
    NDArray t = eta.exp().mul(0.5).tanh();
    return t.mul(2).div(t.add(1));
  }

  /** {@code 1 / (1 + exp(-eta))}. */
  protected static NDArray logit(NDArray eta) {
    return eta.getNDArrayInternal().sigmoid();
  }

  /** A 0/1 mask of {@code condition} in the dtype of {@code like}. */
  protected static NDArray mask(NDArray condition, NDArray like) {
    return condition.toType(like.getDataType(), false);
  }

  /** Creates a parameter array from fixed values, whatever shape and dtype are asked. */
  static final class ConstantValues implements ai.djl.training.initializer.Initializer {
    private final double[] values;

    ConstantValues(double[] values) {
      this.values = values.clone();
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      return manager.create(values, shape).toType(dataType, false);
    }
  }
}
