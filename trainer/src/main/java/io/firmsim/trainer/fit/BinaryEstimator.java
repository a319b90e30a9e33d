package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary response by maximum likelihood, logit or cloglog link: {@code P(y = 1) = F(b0 + x'b)}.
 * Newton's method on standardized features ({@link NewtonSolver}). Standard errors from the
 * expected (Fisher) information {@code X'WX} at the optimum, as R's {@code glm} and statsmodels
 * report them, or on request from the observed information (for the logit link the two are equal;
 * for cloglog they differ by a few percent).
 *
 * <p>Data that do not identify the model are refused with a {@link NotEstimableException}: a target
 * with one value, more parameters than rows, a constant or collinear feature, and perfect (complete
 * or quasi-complete) separation, checked exactly by {@link Separation} whenever the fit did not
 * converge or predicts some row's outcome with certainty (probability within 1e-10 of 1). Estimates
 * that overflow are refused as well, never returned as infinities.
 */
public final class BinaryEstimator {
  /** A row's outcome counts as predicted with certainty when its probability is this close to 1. */
  static final double CERTAIN = 1e-10;

  private BinaryEstimator() {}

  /**
   * @param manager where the design lives (its device runs the fit)
   * @param x row-major {@code [n, features]} values
   * @param y one 0/1 outcome per row
   * @param options convergence settings and the covariance of the standard errors
   * @throws NotEstimableException for a target with one value, more parameters than rows, a
   *     constant feature, collinear features, perfect separation or overflow
   * @throws IllegalArgumentException for a target value other than 0 or 1 (callers check their
   *     input first)
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
      throw new NotEstimableException(
          NotEstimableException.Reason.DEGENERATE_TARGET,
          "the binary target is all " + (ones == 0 ? "zeros" : "ones") + ": nothing to estimate");
    }
    FeatureChecks.requireRows("a binary fit", n, features.size() + 1, false);
    try (Design d = Design.of(manager, features, x, n, false)) {
      NDArray target = d.manager().create(y);
      double ybar = ones / n;
      double[] start = new double[d.features() + 1];
      start[0] = link == Link.LOGIT ? Math.log(ybar / (1 - ybar)) : Math.log(-Math.log(1 - ybar));
      boolean checked = false;
      if (Separation.cells(n, d.features() + 1) <= Separation.EAGER_CELLS) {
        // Small enough to decide before Newton, which on separated data would run to its
        // iteration limit with the coefficients diverging.
        checkSeparation(d, y, null, 0);
        checked = true;
      }
      Objective f = (theta, derivatives) -> evaluate(d, target, link, theta, derivatives);
      // The information X'WX (w > 0) at the start doubles as the collinearity check's gram.
      NewtonSolver.Solution s = NewtonSolver.maximise(f, start, options, d::checkCollinearity);
      long certain = certainRows(d, target, link, s.theta());
      if (!checked && (!s.converged() || certain > 0)) {
        checkSeparation(d, y, s, certain);
      }
      Covariance covariance = options.binaryCovariance();
      double[][] information =
          covariance == Covariance.EXPECTED
              ? expectedInformation(d, link, s.theta())
              : s.information();
      double[][] cov = NewtonSolver.inverse(information);
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
              null,
              covariance)
          .requireFinite();
    }
  }

  /**
   * Refuses a separated outcome (see {@link Separation}). Where the exact check is too large, a fit
   * that predicts every row with certainty is named as completely separated.
   */
  private static void checkSeparation(Design d, double[] y, NewtonSolver.Solution s, long certain) {
    Separation.Verdict verdict;
    try (NDManager scope = d.manager().newSubManager()) {
      NDArray x = d.x();
      x.tempAttach(scope);
      verdict = Separation.check(x.toDoubleArray(), d.features() + 1, y);
    }
    if (verdict == Separation.Verdict.NOT_SEPARATED
        || (verdict == Separation.Verdict.UNDECIDED && (s == null || certain < y.length))) {
      return;
    }
    String detail = "";
    if (s != null) {
      // Along a separating direction the slopes grow without bound: name the largest ones.
      double[] theta = s.theta();
      double largest = 0;
      for (int j = 1; j < theta.length; j++) {
        largest = Math.max(largest, Math.abs(theta[j]));
      }
      List<String> involved = new ArrayList<>();
      for (int j = 1; j < theta.length; j++) {
        if (Math.abs(theta[j]) >= 0.1 * largest) {
          involved.add(d.featureNames().get(j - 1));
        }
      }
      detail =
          " (mostly "
              + String.join(", ", involved)
              + "; the fit predicts "
              + certain
              + " of "
              + y.length
              + " rows with certainty after "
              + s.iterations()
              + " iterations)";
    }
    throw new NotEstimableException(
        NotEstimableException.Reason.SEPARATION,
        "perfect separation: a linear combination of the features"
            + detail
            + " separates the outcomes 0 and 1 (in some rows at least, ties aside), so the"
            + " coefficients diverge and have no maximum-likelihood estimate; drop or coarsen the"
            + " separating features, or fit on more varied data");
  }

  /** Rows whose observed outcome the fit predicts with probability within 1e-10 of 1. */
  private static long certainRows(Design d, NDArray y, Link link, double[] theta) {
    try (NDManager scope = d.manager().newSubManager()) {
      NDArray x = d.x();
      x.tempAttach(scope);
      y.tempAttach(scope);
      NDArray eta = DeviceMath.predictor(x, scope.create(theta));
      NDArray miss; // 1 - P(observed outcome)
      if (link == Link.LOGIT) {
        NDArray sign = y.mul(2).sub(1);
        miss = DeviceMath.sigmoid(eta.mul(sign).neg());
      } else {
        NDArray mu = eta.exp();
        miss =
            ai.djl.ndarray.NDArrays.where(y.gt(0.5), mu.neg().exp(), DeviceMath.oneMinusExpNeg(mu));
      }
      return miss.lt(CERTAIN).sum().getLong();
    }
  }

  /**
   * The expected (Fisher) information {@code X'WX} of the standardized parameters: {@code w = p (1
   * - p)} for logit, {@code w = (dp/deta)^2 / (p (1 - p)) = mu^2 / expm1(mu)} with {@code mu =
   * exp(eta)} for cloglog.
   */
  private static double[][] expectedInformation(Design d, Link link, double[] theta) {
    try (NDManager scope = d.manager().newSubManager()) {
      NDArray x = d.x();
      x.tempAttach(scope);
      NDArray eta = DeviceMath.predictor(x, scope.create(theta));
      NDArray w;
      if (link == Link.LOGIT) {
        NDArray p = DeviceMath.sigmoid(eta);
        w = p.mul(p.neg().add(1));
      } else {
        NDArray mu = eta.exp();
        w = mu.mul(mu.div(DeviceMath.expm1(mu)));
      }
      return DeviceMath.weightedGram(x, w);
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
