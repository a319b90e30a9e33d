package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.firmsim.zoo.modelspec.Family;
import java.util.List;

/**
 * Huber-Schweppe robust regression by iteratively reweighted least squares (MODEL.md section 6):
 * Huber's psi with {@code k = 1.345}; residuals scaled by a scale re-estimated every iteration as
 * {@code median(|r|) / 0.6745} (as {@code MASS::rlm} does) and, with Schweppe weights, by {@code
 * sqrt(1 - h_ii)}, the leverage of the design; weights {@code psi(u)/u}. Starts from least squares;
 * stops when the relative change of the residual vector (rlm's criterion), or the largest
 * coefficient change relative to the largest coefficient (standardized scale), is below the
 * parameter tolerance. Where the residual change stops shrinking (IRLS cycling, seen on heavily
 * clamped targets) the steps are damped, halving down to 1/64; this changes the path, not the fixed
 * point. When the robust scale falls below 1e-4 of its first value, more than half of the rows are
 * being fitted exactly and the fit stops, not converged.
 *
 * <p>Standard errors: Huber's (1981) sandwich covariance with his small-sample correction {@code
 * kappa}, as {@code summary.rlm} computes it: {@code (kappa / mean psi')^2 * s^2 sum(psi(u)^2) / (n
 * - p) * (X'X)^-1}; with Schweppe weights the residual terms are {@code sqrt(1 - h_ii) psi(u_i)}.
 * Without Schweppe weights the fit is rlm's (Huber M-estimation, MAD scale).
 */
public final class HuberSchweppeEstimator {
  /** Huber's tuning constant: 95% efficiency at the normal. */
  public static final double K = 1.345;

  private HuberSchweppeEstimator() {}

