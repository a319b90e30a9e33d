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
import io.firmsim.models.tensor.DjlTensor;
import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ResidualNoise;
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
 * F], uniforms [N, uniformColumns()])} in {@link ForwardMode#SAMPLE}, where the columns of {@code
 * features} are {@link #features()} (the union of the submodels' features, selected once outside
 * the block) and those of {@code uniforms} are {@link #uniformColumnNames()}: the equation's draw
 * (when its method draws), then one per predictor row with residual level noise (trained models). A
 * single uniform column may also be given as {@code [N]}. Output: {@code NDList(value [N])}.
 *
 * <p>The block has {@link #predictors()} linear predictor rows, held as the parameters {@code
 * weight [P, F]} and {@code bias [P]}; {@link #combine} maps the predictor values to the equation's
 * value, which is what the subclasses (one per method) implement. The firm-year step evaluates the
 * predictors of many equations in one fused matrix product and calls {@link #evaluate} on the
 * result, so both paths share the method logic. The logic is written on {@link Tensor}, so the ONNX
 * exporter records the same computation as a graph.
 */
public abstract class EquationBlock extends AbstractBlock {
  private final EquationSpec spec;
  private final ForwardMode mode;
  private final List<Feature> features;
  private final List<Predictor> predictors;
  private final Parameter weight;
  private final Parameter bias;
  private final ResidualNoise[] noise; // per predictor row, null for none

  protected EquationBlock(EquationSpec spec, ForwardMode mode, List<Predictor> predictors) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.predictors = List.copyOf(predictors);
    LinkedHashSet<Feature> union = new LinkedHashSet<>();
    for (SubmodelSpec s : spec.submodels()) {
      union.addAll(s.features());
    }
    this.features = List.copyOf(union);
    this.noise = new ResidualNoise[this.predictors.size()];
    for (int r = 0; r < noise.length; r++) {
      noise[r] = this.predictors.get(r).submodel().noise();
    }
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

  /**
   * Width of the uniforms input in sample mode: 1 when the method draws ({@link #needsUniform()}),
   * plus one per predictor row with residual level noise; 0 in mean mode.
   */
  public int uniformColumns() {
    return uniformColumnNames().size();
  }

  /**
   * The uniform columns read in sample mode, in order: {@code "draw"} when the method draws, then
   * {@code "<submodel>.noise"} for each predictor row with residual noise. Empty in mean mode.
   */
  public List<String> uniformColumnNames() {
    List<String> names = new ArrayList<>();
    if (mode != ForwardMode.SAMPLE) {
      return names;
    }
    if (needsUniform()) {
      names.add("draw");
    }
    for (int r = 0; r < noise.length; r++) {
      if (noise[r] != null) {
        names.add(predictors.get(r).submodel().name() + ".noise");
      }
    }
    return names;
  }

  /** The residual level noise of each predictor row (null where none), in predictor order. */
  public List<ResidualNoise> noise() {
    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(noise.clone()));
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
   * The predictor row of a binary probability submodel that alignment may shift ({@code prob} of
   * LLG and LLN, {@code prob_pos} and {@code prob_neg} of LSG), with its link.
   *
   * @throws IllegalArgumentException naming the equation and submodel when the submodel is not a
   *     binary probability of this equation (MUNO's ordinal {@code prob}, Tobit and HS levels)
   */
  public AlignableRow alignableRow(String submodel) {
    throw new IllegalArgumentException(
        "T"
            + spec.table()
            + " ("
            + spec.method()
            + ") has no binary probability submodel '"
            + submodel
            + "' that can be aligned");
  }

  /**
   * A predictor row that alignment shifts and the link that maps it to a probability.
   *
   * @param row index in {@link #predictors()}
   * @param link the probability's link
   */
  public record AlignableRow(int row, ProbabilityLink link) {
    public AlignableRow {
      Objects.requireNonNull(link, "link");
    }
  }

  /**
   * The equation's value from its predictor values, before any residual level noise.
   *
   * @param eta one {@code [N]} tensor per predictor row, in {@link #predictors()} order
   * @param uniform {@code [N]} uniform draws in [0, 1) in sample mode, ignored (may be null) in
   *     mean mode
   * @return the value, {@code [N]}
   */
  public abstract Tensor combine(List<Tensor> eta, Tensor uniform);

  /**
   * The equation's value: residual level noise added to the noisy predictor rows (its mean in mean
   * mode, a Johnson SU draw in sample mode), then {@link #combine}.
   *
   * @param eta one {@code [N]} tensor per predictor row, in {@link #predictors()} order
   * @param uniforms the {@link #uniformColumnNames()} columns, each {@code [N]}; empty in mean mode
   */
  public Tensor evaluate(List<Tensor> eta, List<Tensor> uniforms) {
    if (uniforms.size() != uniformColumns()) {
      throw new IllegalArgumentException(
          spec + " reads " + uniformColumns() + " uniform columns, got " + uniforms.size());
    }
    int next = needsUniform() ? 1 : 0;
    List<Tensor> rows = new ArrayList<>(eta.size());
    for (int r = 0; r < eta.size(); r++) {
      Tensor level = eta.get(r);
      ResidualNoise e = noise[r];
      if (e != null) {
        level =
            mode == ForwardMode.MEAN
                ? level.add(e.mean())
                : level.add(draw(e, uniforms.get(next++)));
      }
      rows.add(level);
    }
    return combine(rows, needsUniform() ? uniforms.get(0) : null);
  }

  /**
   * A Johnson SU draw {@code xi + lambda sinh((Z - gamma) / delta)} with {@code Z = Phi^-1(U)}. U
   * is kept 1e-7 (float32) or 1e-16 (float64) away from 0 and 1 so that Z stays finite (|Z| below
   * 5.2 or 8.2).
   */
  static Tensor draw(ResidualNoise e, Tensor uniform) {
    double eps = uniform.isSinglePrecision() ? 1e-7 : 1e-16;
    Tensor z = uniform.clip(eps, 1 - eps).normalQuantile();
    return z.sub(e.gamma()).div(e.delta()).sinh().mul(e.lambda()).add(e.xi());
  }

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
    List<Tensor> rows = new ArrayList<>(predictors.size());
    for (int r = 0; r < predictors.size(); r++) {
      rows.add(DjlTensor.of(eta.get(r)));
    }
    List<Tensor> u = new ArrayList<>();
    int s = uniformColumns();
    if (s > 0) {
      if (inputs.size() < 2) {
        throw new IllegalArgumentException(spec + " in sample mode needs uniforms [N, " + s + "]");
      }
      NDArray uniforms = inputs.get(1);
      if (uniforms.getShape().dimension() == 1 && s == 1) {
        u.add(DjlTensor.of(uniforms));
      } else {
        NDArray columns = uniforms.transpose();
        for (int c = 0; c < s; c++) {
          u.add(DjlTensor.of(columns.get(c)));
        }
      }
    }
    return new NDList(DjlTensor.unwrap(evaluate(rows, u)));
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
  protected static Tensor cloglog(Tensor eta) {
    Tensor t = eta.exp().mul(0.5).tanh();
    return t.mul(2).div(t.add(1));
  }

  /** {@code 1 / (1 + exp(-eta))}. */
  protected static Tensor logit(Tensor eta) {
    return eta.sigmoid();
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
