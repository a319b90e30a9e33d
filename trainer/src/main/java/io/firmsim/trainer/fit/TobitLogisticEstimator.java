package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import io.firmsim.zoo.modelspec.Family;
import java.util.List;

/**
 * Tobit type 1 with logistic errors, censored at 0: {@code y = max(0, b0 + x'b + s L)}, L standard
 * logistic (MODEL.md section 3, method TOBIT). Maximum likelihood for intercept, slopes and {@code
 * log s} by Newton's method, on standardized features and on the target divided by its standard
 * deviation (so SEK-sized targets and scales are of order one); estimates are mapped back. Standard
 * errors from the observed information; the scale's by the delta method.
 *
 * <p>{@code AER::tobit(left = 0, dist = "logistic")} fits the same model.
 */
public final class TobitLogisticEstimator {
  private TobitLogisticEstimator() {}

  /**
   * @param y non-negative outcomes, some of them 0 (censored) and some positive
   * @throws NotEstimableException for a target with fewer than two positive values, more parameters
   *     than rows, a constant or collinear feature, or overflow
   * @throws IllegalArgumentException for a negative or non-finite target (callers check their input
   *     first)
   */
  public static FitResult fit(
      NDManager manager, List<String> features, double[] x, double[] y, FitOptions options) {
    int n = y.length;
    double sum = 0;
    long positive = 0;
    for (int i = 0; i < n; i++) {
      if (!(y[i] >= 0) || Double.isInfinite(y[i])) {
        throw new IllegalArgumentException(
            "a Tobit target must be finite and non-negative, found " + y[i] + " in row " + (i + 1));
      }
      sum += y[i];
      if (y[i] > 0) {
        positive++;
      }
    }
    if (positive < 2) {
      throw new NotEstimableException(
          NotEstimableException.Reason.DEGENERATE_TARGET,
          "the Tobit target has fewer than two positive values (" + positive + " of " + n + ")");
    }
    FeatureChecks.requireRows("a Tobit fit", n, features.size() + 2, false);
    // The target's standard deviation, from relative moments (no overflow for SEK-sized values).
    FeatureChecks.Moments moments = FeatureChecks.moments(y, 0, 1, n);
    if (moments.relativeSd() == 0) {
      throw new NotEstimableException(
          NotEstimableException.Reason.DEGENERATE_TARGET,
          "the Tobit target takes one value only (" + y[0] + "): nothing to estimate");
    }
    double mean = moments.mean();
    double ys = moments.sd();
    double[] scaled = new double[n];
    for (int i = 0; i < n; i++) {
      scaled[i] = y[i] / ys;
    }
    try (Design d = Design.of(manager, features, x, n)) {
      NDArray target = d.manager().create(scaled);
      NDArray censored = target.lte(0).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
      int p = d.features();
      double[] start = new double[p + 2];
      start[0] = mean / ys;
      start[p + 1] = Math.log(Math.sqrt(3) / Math.PI); // logistic scale of a unit variance
      Objective f = (theta, der) -> evaluate(d, target, censored, theta, der);
      NewtonSolver.Solution s = NewtonSolver.maximise(f, start, options);
      double[][] cov = NewtonSolver.inverse(s.information());
      double[][] orig = d.toOriginal(s.theta(), cov, 1, 1);
      double[] coef = new double[p];
      double[] se = new double[p];
      for (int j = 0; j < p; j++) {
        coef[j] = orig[0][1 + j] * ys;
        se[j] = Math.sqrt(orig[2 + j][1 + j]) * ys;
      }
      double logScale = orig[0][p + 1];
      double scale = Math.exp(logScale) * ys;
      double scaleSe = scale * Math.sqrt(orig[p + 2][p + 1]);
      // Log-likelihood of the original y: the density term shifts by -log(ys) per uncensored row.
      double ll = s.value() - positive * Math.log(ys);
      return new FitResult(
              Family.TOBIT,
              null,
              features,
              coef,
              new double[] {orig[0][0] * ys},
              scale,
              se,
              new double[] {Math.sqrt(orig[1][0]) * ys},
              scaleSe,
              ll,
              s.iterations(),
              s.converged(),
              n,
              null,
              Covariance.OBSERVED)
          .requireFinite();
    }
  }

