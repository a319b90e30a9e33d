package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.List;

/**
 * Binary response by maximum likelihood, logit or cloglog link: {@code P(y = 1) = F(b0 + x'b)}.
 * Newton's method on standardized features ({@link NewtonSolver}); standard errors from the
 * observed information at the optimum (for the logit link it equals the expected one).
 */
public final class BinaryEstimator {
  private BinaryEstimator() {}

  /**
   * @param manager where the design lives (its device runs the fit)
   * @param x row-major {@code [n, features]} values
   * @param y one 0/1 outcome per row
   * @throws IllegalArgumentException for a target that is not 0/1 or has only one value, a constant
   *     feature, or collinear features
   */
  public static FitResult fit(
      NDManager manager,
      Link link,
      List<String> features,
      double[] x,
      double[] y,
      FitOptions options) {
    int n = y.length;
    double ones = 0;
    for (int i = 0; i < n; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException(
            "a binary target must be 0 or 1, found " + y[i] + " in row " + (i + 1));
      }
      ones += y[i];
    }
    if (ones == 0 || ones == n) {
      throw new IllegalArgumentException(
          "the binary target is all " + (ones == 0 ? "zeros" : "ones") + ": nothing to estimate");
    }
    try (Design d = Design.of(manager, features, x, n, false)) {
      NDArray target = d.manager().create(y);
      double ybar = ones / n;
      double[] start = new double[d.features() + 1];
      start[0] = link == Link.LOGIT ? Math.log(ybar / (1 - ybar)) : Math.log(-Math.log(1 - ybar));
      Objective f = (theta, derivatives) -> evaluate(d, target, link, theta, derivatives);
      // The information X'WX (w > 0) at the start doubles as the collinearity check's gram.
      NewtonSolver.Solution s = NewtonSolver.maximise(f, start, options, d::checkCollinearity);
      double[][] cov = NewtonSolver.inverse(s.information());
      double[][] orig = d.toOriginal(s.theta(), cov, 1, 0);
      int p = d.features();
      double[] coef = new double[p];
      double[] se = new double[p];
      for (int j = 0; j < p; j++) {
        coef[j] = orig[0][1 + j];
        se[j] = Math.sqrt(orig[2 + j][1 + j]);
      }
      return new FitResult(
          Family.BINARY,
          link,
          features,
          coef,
          new double[] {orig[0][0]},
          Double.NaN,
          se,
          new double[] {Math.sqrt(orig[1][0])},
          Double.NaN,
          s.value(),
          s.iterations(),
          s.converged(),
          n,
          null);
    }
  }

  private static Objective.Evaluation evaluate(
      Design d, NDArray y, Link link, double[] theta, boolean derivatives) {
    try (NDManager scope = d.manager().newSubManager()) {
      NDArray x = d.x();
      x.tempAttach(scope);
      y.tempAttach(scope);
      NDArray eta = DeviceMath.predictor(x, scope.create(theta));
      NDArray score;
      NDArray w;
      double ll;
      if (link == Link.LOGIT) {
        ll = DeviceMath.sum(y.mul(eta).sub(DeviceMath.softplus(eta)));
        if (!derivatives) {
          return new Objective.Evaluation(ll, null, null);
        }
        NDArray p = DeviceMath.sigmoid(eta);
        score = y.sub(p);
        w = p.mul(p.neg().add(1));
      } else {
        NDArray mu = eta.exp();
        NDArray notY = y.neg().add(1);
        ll = DeviceMath.sum(y.mul(DeviceMath.oneMinusExpNeg(mu).log()).sub(notY.mul(mu)));
        if (!derivatives) {
          return new Objective.Evaluation(ll, null, null);
        }
        // d ll / d eta = r = mu / expm1(mu) for y = 1, -mu for y = 0;
        // -d2 ll / d eta2 = r (mu + r - 1) for y = 1 (series near 0), mu for y = 0.
        NDArray r = mu.div(DeviceMath.expm1(mu));
        NDArray muPlusRMinus1 =
            ai.djl.ndarray.NDArrays.where(
                mu.lt(1e-3), mu.div(2).add(mu.square().div(12)), mu.add(r).sub(1));
        score = y.mul(r).sub(notY.mul(mu));
        w = y.mul(r.mul(muPlusRMinus1)).add(notY.mul(mu));
      }
      if (!Double.isFinite(ll)) {
        return new Objective.Evaluation(Double.NEGATIVE_INFINITY, null, null);
      }
      double[] g = DeviceMath.crossprod(x, score);
      double[][] h = NewtonSolver.negate(DeviceMath.weightedGram(x, w));
      return new Objective.Evaluation(ll, g, h);
    }
  }
}
