package io.firmsim.models.tensor;

/**
 * A value of the model's arithmetic, whatever computes it: the small tensor algebra in which the
 * equations, their constraints and the accounting of a simulation year are written once.
 *
 * <p>Two implementations: {@link DjlTensor} evaluates every operation eagerly on a DJL {@code
 * NDArray} (the simulator's DJL backend and the DJL blocks), and the ONNX exporter's graph tensor
 * records every operation as a node of an ONNX graph. Because the model's code is shared, the
 * exported graph is the DJL block's computation by construction; the parity tests check the
 * translation of each operation and the two runtimes' arithmetic, not two copies of the model.
 *
 * <p>All binary operations are elementwise with numpy broadcasting, between tensors of the same
 * dtype (float32 or float64); scalar operands are taken in the tensor's dtype. Comparisons give a
 * {@link Mask}. Axis 0 is the only indexed axis ({@link #slice}, {@link #row}): the model works on
 * {@code [N]} columns and on {@code [rows, N]} predictor matrices.
 */
public interface Tensor {
  Tensor add(Tensor other);

  Tensor add(double c);

  Tensor sub(Tensor other);

  Tensor sub(double c);

  Tensor mul(Tensor other);

  Tensor mul(double c);

  Tensor div(Tensor other);

  Tensor div(double c);

  Tensor neg();

  Tensor abs();

  /** {@code x * x}. */
  Tensor square();

  /** {@code x * x * x}. */
  Tensor cube();

  Tensor maximum(Tensor other);

  Tensor maximum(double c);

  Tensor minimum(Tensor other);

  Tensor minimum(double c);

  /** {@code min(max(x, lo), hi)}. */
  Tensor clip(double lo, double hi);

  Tensor exp();

  /** Natural logarithm. */
  Tensor log();

  Tensor tanh();

  Tensor sinh();

  /** {@code 1 / (1 + exp(-x))}. */
  Tensor sigmoid();

  /** {@code ln(1 + exp(x))}, without overflow for large x. */
  Tensor softplus();

  /**
   * The standard normal quantile {@code Phi^-1(x)} for x in (0, 1), accurate to a few units in the
   * last place of float64 (the caller keeps x away from 0 and 1).
   */
  Tensor normalQuantile();

  /** Zeros of this tensor's shape and dtype (not {@code x * 0}, which keeps NaN). */
  Tensor zerosLike();

  Mask lt(Tensor other);

  Mask lt(double c);

  Mask gt(double c);

  Mask gte(Tensor other);

  Mask gte(double c);

  Mask neq(double c);

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) along axis 0. */
  Tensor slice(int from, int to);

  /** Row {@code i} along axis 0, that axis removed. */
  Tensor row(int i);

  /**
   * {@code [N]} as {@code [N / width, width]}: one row per tile of {@code width} consecutive
   * elements (a view where the implementation has them).
   *
   * @throws IllegalArgumentException where N is known here and is not a multiple of {@code width}
   */
  Tensor tiles(int width);

  /** All elements as one axis, {@code [size]}, in row-major order. */
  Tensor flatten();

  /**
   * {@code [T, W] -> [T, 1]}: the sum of each row (W a power of two). {@code DjlTensor} sums by a
   * fixed pairwise tree (log2(W) rounds of adding a row's second half to its first: elementwise
   * additions that round each element once whatever T, so a row's sum depends only on its own
   * elements); the ONNX graph uses ReduceSum, which agrees to rounding.
   */
  Tensor rowSums();

  /** {@code [T, W] -> [T, 1]}: the maximum of each row (exact in any order). */
  Tensor rowMax();

  /** Whether the dtype is float32 (else float64). */
  boolean isSinglePrecision();
}
