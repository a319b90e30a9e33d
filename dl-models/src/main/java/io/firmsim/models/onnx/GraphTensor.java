package io.firmsim.models.onnx;

import io.firmsim.models.tensor.Mask;
import io.firmsim.models.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link Tensor} that records every operation as nodes of an ONNX graph instead of computing it:
 * the exporters run the model's shared arithmetic on graph tensors and get the graph of exactly
 * that computation.
 *
 * <p>Each operation follows the semantics of {@link io.firmsim.models.tensor.DjlTensor} (PyTorch):
 * {@code maximum}/{@code minimum} are Max/Min, comparisons are the IEEE ones (false with NaN,
 * except {@code neq}), {@code cube} is {@code x * x * x}, {@code sigmoid} is {@code 1 / (1 +
 * exp(-x))} written out (ONNX Runtime's float64 Sigmoid cancels for negative x), and {@code
 * softplus} keeps PyTorch's threshold (x itself above 20).
 *
 * <p>ONNX Runtime's CPU provider has no float64 kernel for Sinh, Softplus or Erf, and ONNX has no
 * ErfInv, so {@link #sinh}, {@link #softplus} and {@link #normalQuantile} are built from elementary
 * operators with full relative accuracy (see each method). Immutable; all tensors of a graph share
 * its {@link OnnxGraphBuilder}.
 */
public final class GraphTensor implements Tensor {
  private final OnnxGraphBuilder g;
  private final String name;

  private GraphTensor(OnnxGraphBuilder g, String name) {
    this.g = Objects.requireNonNull(g, "g");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The graph value {@code name} of builder {@code g} as a tensor. */
  public static GraphTensor of(OnnxGraphBuilder g, String name) {
    return new GraphTensor(g, name);
  }

  /** The graph value this tensor stands for. */
  public String name() {
    return name;
  }

  public OnnxGraphBuilder builder() {
    return g;
  }

  /** The value name of a tensor of this graph. */
  String nameOf(Tensor t) {
    GraphTensor other = (GraphTensor) t;
    if (other.g != g) {
      throw new IllegalArgumentException("tensors of two different graphs");
    }
    return other.name;
  }

  private GraphTensor op(String type, String... inputs) {
    return new GraphTensor(g, g.node(type, List.of(inputs)));
  }

  private String c(double v) {
    return g.scalar(v);
  }

  /**
   * {@code [K, N]} from K tensors of shape {@code [N]}: one Concat into {@code [K N]} and one
   * Reshape (a view in ONNX Runtime), the right-hand side of a predictor product.
   */
  public static GraphTensor stackRows(OnnxGraphBuilder g, List<? extends Tensor> rows) {
    List<String> parts = new ArrayList<>(rows.size());
    for (Tensor t : rows) {
      parts.add(((GraphTensor) t).name);
    }
    String flat =
        parts.size() == 1
            ? parts.get(0)
            : g.node("Concat", parts, OnnxGraphBuilder.attr("axis", 0));
    return new GraphTensor(g, g.node("Reshape", List.of(flat, g.int64s(parts.size(), -1))));
  }

  // ------------------------------------------------------------------ arithmetic

  @Override
  public Tensor add(Tensor other) {
    return op("Add", name, nameOf(other));
  }

  @Override
  public Tensor add(double c) {
    return op("Add", name, c(c));
  }

  @Override
  public Tensor sub(Tensor other) {
    return op("Sub", name, nameOf(other));
  }

  @Override
  public Tensor sub(double c) {
    return op("Sub", name, c(c));
  }

  @Override
  public Tensor mul(Tensor other) {
    return op("Mul", name, nameOf(other));
  }

  @Override
  public Tensor mul(double c) {
    return op("Mul", name, c(c));
  }

  @Override
  public Tensor div(Tensor other) {
    return op("Div", name, nameOf(other));
  }

  @Override
  public Tensor div(double c) {
    return op("Div", name, c(c));
  }

  @Override
  public Tensor neg() {
    return op("Neg", name);
  }

  @Override
  public Tensor abs() {
    return op("Abs", name);
  }

  @Override
  public Tensor square() {
    return op("Mul", name, name);
  }

  @Override
  public Tensor cube() {
    // PyTorch computes pow(x, 3) as (x * x) * x.
    return op("Mul", op("Mul", name, name).name, name);
  }

  @Override
  public Tensor maximum(Tensor other) {
    return op("Max", name, nameOf(other));
  }

  @Override
  public Tensor maximum(double c) {
    return op("Max", name, c(c));
  }

  @Override
  public Tensor minimum(Tensor other) {
    return op("Min", name, nameOf(other));
  }

  @Override
  public Tensor minimum(double c) {
    return op("Min", name, c(c));
  }

  @Override
  public Tensor clip(double lo, double hi) {
    return op("Clip", name, c(lo), c(hi));
  }

  @Override
  public Tensor exp() {
    return op("Exp", name);
  }

  @Override
  public Tensor log() {
    return op("Log", name);
  }

  @Override
  public Tensor tanh() {
    return op("Tanh", name);
  }

  /**
   * {@code sinh(x)} from Tanh and Exp (ONNX Runtime has no float64 Sinh): for {@code |x| < 1},
   * {@code 2t / (1 - t^2)} with {@code t = tanh(x/2)}, which keeps the relative accuracy of tanh
   * near 0 (the exponential form cancels there); elsewhere {@code sign(x) (e - 1/e) / 2} with
   * {@code e = exp(|x|)}, which overflows where PyTorch's sinh does (|x| above 709.78).
   */
  @Override
  public Tensor sinh() {
    GraphTensor t = (GraphTensor) mul(0.5).tanh();
    Tensor small = t.mul(2).div(t.square().neg().add(1));
    GraphTensor a = (GraphTensor) abs();
    GraphTensor e = (GraphTensor) a.exp();
    Tensor large = e.sub(e.reciprocal()).mul(0.5).mul(op("Sign", name));
    return a.lt(1).select(small, large);
  }

  private GraphTensor reciprocal() {
    return op("Reciprocal", name);
  }

  /** {@code 1 / (1 + exp(-x))}, the formula of PyTorch's CPU kernel. */
  @Override
  public Tensor sigmoid() {
    return ((GraphTensor) neg().exp().add(1)).reciprocal();
  }

  /**
   * {@code ln(1 + exp(x))} with PyTorch's convention of returning x itself above the threshold 20;
   * at and below it {@code log1p(exp(x))} with an accurate log1p, so the relative accuracy is full
   * down to the underflow of exp (about -745). The exponent is capped at 20 so the unselected
   * branch never overflows.
   */
  @Override
  public Tensor softplus() {
    Tensor y = minimum(20).exp();
    return gt(20).select(this, log1p((GraphTensor) y));
  }

  /**
   * {@code log(1 + y)} to full relative accuracy for {@code y > -1} (Kahan's trick): with {@code u
   * = 1 + y}, {@code y} where {@code u == 1}, else {@code log(u) * y / (u - 1)}, which cancels the
   * rounding error of u.
   */
  static Tensor log1p(GraphTensor y) {
    GraphTensor u = (GraphTensor) y.add(1);
    Tensor ratio = u.log().mul(y).div(u.sub(1));
    GraphMask exact = new GraphMask(y.g, y.g.node("Equal", List.of(u.name, y.g.scalar(1))));
    return exact.select(y, ratio);
  }

  /**
   * The standard normal quantile by Wichura's algorithm AS 241 (PPND16, Applied Statistics 37,
   * 1988), accurate to about 1e-16 relative in float64: a rational function of {@code (p - 0.5)^2}
   * for {@code |p - 0.5| <= 0.425}, else one of {@code r = sqrt(-ln(min(p, 1 - p)))} for {@code r
   * <= 5} and another beyond, with the sign of {@code p - 0.5}. All three branches are computed on
   * the whole tensor and chosen with Where (an unselected branch may hold NaN or infinities, which
   * Where does not propagate).
   */
  @Override
  public Tensor normalQuantile() {
    GraphTensor q = (GraphTensor) sub(0.5);
    GraphTensor rc = (GraphTensor) q.square().neg().add(0.180625);
    Tensor central = q.mul(rational(rc, As241.A, As241.B));
    Mask lower = q.lt(0);
    // min(p, 1 - p) as AS241 takes it: p itself in the lower half (no rounding of 1 - p).
    GraphTensor tail = (GraphTensor) lower.select(this, neg().add(1));
    GraphTensor r = (GraphTensor) op("Sqrt", ((GraphTensor) tail.log().neg()).name);
    Tensor near = rational((GraphTensor) r.sub(1.6), As241.C, As241.D);
    Tensor far = rational((GraphTensor) r.sub(5), As241.E, As241.F);
    GraphTensor magnitude = (GraphTensor) r.gt(5).select(far, near);
    Tensor tailValue = lower.select(magnitude.neg(), magnitude);
    return q.abs().gt(0.425).select(tailValue, central);
  }

  /** {@code num(r) / den(r)}, each polynomial's coefficients lowest degree first. */
  private static Tensor rational(GraphTensor r, double[] num, double[] den) {
    return horner(r, num).div(horner(r, den));
  }

  /** {@code c[0] + c[1] r + ... + c[n] r^n} in Horner's order (as AS241 evaluates it). */
  private static Tensor horner(GraphTensor r, double[] c) {
    int n = c.length - 1;
    Tensor acc = r.mul(c[n]);
    for (int k = n - 1; k >= 1; k--) {
      acc = acc.add(c[k]).mul(r);
    }
    return acc.add(c[0]);
  }

  @Override
  public Tensor zerosLike() {
    String shape = g.node("Shape", List.of(name));
    return new GraphTensor(
        g,
        g.node(
            "ConstantOfShape",
            List.of(shape),
            OnnxGraphBuilder.attr("value", OnnxGraphBuilder.valueTensor(g.dtype(), 0))));
  }

  // ------------------------------------------------------------------ comparisons

  private GraphMask cmp(String type, String other) {
    return new GraphMask(g, g.node(type, List.of(name, other)));
  }

  @Override
  public Mask lt(Tensor other) {
    return cmp("Less", nameOf(other));
  }

  @Override
  public Mask lt(double c) {
    return cmp("Less", c(c));
  }

  @Override
  public Mask gt(double c) {
    return cmp("Greater", c(c));
  }

  @Override
  public Mask gte(Tensor other) {
    return cmp("GreaterOrEqual", nameOf(other));
  }

  @Override
  public Mask gte(double c) {
    return cmp("GreaterOrEqual", c(c));
  }

  @Override
  public Mask neq(double c) {
    // Not(Equal): true with NaN, as PyTorch's ne.
    return new GraphMask(g, g.node("Not", List.of(cmp("Equal", c(c)).name())));
  }

  // ------------------------------------------------------------------ indexing

  @Override
  public Tensor slice(int from, int to) {
    return op("Slice", name, g.int64s(from), g.int64s(to), g.int64s(0));
  }

  @Override
  public Tensor row(int i) {
    return new GraphTensor(
        g, g.node("Gather", List.of(name, g.int64Scalar(i)), OnnxGraphBuilder.attr("axis", 0)));
  }

  /**
   * Reshape to {@code [-1, width]}. N is only known when the graph runs: ONNX Runtime refuses the
   * Reshape where it is not a multiple of {@code width}.
   */
  @Override
  public Tensor tiles(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("tile width must be positive, found " + width);
    }
    return op("Reshape", name, g.int64s(-1, width));
  }

  @Override
  public Tensor flatten() {
    return op("Reshape", name, g.int64s(-1));
  }

  /**
   * ReduceSum over axis 1, keeping it: one node (a graph of pairwise trees like DjlTensor's, one
   * per sum of the alignment's Newton steps, took ONNX Runtime minutes to optimize). ONNX Runtime
   * reduces each contiguous row with the same kernel whatever the number of rows; its order of
   * summation differs from the DJL tree's by rounding only.
   */
  @Override
  public Tensor rowSums() {
    return op("ReduceSum", name, g.int64s(1));
  }

  /** ReduceMax over axis 1, keeping it (opset 17: axes as an attribute). */
  @Override
  public Tensor rowMax() {
    return new GraphTensor(
        g, g.node("ReduceMax", List.of(name), OnnxGraphBuilder.attr("axes", new long[] {1})));
  }

  @Override
  public boolean isSinglePrecision() {
    return g.dtype() == OnnxDType.FLOAT32;
  }

  @Override
  public String toString() {
    return "GraphTensor(" + name + ")";
  }

  /** A boolean graph value as a {@link Mask}. */
  static final class GraphMask implements Mask {
    private final OnnxGraphBuilder g;
    private final String name;

    GraphMask(OnnxGraphBuilder g, String name) {
      this.g = g;
      this.name = name;
    }

    String name() {
      return name;
    }

    @Override
    public Mask and(Mask other) {
      return new GraphMask(g, g.node("And", List.of(name, ((GraphMask) other).name)));
    }

    @Override
    public Tensor toValues(Tensor like) {
      return new GraphTensor(
          g,
          g.node(
              "Cast",
              List.of(name),
              OnnxGraphBuilder.attr("to", ((GraphTensor) like).g.dtype().elemType())));
    }

    @Override
    public Tensor select(Tensor ifTrue, Tensor ifFalse) {
      return new GraphTensor(
          g,
          g.node(
              "Where", List.of(name, ((GraphTensor) ifTrue).name, ((GraphTensor) ifFalse).name)));
    }
  }
}
