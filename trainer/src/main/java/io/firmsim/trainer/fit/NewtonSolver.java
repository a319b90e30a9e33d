package io.firmsim.trainer.fit;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * Newton's method with step halving for concave objectives of a few dozen parameters: the gradient
 * and Hessian are formed on the device, the Newton system is solved on the host (Cholesky of the
 * negated Hessian, LU when that fails). A step that does not improve the objective is halved up to
 * 40 times. Converged means, in the same iteration, a largest absolute parameter change below the
 * parameter tolerance and a relative objective change below the objective tolerance; otherwise the
 * result says it did not converge.
 */
final class NewtonSolver {
  /** Where Newton ended. */
  record Solution(
      double[] theta, double value, int iterations, boolean converged, double[][] information) {}

  private NewtonSolver() {}

  static Solution maximise(Objective f, double[] start, FitOptions options) {
    return maximise(f, start, options, null);
  }

  /**
   * As {@link #maximise(Objective, double[], FitOptions)}, handing the information at the start to
   * {@code atStart} first (for checks that need a weighted gram of the design).
   */
  static Solution maximise(
      Objective f,
      double[] start,
      FitOptions options,
      java.util.function.Consumer<double[][]> atStart) {
    double[] theta = start.clone();
    Objective.Evaluation e = f.evaluate(theta, true);
    if (!Double.isFinite(e.value())) {
      throw new NotEstimableException(
          NotEstimableException.Reason.OVERFLOW,
          "the objective overflows at the starting values (" + e.value() + ")");
    }
    if (atStart != null) {
      atStart.accept(negate(e.hessian()));
    }
    boolean converged = false;
    int iter = 0;
    while (iter < options.maxIterations()) {
      iter++;
      double[] step = ascentStep(negate(e.hessian()), e.gradient());
      double decrement = 0; // Newton decrement g' H^-1 g: twice the predicted gain
      for (int i = 0; i < step.length; i++) {
        decrement += step[i] * e.gradient()[i];
      }
      double scale = 1.0;
      double[] next = new double[theta.length];
      Objective.Evaluation trial = null;
      for (int halvings = 0; halvings <= 40; halvings++) {
        for (int i = 0; i < theta.length; i++) {
          next[i] = theta[i] + scale * step[i];
        }
        // The full step usually succeeds: evaluate it with derivatives so that, if accepted,
        // the next iteration needs no second pass over the data.
        trial = f.evaluate(next, halvings == 0);
        // Accept an improvement, or no worse within rounding of the objective.
        if (Double.isFinite(trial.value())
            && trial.value() >= e.value() - 1e-12 * Math.max(1, Math.abs(e.value()))) {
          break;
        }
        scale /= 2;
        trial = null;
      }
      if (trial == null) {
        break; // no admissible improving step: stop, not converged unless already at optimum
      }
      double maxChange = 0;
      for (int i = 0; i < theta.length; i++) {
        maxChange = Math.max(maxChange, Math.abs(next[i] - theta[i]));
      }
      double objectiveChange =
          Math.abs(trial.value() - e.value()) / Math.max(1, Math.abs(e.value()));
      theta = next.clone();
      e = trial.gradient() != null ? trial : f.evaluate(theta, true);
      // Small changes alone could be a stalled line search: also ask for a full step or a
      // predicted gain below the objective tolerance.
      boolean atOptimum =
          scale == 1.0
              || decrement / 2 < options.objectiveTolerance() * Math.max(1, Math.abs(e.value()));
      if (maxChange < options.parameterTolerance()
          && objectiveChange < options.objectiveTolerance()
          && atOptimum) {
        converged = true;
        break;
      }
    }
    return new Solution(theta, e.value(), iter, converged, negate(e.hessian()));
  }

  static double[][] negate(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = new double[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        out[i][j] = -m[i][j];
      }
    }
    return out;
  }

  /** The symmetric part {@code (a + a') / 2}: device products are symmetric only to rounding. */
  static RealMatrix symmetric(double[][] a) {
    int q = a.length;
    double[][] s = new double[q][q];
    for (int i = 0; i < q; i++) {
      for (int j = 0; j < q; j++) {
        s[i][j] = (a[i][j] + a[j][i]) / 2;
      }
    }
    return new Array2DRowRealMatrix(s, false);
  }

  /**
   * The Newton step {@code info^-1 g} where the information is positive definite; elsewhere (far
   * from the optimum of an objective that is not concave everywhere, such as Tobit's in the log
   * scale) a Levenberg-Marquardt step {@code (info + mu D)^-1 g} with D the diagonal of |info| and
   * mu raised until the system is positive definite, which is always an ascent direction.
   */
  static double[] ascentStep(double[][] information, double[] g) {
    RealMatrix m = symmetric(information);
    int q = g.length;
    for (double mu = 0; ; mu = mu == 0 ? 1e-8 : mu * 10) {
      RealMatrix damped = m.copy();
      for (int i = 0; i < q; i++) {
        damped.addToEntry(i, i, mu * Math.max(Math.abs(m.getEntry(i, i)), 1e-12));
      }
      try {
        return new CholeskyDecomposition(damped, 1e-14, 1e-300)
            .getSolver()
            .solve(new ArrayRealVector(g, false))
            .toArray();
      } catch (NonPositiveDefiniteMatrixException e) {
        if (mu > 1e12) {
          double[] gradientStep = g.clone(); // last resort: steepest ascent, scaled by halving
          return gradientStep;
        }
      }
    }
  }

  /** Solves {@code a x = b} for a symmetric matrix, positive definite when all is well. */
  static double[] solve(double[][] a, double[] b) {
    RealMatrix m = symmetric(a);
    try {
      return new CholeskyDecomposition(m, 1e-14, 1e-300)
          .getSolver()
          .solve(new ArrayRealVector(b, false))
          .toArray();
    } catch (NonPositiveDefiniteMatrixException e) {
      return new LUDecomposition(m, 1e-300)
          .getSolver()
          .solve(new ArrayRealVector(b, false))
          .toArray();
    }
  }

  /**
   * The inverse of a symmetric positive definite matrix (a covariance from an information).
   *
   * @throws NotEstimableException (overflow) for a singular matrix
   */
  static double[][] inverse(double[][] a) {
    RealMatrix m = symmetric(a);
    try {
      return new CholeskyDecomposition(m, 1e-14, 1e-300).getSolver().getInverse().getData();
    } catch (NonPositiveDefiniteMatrixException e) {
      try {
        return new LUDecomposition(m, 1e-300).getSolver().getInverse().getData();
      } catch (SingularMatrixException s) {
        throw new NotEstimableException(
            NotEstimableException.Reason.OVERFLOW,
            "the information matrix is singular at the estimates (its weights underflowed or"
                + " overflowed): a parameter is not identified by these data",
            s);
      }
    }
  }
}
