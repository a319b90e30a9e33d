package io.firmsim.trainer.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.junit.jupiter.api.Test;

/**
 * The separation check against a second implementation: Commons Math's simplex solver (Bland's
 * rule, its own phase 1) on the primal form of the question, {@code max sum_i s_i z_i'd} subject to
 * {@code s_i z_i'd >= 0} and {@code -1 <= d_j <= 1}, whose optimum is positive exactly when the
 * outcomes are (quasi-)separated (Konis, 2007). Random small designs, some labelled by a line (with
 * and without ties on it), some at random.
 */
class SeparationTest {
  @Test
  void agreesWithTheDirectLinearProgramOnRandomDesigns() {
    SplittableRandom r = new SplittableRandom(21);
    int separated = 0;
    for (int trial = 0; trial < 120; trial++) {
      int q = 2 + r.nextInt(3);
      int n = 8 + r.nextInt(40);
      double[] design = new double[q * n];
      for (int i = 0; i < n; i++) {
        design[i] = 1;
        for (int k = 1; k < q; k++) {
          // Integers make ties on a separating line common (quasi-complete separation).
          design[k * n + i] = trial % 2 == 0 ? r.nextInt(-3, 4) : r.nextGaussian();
        }
      }
      double[] w = new double[q];
      for (int k = 0; k < q; k++) {
        w[k] = r.nextInt(-2, 3);
      }
      double[] y = new double[n];
      int kind = trial % 3;
      for (int i = 0; i < n; i++) {
        double s = 0;
        for (int k = 0; k < q; k++) {
          s += w[k] * design[k * n + i];
        }
        y[i] =
            switch (kind) {
              case 0 -> s > 0 ? 1 : 0; // separated by w (ties at 0 go to 0)
              case 1 -> s > 0 ? 1 : s < 0 ? 0 : r.nextInt(2); // ties get both outcomes
              default -> r.nextInt(2);
            };
      }
      double ones = java.util.Arrays.stream(y).sum();
      if (ones == 0 || ones == n) {
        continue;
      }
      boolean want = separatedByDirectLp(design, q, y);
      Separation.Verdict got = Separation.check(design, q, y);
      assertEquals(
          want ? Separation.Verdict.SEPARATED : Separation.Verdict.NOT_SEPARATED,
          got,
          "trial " + trial + " (n " + n + ", q " + q + ", kind " + kind + ")");
      separated += want ? 1 : 0;
    }
    // Both answers occur often enough for the comparison to mean something.
    org.junit.jupiter.api.Assertions.assertTrue(separated > 20 && separated < 100, "" + separated);
  }

  /** Konis's LP: d = d+ - d-, maximise sum_i s_i z_i'd with s_i z_i'd >= 0 and |d_j| <= 1. */
  private static boolean separatedByDirectLp(double[] design, int q, double[] y) {
    int n = y.length;
    double[] objective = new double[2 * q];
    List<LinearConstraint> constraints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double s = y[i] == 1 ? 1 : -1;
      double[] c = new double[2 * q];
      for (int k = 0; k < q; k++) {
        c[k] = s * design[k * n + i];
        c[q + k] = -c[k];
        objective[k] += c[k];
        objective[q + k] -= c[k];
      }
      constraints.add(new LinearConstraint(c, Relationship.GEQ, 0));
    }
    for (int k = 0; k < 2 * q; k++) {
      double[] c = new double[2 * q];
      c[k] = 1;
      constraints.add(new LinearConstraint(c, Relationship.LEQ, 1));
    }
    try {
      double best =
          new SimplexSolver()
              .optimize(
                  new MaxIter(10_000),
                  new LinearObjectiveFunction(objective, 0),
                  new LinearConstraintSet(constraints),
                  GoalType.MAXIMIZE,
                  new NonNegativeConstraint(true))
              .getValue();
      return best > 1e-7;
    } catch (NoFeasibleSolutionException e) {
      throw new AssertionError("d = 0 is always feasible", e);
    }
  }
}