  private static Objective.Evaluation evaluate(
      Design d, NDArray y, NDArray censored, double[] theta, boolean derivatives) {
    int q = theta.length;
    double logS = theta[q - 1];
    double s = Math.exp(logS);
    if (!Double.isFinite(s) || s <= 0) {
      return new Objective.Evaluation(Double.NEGATIVE_INFINITY, null, null);
    }
    try (NDManager scope = d.manager().newSubManager()) {
      NDArray x = d.x();
      x.tempAttach(scope);
      y.tempAttach(scope);
      censored.tempAttach(scope);
      NDArray eta = DeviceMath.predictor(x, scope.create(java.util.Arrays.copyOf(theta, q - 1)));
      NDArray isCensored = censored.gt(0);
      // Uncensored: l = -z - 2 softplus(-z) - log s with z = (y - eta) / s.
      NDArray z = y.sub(eta).div(s);
      NDArray lu = z.neg().sub(DeviceMath.softplus(z.neg()).mul(2)).sub(logS);
      // Censored: l = log F(-eta / s) = -softplus(c) with c = eta / s.
      NDArray c = eta.div(s);
      NDArray lc = DeviceMath.softplus(c).neg();
      double value = DeviceMath.sum(NDArrays.where(isCensored, lc, lu));
      if (!Double.isFinite(value)) {
        return new Objective.Evaluation(Double.NEGATIVE_INFINITY, null, null);
      }
      if (!derivatives) {
        return new Objective.Evaluation(value, null, null);
      }
      // Uncensored: g = dl/dz = 1 - 2 sigma(z), hz = -d2l/dz2 = 2 sigma(z)(1 - sigma(z)).
      NDArray sz = DeviceMath.sigmoid(z);
      NDArray gz = sz.mul(-2).add(1);
      NDArray hz = sz.mul(sz.neg().add(1)).mul(2);
      NDArray uEta = gz.neg().div(s);
      NDArray uTheta = gz.mul(z).neg().sub(1);
      NDArray uEtaEta = hz.neg().div(s * s);
      NDArray uThetaTheta = hz.mul(z.square()).neg().add(gz.mul(z));
      NDArray uEtaTheta = hz.mul(z).neg().add(gz).div(s);
      // Censored: sc = sigma(c), hc = sc (1 - sc).
      NDArray sc = DeviceMath.sigmoid(c);
      NDArray hc = sc.mul(sc.neg().add(1));
      NDArray cEta = sc.neg().div(s);
      NDArray cTheta = sc.mul(c);
      NDArray cEtaEta = hc.neg().div(s * s);
      NDArray cThetaTheta = hc.mul(c.square()).neg().sub(sc.mul(c));
      NDArray cEtaTheta = hc.mul(c).add(sc).div(s);
      NDArray dEta = NDArrays.where(isCensored, cEta, uEta);
      NDArray dTheta = NDArrays.where(isCensored, cTheta, uTheta);
      NDArray dEtaEta = NDArrays.where(isCensored, cEtaEta, uEtaEta);
      NDArray dThetaTheta = NDArrays.where(isCensored, cThetaTheta, uThetaTheta);
      NDArray dEtaTheta = NDArrays.where(isCensored, cEtaTheta, uEtaTheta);
      double[] g = new double[q];
      double[] gb = DeviceMath.crossprod(x, dEta);
      System.arraycopy(gb, 0, g, 0, q - 1);
      g[q - 1] = DeviceMath.sum(dTheta);
      double[][] h = new double[q][q];
      double[][] hbb = DeviceMath.weightedGram(x, dEtaEta);
      double[] hbt = DeviceMath.crossprod(x, dEtaTheta);
      for (int i = 0; i < q - 1; i++) {
        System.arraycopy(hbb[i], 0, h[i], 0, q - 1);
        h[i][q - 1] = h[q - 1][i] = hbt[i];
      }
      h[q - 1][q - 1] = DeviceMath.sum(dThetaTheta);
      return new Objective.Evaluation(value, g, h);
    }
  }
}
