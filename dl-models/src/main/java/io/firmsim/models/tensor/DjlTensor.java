package io.firmsim.models.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * {@link Tensor} evaluated eagerly on a DJL {@link NDArray}: every operation runs at once on the
 * array's engine and device, and its result belongs to the manager of the operand it was called on
 * (DJL's rule), so a caller that scopes its inputs to a sub-manager frees every intermediate when
 * it closes that manager.
 */
public final class DjlTensor implements Tensor {
  private static final double SQRT2 = Math.sqrt(2);
  private final NDArray array;

  private DjlTensor(NDArray array) {
    this.array = Objects.requireNonNull(array, "array");
  }

  /** Wraps an array. */
  public static DjlTensor of(NDArray array) {
    return new DjlTensor(array);
  }

  /** The array of a tensor computed by this implementation. */
  public static NDArray unwrap(Tensor t) {
    return ((DjlTensor) t).array;
  }

  public NDArray array() {
    return array;
  }

  private static NDArray a(Tensor t) {
    return unwrap(t);
  }

  private static DjlTensor w(NDArray array) {
    return new DjlTensor(array);
  }

  @Override
  public Tensor add(Tensor other) {
    return w(array.add(a(other)));
  }

  @Override
  public Tensor add(double c) {
    return w(array.add(c));
  }

  @Override
  public Tensor sub(Tensor other) {
    return w(array.sub(a(other)));
  }

  @Override
  public Tensor sub(double c) {
    return w(array.sub(c));
  }

  @Override
  public Tensor mul(Tensor other) {
    return w(array.mul(a(other)));
  }

  @Override
  public Tensor mul(double c) {
    return w(array.mul(c));
  }

  @Override
  public Tensor div(Tensor other) {
    return w(array.div(a(other)));
  }

  @Override
  public Tensor div(double c) {
    return w(array.div(c));
  }

  @Override
  public Tensor neg() {
    return w(array.neg());
  }

  @Override
  public Tensor abs() {
    return w(array.abs());
  }

  @Override
  public Tensor square() {
    return w(array.square());
  }

  @Override
  public Tensor cube() {
    return w(array.pow(3));
  }

  @Override
  public Tensor maximum(Tensor other) {
    return w(array.maximum(a(other)));
  }

  @Override
  public Tensor maximum(double c) {
    return w(array.maximum(c));
  }

  @Override
  public Tensor minimum(Tensor other) {
    return w(array.minimum(a(other)));
  }

  @Override
  public Tensor minimum(double c) {
    return w(array.minimum(c));
  }

  @Override
  public Tensor clip(double lo, double hi) {
    return w(array.clip(lo, hi));
  }

  @Override
  public Tensor exp() {
    return w(array.exp());
  }

  @Override
  public Tensor log() {
    return w(array.log());
  }

  @Override
  public Tensor tanh() {
    return w(array.tanh());
  }

  @Override
  public Tensor sinh() {
    return w(array.sinh());
  }

  @Override
  public Tensor sigmoid() {
    return w(array.getNDArrayInternal().sigmoid());
  }

  @Override
  public Tensor softplus() {
    return w(array.getNDArrayInternal().softPlus());
  }

  @Override
  public Tensor normalQuantile() {
    // Phi^-1(p) = sqrt(2) erfinv(2p - 1), with the engine's erfinv.
    return w(array.mul(2).sub(1).erfinv().mul(SQRT2));
  }

  @Override
  public Tensor zerosLike() {
    return w(array.zerosLike());
  }

  @Override
  public Mask lt(Tensor other) {
    return new DjlMask(array.lt(a(other)));
  }

  @Override
  public Mask lt(double c) {
    return new DjlMask(array.lt(c));
  }

  @Override
  public Mask gt(double c) {
    return new DjlMask(array.gt(c));
  }

  @Override
  public Mask gte(Tensor other) {
    return new DjlMask(array.gte(a(other)));
  }

  @Override
  public Mask gte(double c) {
    return new DjlMask(array.gte(c));
  }

  @Override
  public Mask neq(double c) {
    return new DjlMask(array.neq(c));
  }

  @Override
  public Tensor slice(int from, int to) {
    return w(array.get(new NDIndex("{}:{}", from, to)));
  }

  @Override
  public Tensor row(int i) {
    return w(array.get(i));
  }

  @Override
  public Tensor tiles(int width) {
    long n = array.size();
    if (width < 1 || array.getShape().dimension() != 1 || n % width != 0) {
      throw new IllegalArgumentException(
          "tiles need [N] with N a multiple of " + width + ", found " + array.getShape());
    }
    return w(array.reshape(n / width, width));
  }

  @Override
  public Tensor flatten() {
    return w(array.reshape(-1));
  }

  @Override
  public Tensor rowSums() {
    return rowTree(true);
  }

  @Override
  public Tensor rowMax() {
    return rowTree(false);
  }

  private Tensor rowTree(boolean sum) {
    Shape shape = array.getShape();
    if (shape.dimension() != 2 || Long.bitCount(shape.get(1)) != 1) {
      throw new IllegalArgumentException(
          "row reductions need [T, W] with W a power of two, found " + shape);
    }
    NDArray x = array;
    for (long half = shape.get(1) / 2; half >= 1; half /= 2) {
      NDList halves = x.split(2, 1); // views: no copy before the operation
      x = sum ? halves.get(0).add(halves.get(1)) : halves.get(0).maximum(halves.get(1));
    }
    return w(x);
  }

  @Override
  public boolean isSinglePrecision() {
    return array.getDataType() == DataType.FLOAT32;
  }

  /** A boolean DJL array as a {@link Mask}. */
  static final class DjlMask implements Mask {
    private final NDArray condition;

    DjlMask(NDArray condition) {
      this.condition = condition;
    }

    @Override
    public Mask and(Mask other) {
      return new DjlMask(condition.logicalAnd(((DjlMask) other).condition));
    }

    @Override
    public Tensor toValues(Tensor like) {
      return w(condition.toType(a(like).getDataType(), false));
    }

    @Override
    public Tensor select(Tensor ifTrue, Tensor ifFalse) {
      return w(NDArrays.where(condition, a(ifTrue), a(ifFalse)));
    }
  }
}
