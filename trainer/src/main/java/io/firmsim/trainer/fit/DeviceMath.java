package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * Elementwise functions the tensor API lacks, accurate for small arguments where the naive form
 * cancels: below 1e-3 a four-term series (relative error below 1e-14), above it the direct form.
 */
final class DeviceMath {
  private static final double SMALL = 1e-3;

  private DeviceMath() {}

  /** {@code exp(x) - 1} for {@code x >= 0}. */
  static NDArray expm1(NDArray x) {
    NDArray series = x.mul(x.mul(x.mul(x.div(24).add(1.0 / 6)).add(0.5)).add(1));
    return NDArrays.where(x.lt(SMALL), series, x.exp().sub(1));
  }

  /** {@code 1 - exp(-x)} for {@code x >= 0}. */
  static NDArray oneMinusExpNeg(NDArray x) {
    NDArray series = x.mul(x.mul(x.mul(x.div(-24).add(1.0 / 6)).sub(0.5)).add(1));
    return NDArrays.where(x.lt(SMALL), series, x.neg().exp().neg().add(1));
  }

  /** {@code log(1 + exp(x))}, stable for any x. */
  static NDArray softplus(NDArray x) {
    return x.getNDArrayInternal().softPlus();
  }

  /** {@code 1 / (1 + exp(-x))}. */
  static NDArray sigmoid(NDArray x) {
    return x.getNDArrayInternal().sigmoid();
  }

  /** Sum of all elements as a host double. */
  static double sum(NDArray x) {
    return x.sum().getDouble();
  }

  /** The linear predictor {@code X theta} of a feature-major design: {@code [n]}. */
  static NDArray predictor(NDArray design, NDArray theta) {
    return theta.matMul(design);
  }

  /** {@code X' v} for a feature-major design {@code [q, n]} and {@code v [n]}: {@code [q]}. */
  static double[] crossprod(NDArray design, NDArray v) {
    return design.matMul(v).toDoubleArray();
  }

  /** {@code X' diag(w) X} for a feature-major design {@code [q, n]}, on the host. */
  static double[][] weightedGram(NDArray design, NDArray w) {
    long q = design.getShape().get(0);
    double[] flat = design.mul(w).matMul(design.transpose()).toDoubleArray();
    double[][] g = new double[(int) q][(int) q];
    for (int i = 0; i < q; i++) {
      System.arraycopy(flat, (int) (i * q), g[i], 0, (int) q);
    }
    return g;
  }
}
