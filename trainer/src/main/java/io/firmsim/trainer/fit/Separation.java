package io.firmsim.trainer.fit;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

/**
 * Whether a binary outcome is (quasi-)completely separated by a linear combination of the features:
 * a direction {@code d} with {@code (2 y_i - 1) z_i'd >= 0} in every row, strictly in at least one
 * (z_i: the design row, intercept included). Then the likelihood keeps rising as the coefficients
 * run off along {@code d} and the maximum-likelihood estimates do not exist (Albert and Anderson,
 * 1984); a Newton fit either stops at its iteration limit or "converges" where the fitted
 * probabilities round to 0 and 1, with meaningless, huge coefficients.
 *
 * <p>The test is exact, by linear programming: by Stiemke's alternative there is no such {@code d}
 * exactly when some strictly positive weights {@code lambda} balance the signed rows, {@code sum_i
 * lambda_i (2 y_i - 1) z_i = 0}. Writing {@code lambda_i = 1 + mu_i}, that is the feasibility of
 * {@code sum_i mu_i s_i z_i = -sum_i s_i z_i, mu >= 0}: q equality constraints in n non-negative
 * unknowns, which the simplex method (Commons Math, Bland's rule) decides in a few pivots of a
 * {@code q x n} tableau. The LP is solved only for fits that look separated (see {@link
 * BinaryEstimator}) and only while the tableau is at most {@value #MAX_CELLS} cells; beyond that
 * the answer is {@link Verdict#UNDECIDED}.
 */
final class Separation {
  /** Largest tableau (rows times columns) the check builds. */
  static final long MAX_CELLS = 20_000_000L;

  /** The answer of the check. */
  enum Verdict {
    SEPARATED,
    NOT_SEPARATED,
    UNDECIDED
  }

  private Separation() {}

  /**
   * @param design feature-major {@code [q, n]} design values (row 0 the intercept's ones)
   * @param q parameters (design rows)
   * @param y 0/1 outcomes
   */
  static Verdict check(double[] design, int q, double[] y) {
    int n = y.length;
    if ((long) (q + 2) * (n + q + 2) > MAX_CELLS) {
      return Verdict.UNDECIDED;
    }
    List<LinearConstraint> constraints = new ArrayList<>(q);
    for (int k = 0; k < q; k++) {
      double[] row = new double[n];
      double rhs = 0;
      int o = k * n;
      for (int i = 0; i < n; i++) {
        double a = y[i] == 1 ? design[o + i] : -design[o + i];
        row[i] = a;
        rhs -= a;
      }
      constraints.add(new LinearConstraint(row, Relationship.EQ, rhs));
    }
    double[] cost = new double[n]; // feasibility only: phase 1 decides, phase 2 has nothing to do
    try {
      new SimplexSolver(1e-9, 10, 1e-300)
          .optimize(
              new MaxIter(100 * (q + 10)),
              new LinearObjectiveFunction(cost, 0),
              new LinearConstraintSet(constraints),
              GoalType.MINIMIZE,
              new NonNegativeConstraint(true));
      return Verdict.NOT_SEPARATED;
    } catch (NoFeasibleSolutionException e) {
      return Verdict.SEPARATED;
    } catch (TooManyIterationsException e) {
      return Verdict.UNDECIDED;
    }
  }
}