  /**
   * @param schweppe whether to divide residuals by {@code sqrt(1 - h_ii)} (leverage weights)
   * @throws NotEstimableException for no more rows than parameters, a constant or collinear
   *     feature, a target fitted exactly in most rows, or overflow
   * @throws IllegalArgumentException for non-finite targets (callers check their input first)
   */
  public static FitResult fit(
      NDManager manager,
      List<String> features,
      double[] x,
      double[] y,
      boolean schweppe,
      FitOptions options) {
    int n = y.length;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("target value " + y[i] + " in row " + (i + 1));
      }
    }
    FeatureChecks.requireRows("a Huber fit", n, features.size() + 1, true);
    try (Design d = Design.of(manager, features, x, n, false)) {
      int q = d.features() + 1;
      NDManager m = d.manager();
      NDArray xd = d.x();
      NDArray target = m.create(y);
      NDArray ones = target.onesLike();
      // Leverage h_ii = x_i' (X'X)^-1 x_i and the Schweppe factor v_i = sqrt(1 - h_ii).
      double[][] xtx = DeviceMath.weightedGram(xd, ones);
      d.checkCollinearity(xtx);
      double[][] xtxInv = NewtonSolver.inverse(xtx);
      NDArray v;
      if (schweppe) {
        NDArray a = m.create(flatten(xtxInv), new ai.djl.ndarray.types.Shape(q, q));
        NDArray h = a.matMul(xd).mul(xd).sum(new int[] {0}); // x_i' A x_i for every row i
        v = h.neg().add(1).maximum(1e-12).sqrt();
      } else {
        v = ones;
      }
      double[] beta = NewtonSolver.solve(xtx, DeviceMath.crossprod(xd, target));
      NDArray resid = target.sub(DeviceMath.predictor(xd, m.create(beta)));
      double scale = Double.NaN;
      double damping = 1;
      double firstScale = Double.NaN;
      double previousChange = Double.POSITIVE_INFINITY;
      boolean converged = false;
      int iter = 0;
      while (iter < options.maxIterations()) {
        iter++;
        try (NDManager scope = m.newSubManager()) {
          // Every array computed this iteration (results follow their first operand's manager)
          // dies with the scope; only the new residuals are kept.
          xd.tempAttach(scope);
          target.tempAttach(scope);
          v.tempAttach(scope);
          NDArray old = resid;
          old.attach(scope);
          scale = old.abs().percentile(50).getDouble() / 0.6745;
          if (iter == 1) {
            firstScale = scale;
          } else if (scale < 1e-4 * firstScale) {
            // More than half of the rows are being fitted exactly (e.g. a target clamped at 0
            // in most rows): the robust scale collapses and there is no fixed point to reach.
            old.attach(m); // keep the current residuals past the scope
            break;
          }
          if (!(scale > 0)) {
            throw new NotEstimableException(
                NotEstimableException.Reason.DEGENERATE_TARGET,
                "the median absolute residual is 0: more than half of the rows are fitted"
                    + " exactly, the robust scale is not defined");
          }
          NDArray u = old.div(v).div(scale);
          NDArray w = u.abs().maximum(1e-300).pow(-1).mul(K).minimum(1);
          double[] next =
              NewtonSolver.solve(
                  DeviceMath.weightedGram(xd, w), DeviceMath.crossprod(xd, target.mul(w)));
          if (damping < 1) {
            for (int j = 0; j < q; j++) {
              next[j] = beta[j] + damping * (next[j] - beta[j]);
            }
          }
          NDArray newResid = target.sub(DeviceMath.predictor(xd, scope.create(next)));
          double change = old.sub(newResid).square().sum().getDouble();
          double size = old.square().sum().getDouble();
          double coefficientChange = 0;
          double coefficientSize = 0;
          for (int j = 0; j < q; j++) {
            coefficientChange = Math.max(coefficientChange, Math.abs(next[j] - beta[j]));
            coefficientSize = Math.max(coefficientSize, Math.abs(beta[j]));
          }
          // IRLS with a re-estimated scale can cycle (heavily clamped targets, where most rows
          // sit at one value): when the residual change stops shrinking, damp the steps.
          double relativeChange = Math.sqrt(change / Math.max(1e-20, size));
          if (relativeChange >= previousChange && damping > 1.0 / 64) {
            damping /= 2;
          }
          previousChange = relativeChange;
          beta = next;
          newResid.attach(m);
          resid = newResid; // the old residuals are freed with the scope
          // rlm's criterion on the residuals; or coefficients that no longer move, which is how
          // a (nearly) exact fit converges, its residuals being rounding noise.
          if (relativeChange < options.parameterTolerance()
              || coefficientChange <= options.parameterTolerance() * coefficientSize) {
            converged = true;
            break;
          }
        }
      }
      // Huber's covariance with kappa (summary.rlm), at the final scale.
      NDArray u = resid.div(v).div(scale);
      NDArray absU = u.abs();
      NDArray psi = u.clip(-K, K);
      NDArray psiPrime = absU.lte(K).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
      NDArray rho =
          ai.djl.ndarray.NDArrays.where(absU.lte(K), u.square().div(2), absU.mul(K).sub(K * K / 2));
      double objective = rho.sum().getDouble();
      double sumPsi2 = psi.mul(v).square().sum().getDouble();
      double mn = psiPrime.mean().getDouble();
      double varPsiPrime = mn * (1 - mn) * n / (n - 1.0); // R's var() of a 0/1 vector
      double kappa = 1 + q * varPsiPrime / (n * mn * mn);
      double stddev = Math.sqrt(scale * scale * sumPsi2 / (n - q)) * kappa / mn;
      double[][] cov = new double[q][q];
      for (int i = 0; i < q; i++) {
        for (int j = 0; j < q; j++) {
          cov[i][j] = xtxInv[i][j] * stddev * stddev;
        }
      }
      double[][] orig = d.toOriginal(beta, cov, 1, 0);
      int p = d.features();
      double[] coef = new double[p];
      double[] se = new double[p];
      for (int j = 0; j < p; j++) {
        coef[j] = orig[0][1 + j];
        se[j] = Math.sqrt(orig[2 + j][1 + j]);
      }
      ResidualDistribution residuals = ResidualDistribution.of(resid.toDoubleArray());
      return new FitResult(
              Family.HUBER,
              null,
              features,
              coef,
              new double[] {orig[0][0]},
              scale,
              se,
              new double[] {Math.sqrt(orig[1][0])},
              Double.NaN,
              objective,
              iter,
              converged,
              n,
              residuals,
              Covariance.SANDWICH)
          .requireFinite();
    }
  }

  private static double[] flatten(double[][] a) {
    int q = a.length;
    double[] out = new double[q * q];
    for (int i = 0; i < q; i++) {
      System.arraycopy(a[i], 0, out, i * q, q);
    }
    return out;
  }
}
