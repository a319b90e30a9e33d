package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.List;

/**
 * The ordinal three-outcome cloglog model of MODEL.md section 3 (method MUNO): outcomes -1, 0, 1
 * with {@code P(-1) = F(i1 + x'b)} and {@code P(y <= 0) = F(i2 + x'b)}, {@code F(e) = 1 -
 * exp(-exp(e))}, two ordered thresholds {@code i1 < i2} and one slope vector. Maximum likelihood by
 * Newton's method on standardized features; a step that would unorder the thresholds is
 * inadmissible and halved. Standard errors from the observed information.
 *
 * <p>{@code MASS::polr(method = "cloglog")} fits the same model with {@code zeta_k = i_k} and
 * coefficients {@code -b}.
 */
public final class OrdinalCloglogEstimator {
  private OrdinalCloglogEstimator() {}

  /**
   * @param y outcomes -1, 0 or 1
   * @throws NotEstimableException for a category with no row, more parameters than rows, a constant
   *     or collinear feature, or overflow
   * @throws IllegalArgumentException for another outcome value (callers check their input first)
   */
  public static FitResult fit(
      NDManager manager, List<String> features, double[] x, double[] y, FitOptions options) {
    int n = y.length;
    long[] counts = new long[3];
    for (int i = 0; i < n; i++) {
      if (y[i] != -1 && y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException(
            "an ordinal target must be -1, 0 or 1, found " + y[i] + " in row " + (i + 1));
      }
      counts[(int) y[i] + 1]++;
    }
    String[] names = {"-1 (negative)", "0 (zero)", "1 (positive)"};
    for (int k = 0; k < 3; k++) {
      if (counts[k] == 0) {
        throw new NotEstimableException(
            NotEstimableException.Reason.EMPTY_CATEGORY,
            "the ordinal target has no row in category "
                + names[k]
                + ": the thresholds are not"
                + " identified");
      }
    }
    FeatureChecks.requireRows("an ordinal3 fit", n, features.size() + 2, false);
    try (Design d = Design.of(manager, features, x, n)) {
      NDArray neg = d.manager().create(indicator(y, -1));
      NDArray zero = d.manager().create(indicator(y, 0));
      NDArray pos = d.manager().create(indicator(y, 1));
      int p = d.features();
      double[] start = new double[p + 2];
      double p1 = (double) counts[0] / n;
      double p2 = (double) (counts[0] + counts[1]) / n;
      start[0] = Math.log(-Math.log(1 - p1));
      start[1] = Math.log(-Math.log(1 - p2));
      Objective f = (theta, der) -> evaluate(d, neg, zero, pos, theta, der);
      NewtonSolver.Solution s = NewtonSolver.maximise(f, start, options);
      double[][] cov = NewtonSolver.inverse(s.information());
      double[][] orig = d.toOriginal(s.theta(), cov, 2, 0);
      double[] coef = new double[p];
      double[] se = new double[p];
      for (int j = 0; j < p; j++) {
        coef[j] = orig[0][2 + j];
        se[j] = Math.sqrt(orig[3 + j][2 + j]);
      }
      return new FitResult(
              Family.ORDINAL3,
              Link.CLOGLOG,
              features,
              coef,
              new double[] {orig[0][0], orig[0][1]},
              Double.NaN,
              se,
              new double[] {Math.sqrt(orig[1][0]), Math.sqrt(orig[2][1])},
              Double.NaN,
              s.value(),
              s.iterations(),
              s.converged(),
              n,
              null,
              Covariance.OBSERVED)
          .requireFinite();
    }
  }

  private static double[] indicator(double[] y, int value) {
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i] == value ? 1 : 0;
    }
    return out;
  }

  private static Objective.Evaluation evaluate(
      Design d, NDArray neg, NDArray zero, NDArray pos, double[] theta, boolean derivatives) {
    if (!(theta[0] < theta[1])) {
      return new Objective.Evaluation(Double.NEGATIVE_INFINITY, null, null);
    }
    try (NDManager scope = d.manager().newSubManager()) {
      NDArray x = d.x();
      x.tempAttach(scope);
      neg.tempAttach(scope);
      zero.tempAttach(scope);
      pos.tempAttach(scope);
      NDArray slopes = x.get("1:");
      double[] b = java.util.Arrays.copyOfRange(theta, 2, theta.length);
      NDArray xb = b.length == 0 ? neg.zerosLike() : DeviceMath.predictor(slopes, scope.create(b));
      NDArray mu1 = xb.add(theta[0]).exp();
      NDArray mu2 = xb.add(theta[1]).exp();
      NDArray s1 = mu1.neg().exp(); // survival exp(-mu): 1 - F
      NDArray s2 = mu2.neg().exp();
      NDArray f1 = DeviceMath.oneMinusExpNeg(mu1); // F(eta1)
      NDArray mid = s1.sub(s2); // F(eta2) - F(eta1)
      NDArray isNeg = neg.gt(0);
      NDArray isZero = zero.gt(0);
      NDArray isPos = pos.gt(0);
      NDArray none = neg.zerosLike();
      // Each row's terms are taken from its own category only (others may be inf or NaN).
      NDArray ll = NDArrays.where(isNeg, f1.log(), NDArrays.where(isZero, mid.log(), mu2.neg()));
      double value = DeviceMath.sum(ll);
      if (!Double.isFinite(value)) {
        return new Objective.Evaluation(Double.NEGATIVE_INFINITY, null, null);
      }
      if (!derivatives) {
        return new Objective.Evaluation(value, null, null);
      }
      // Densities f = dF/deta = mu exp(-mu) and their derivatives f' = f (1 - mu).
      NDArray dens1 = mu1.mul(s1);
      NDArray dens2 = mu2.mul(s2);
      NDArray dd1 = dens1.mul(mu1.neg().add(1));
      NDArray dd2 = dens2.mul(mu2.neg().add(1));
      // y = -1: l = log F1, r1 = f1 / F1 = mu1 / expm1(mu1),
      // d2l/deta1^2 = -r1 (mu1 + r1 - 1) (series near 0; see BinaryEstimator).
      NDArray r1 = mu1.div(DeviceMath.expm1(mu1));
      NDArray negCurv =
          NDArrays.where(mu1.lt(1e-3), mu1.div(2).add(mu1.square().div(12)), mu1.add(r1).sub(1));
      // y = 0: l = log(F2 - F1), a_k = f_k / (F2 - F1).
      NDArray a1 = dens1.div(mid);
      NDArray a2 = dens2.div(mid);
      NDArray d1 = NDArrays.where(isNeg, r1, NDArrays.where(isZero, a1.neg(), none));
      NDArray d2 = NDArrays.where(isZero, a2, NDArrays.where(isPos, mu2.neg(), none));
      NDArray d11 =
          NDArrays.where(
              isNeg,
              r1.mul(negCurv).neg(),
              NDArrays.where(isZero, dd1.neg().div(mid).sub(a1.square()), none));
      NDArray d22 =
          NDArrays.where(
              isZero, dd2.div(mid).sub(a2.square()), NDArrays.where(isPos, mu2.neg(), none));
      NDArray d12 = NDArrays.where(isZero, a1.mul(a2), none);
      double[] g = new double[theta.length];
      double[][] h = new double[theta.length][theta.length];
      g[0] = DeviceMath.sum(d1);
      g[1] = DeviceMath.sum(d2);
      double[] gb = DeviceMath.crossprod(slopes, d1.add(d2));
      System.arraycopy(gb, 0, g, 2, gb.length);
      h[0][0] = DeviceMath.sum(d11);
      h[1][1] = DeviceMath.sum(d22);
      h[0][1] = h[1][0] = DeviceMath.sum(d12);
      double[] h0b = DeviceMath.crossprod(slopes, d11.add(d12));
      double[] h1b = DeviceMath.crossprod(slopes, d12.add(d22));
      double[][] hbb = DeviceMath.weightedGram(slopes, d11.add(d12.mul(2)).add(d22));
      for (int j = 0; j < gb.length; j++) {
        h[0][2 + j] = h[2 + j][0] = h0b[j];
        h[1][2 + j] = h[2 + j][1] = h1b[j];
        for (int k = 0; k < gb.length; k++) {
          h[2 + j][2 + k] = hbb[j][k];
        }
      }
      return new Objective.Evaluation(value, g, h);
    }
  }
}
