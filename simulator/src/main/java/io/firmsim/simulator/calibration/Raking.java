package io.firmsim.simulator.calibration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Calibration weights by raking: the weights closest to design weights {@code d} in the raking
 * (exponential, multiplicative) distance of Deville and Särndal (1992), "Calibration estimators in
 * survey sampling", JASA 87(418), 376-382, case 2 of their distance functions, subject to linear
 * calibration equations {@code sum_i w_i x_i = t}. The solution is {@code w_i = d_i exp(x_i .
 * lambda)}: every weight stays positive, and on indicator variables it equals iterative
 * proportional fitting (Deming and Stephan, 1940).
 *
 * <p>Method: {@code lambda} minimises the convex dual {@code Phi(lambda) = sum_i d_i exp(x_i .
 * lambda) - t . lambda}, whose gradient is {@code sum_i w_i x_i - t}. Newton steps ({@code J =
 * sum_i w_i x_i x_i^T}, solved by a singular value decomposition of Commons Math, so exactly
 * redundant constraints with consistent targets do no harm) with backtracking on {@code Phi}. Each
 * constraint is scaled by {@code sum_i d_i |x_i|} first, so that a count and totals of billions of
 * SEK meet on equal terms. It stops when, for every constraint {@code k}, {@code |sum_i w_i x_ik -
 * t_k| <= tolerance * max(|t_k|, sum_i w_i |x_ik|)}.
 *
 * <p>Ratio targets are linear too: a weighted mean of a per-firm ratio, {@code sum w r / sum w =
 * m}, is {@code sum w (r - m) = 0} ({@link Constraint#ratioMean}); a ratio of weighted totals,
 * {@code sum w a / sum w b = m}, is {@code sum w (a - m b) = 0} ({@link Constraint#ratioOfTotals}).
 *
 * <p>Refusals ({@link RakingException}, naming the constraint): a target no positive weights can
 * reach (a positive target for a variable that is zero or negative for every firm, and the
 * converse); Newton failing to meet the tolerance within the iteration limit (targets outside the
 * reach of the data, or in conflict with each other).
 *
 * <p>Class is immutable and thread-safe; arrays are copied in.
 */
public final class Raking {
  /** Relative error allowed per constraint unless told otherwise. */
  public static final double DEFAULT_TOLERANCE = 1e-12;

  /** Newton iterations allowed unless told otherwise. */
  public static final int DEFAULT_MAX_ITERATIONS = 200;

  /** Backtracking halvings allowed per Newton step. */
  private static final int MAX_HALVINGS = 60;

  /**
   * One calibration equation {@code sum_i w_i values[i] = target}.
   *
   * @param name names the constraint in messages and reports
   * @param values one number per firm, finite
   * @param target the weighted total to reach, finite
   */
  public record Constraint(String name, double[] values, double target) {
    public Constraint {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(values, "values");
      if (!Double.isFinite(target)) {
        throw new IllegalArgumentException(name + ": the target must be finite, found " + target);
      }
      values = values.clone();
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          throw new IllegalArgumentException(
              name + ": value of firm row " + i + " is not finite: " + values[i]);
        }
      }
    }

    /** A weighted total: {@code sum w x = total}. */
    public static Constraint total(String name, double[] x, double total) {
      return new Constraint(name, x, total);
    }

    /** The weighted number of firms: {@code sum w = count}. */
    public static Constraint count(String name, int firms, double count) {
      double[] ones = new double[firms];
      Arrays.fill(ones, 1.0);
      return new Constraint(name, ones, count);
    }

    /** A weighted mean of a per-firm ratio: {@code sum w (r - mean) = 0}. */
    public static Constraint ratioMean(String name, double[] r, double mean) {
      double[] x = new double[r.length];
      for (int i = 0; i < r.length; i++) {
        x[i] = r[i] - mean;
      }
      return new Constraint(name, x, 0.0);
    }

    /**
     * A ratio of weighted totals: {@code sum w a / sum w b = ratio}, i.e. {@code sum w (a - ratio
     * b) = 0}.
     */
    public static Constraint ratioOfTotals(String name, double[] a, double[] b, double ratio) {
      if (a.length != b.length) {
        throw new IllegalArgumentException(name + ": numerator and denominator lengths differ");
      }
      double[] x = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        x[i] = a[i] - ratio * b[i];
      }
      return new Constraint(name, x, 0.0);
    }

    @Override
    public double[] values() {
      return values.clone();
    }
  }

  /**
   * What raking found.
   *
   * @param weights the calibrated weights, one per firm, all positive
   * @param lambda the multipliers, in the constraints' own units ({@code w_i = d_i exp(x_i .
   *     lambda)})
   * @param iterations Newton steps taken
   * @param relativeErrors per constraint, {@code |sum w x - t| / max(|t|, sum w |x|)}
   */
  public record Result(double[] weights, double[] lambda, int iterations, double[] relativeErrors) {
    public Result {
      weights = weights.clone();
      lambda = lambda.clone();
      relativeErrors = relativeErrors.clone();
    }

    @Override
    public double[] weights() {
      return weights.clone();
    }

    @Override
    public double[] lambda() {
      return lambda.clone();
    }

    @Override
    public double[] relativeErrors() {
      return relativeErrors.clone();
    }

    /** The largest relative error over the constraints. */
    public double maxRelativeError() {
      return Arrays.stream(relativeErrors).max().orElse(0.0);
    }
  }

  private final double[] design;
  private final List<Constraint> constraints;
  private final double tolerance;
  private final int maxIterations;

  /**
   * With the default tolerance and iteration limit.
   *
   * @param design design (starting) weights, one per firm, finite and positive
   * @param constraints the calibration equations, each with one value per firm
   */
  public Raking(double[] design, List<Constraint> constraints) {
    this(design, constraints, DEFAULT_TOLERANCE, DEFAULT_MAX_ITERATIONS);
  }

  /**
   * @param design design (starting) weights, one per firm, finite and positive
   * @param constraints the calibration equations, each with one value per firm
   * @param tolerance relative error allowed per constraint (class doc), in (0, 1)
   * @param maxIterations Newton steps allowed, at least 1
   */
  public Raking(
      double[] design, List<Constraint> constraints, double tolerance, int maxIterations) {
    Objects.requireNonNull(design, "design");
    Objects.requireNonNull(constraints, "constraints");
    if (design.length == 0) {
      throw new IllegalArgumentException("raking needs at least one firm");
    }
    for (int i = 0; i < design.length; i++) {
      if (!(Double.isFinite(design[i]) && design[i] > 0)) {
        throw new IllegalArgumentException(
            "design weight of row " + i + " must be finite and positive, found " + design[i]);
      }
    }
    for (Constraint c : constraints) {
      if (c.values.length != design.length) {
        throw new IllegalArgumentException(
            c.name()
                + ": "
                + c.values.length
                + " values for "
                + design.length
                + " firms (one value per firm)");
      }
    }
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must be in (0, 1), found " + tolerance);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException(
          "maxIterations must be at least 1, found " + maxIterations);
    }
    this.design = design.clone();
    this.constraints = List.copyOf(constraints);
    this.tolerance = tolerance;
    this.maxIterations = maxIterations;
  }

  /**
   * Solves for the weights.
   *
   * @throws RakingException if a target is infeasible or the tolerance is not met (class doc)
   */
  public Result solve() {
    int n = design.length;
    int k = constraints.size();
    checkSigns();
    // The problem is solved in units where the design weights sum to 1 (u = w / D) and every
    // constraint's design total of |x| is 1 (x'_k = x_k / s_k, t'_k = t_k / (D s_k)): the dual is
    // then of order 1 and its decrease near the solution is not lost in its rounding.
    double total = 0;
    for (double v : design) {
      total += v;
    }
    double[] u0 = new double[n];
    for (int i = 0; i < n; i++) {
      u0[i] = design[i] / total;
    }
    double[][] x = new double[k][];
    double[] t = new double[k];
    double[] scale = new double[k];
    for (int c = 0; c < k; c++) {
      Constraint con = constraints.get(c);
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += u0[i] * Math.abs(con.values[i]);
      }
      s = Math.max(s, Math.abs(con.target()) / total);
      if (s == 0) {
        s = 1; // zero for every firm with a zero target: met by any weights
      }
      scale[c] = s;
      x[c] = new double[n];
      for (int i = 0; i < n; i++) {
        x[c][i] = con.values[i] / s;
      }
      t[c] = con.target() / total / s;
    }
    double[] lambda = new double[k];
    double[] w = u0.clone();
    double phi = dual(w, lambda, t);
    int iteration = 0;
    double[] errors = errors(w, x, t);
    while (!converged(errors)) {
      if (iteration == maxIterations) {
        throw notConverged(errors, iteration);
      }
      iteration++;
      double[] step = newtonStep(w, x, t);
      double[] gradient = gradient(w, x, t);
      double slope = 0;
      for (int c = 0; c < k; c++) {
        slope += gradient[c] * step[c];
      }
      double size = 1;
      double[] trial = new double[k];
      double[] trialW = new double[n];
      double trialPhi = Double.NaN;
      boolean accepted = false;
      double[] trialErrors = null;
      double worst = max(errors);
      for (int h = 0; h <= MAX_HALVINGS; h++) {
        for (int c = 0; c < k; c++) {
          trial[c] = lambda[c] + size * step[c];
        }
        weights(u0, x, trial, trialW);
        trialPhi = dual(trialW, trial, t);
        if (Double.isFinite(trialPhi)) {
          // Armijo condition on the convex dual (slope < 0 for a descent direction), or, where
          // the dual's change is below its rounding near the solution, a smaller largest error
          if (trialPhi <= phi + 1e-4 * size * Math.min(slope, 0)) {
            accepted = true;
          } else {
            trialErrors = errors(trialW, x, t);
            accepted = max(trialErrors) < worst;
          }
          if (accepted) {
            break;
          }
        }
        size /= 2;
      }
      if (!accepted) {
        throw notConverged(errors, iteration);
      }
      System.arraycopy(trial, 0, lambda, 0, k);
      System.arraycopy(trialW, 0, w, 0, n);
      phi = trialPhi;
      errors = errors(w, x, t);
    }
    double[] unscaled = new double[k];
    for (int c = 0; c < k; c++) {
      unscaled[c] = lambda[c] / scale[c];
    }
    for (int i = 0; i < n; i++) {
      w[i] *= total;
    }
    return new Result(w, unscaled, iteration, errors);
  }

  /** Refuses targets that no positive weights can reach, before any iteration. */
  private void checkSigns() {
    for (Constraint c : constraints) {
      boolean anyPositive = false;
      boolean anyNegative = false;
      for (double v : c.values) {
        anyPositive |= v > 0;
        anyNegative |= v < 0;
      }
      double t = c.target();
      String problem = null;
      if (!anyPositive && !anyNegative && t != 0) {
        problem = "the variable is zero for every firm, but the target is " + t;
      } else if (!anyPositive && t > 0) {
        problem = "the variable is never positive, but the target " + t + " is";
      } else if (!anyNegative && t < 0) {
        problem = "the variable is never negative, but the target " + t + " is";
      } else if (t == 0 && (anyPositive != anyNegative)) {
        problem =
            "the target is 0 but the variable has one sign for every firm that is not zero"
                + " (only zero weights would reach it)";
      }
      if (problem != null) {
        throw new RakingException("raking constraint '" + c.name() + "' is infeasible: " + problem);
      }
    }
  }

  private static void weights(double[] u0, double[][] x, double[] lambda, double[] out) {
    for (int i = 0; i < u0.length; i++) {
      double eta = 0;
      for (int c = 0; c < x.length; c++) {
        eta += x[c][i] * lambda[c];
      }
      out[i] = u0[i] * Math.exp(eta);
    }
  }

  private static double max(double[] values) {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** {@code Phi(lambda) = sum w - t . lambda} (the constant {@code -sum d} dropped). */
  private static double dual(double[] w, double[] lambda, double[] t) {
    double s = 0;
    for (double v : w) {
      s += v;
    }
    for (int c = 0; c < t.length; c++) {
      s -= t[c] * lambda[c];
    }
    return s;
  }

  private static double[] gradient(double[] w, double[][] x, double[] t) {
    double[] g = new double[t.length];
    for (int c = 0; c < t.length; c++) {
      double s = 0;
      for (int i = 0; i < w.length; i++) {
        s += w[i] * x[c][i];
      }
      g[c] = s - t[c];
    }
    return g;
  }

  private static double[] newtonStep(double[] w, double[][] x, double[] t) {
    int k = t.length;
    double[][] j = new double[k][k];
    for (int a = 0; a < k; a++) {
      for (int b = a; b < k; b++) {
        double s = 0;
        double[] xa = x[a];
        double[] xb = x[b];
        for (int i = 0; i < w.length; i++) {
          s += w[i] * xa[i] * xb[i];
        }
        j[a][b] = s;
        j[b][a] = s;
      }
    }
    double[] g = gradient(w, x, t);
    RealVector rhs = new ArrayRealVector(g).mapMultiply(-1);
    return new SingularValueDecomposition(new Array2DRowRealMatrix(j, false))
        .getSolver()
        .solve(rhs)
        .toArray();
  }

  /** Per constraint, {@code |sum w x - t| / max(|t|, sum w |x|)} (scale-free). */
  private static double[] errors(double[] w, double[][] x, double[] t) {
    double[] e = new double[t.length];
    for (int c = 0; c < t.length; c++) {
      double s = 0;
      double abs = 0;
      for (int i = 0; i < w.length; i++) {
        double v = w[i] * x[c][i];
        s += v;
        abs += Math.abs(v);
      }
      double denominator = Math.max(Math.abs(t[c]), abs);
      e[c] = denominator == 0 ? 0 : Math.abs(s - t[c]) / denominator;
    }
    return e;
  }

  private boolean converged(double[] errors) {
    for (double e : errors) {
      if (!(e <= tolerance)) {
        return false;
      }
    }
    return true;
  }

  private RakingException notConverged(double[] errors, int iterations) {
    int worst = 0;
    for (int c = 1; c < errors.length; c++) {
      if (!(errors[c] <= errors[worst])) {
        worst = c;
      }
    }
    List<String> off = new ArrayList<>();
    for (int c = 0; c < errors.length; c++) {
      if (!(errors[c] <= tolerance)) {
        off.add(constraints.get(c).name());
      }
    }
    return new RakingException(
        "raking did not converge after "
            + iterations
            + " Newton steps: constraint '"
            + constraints.get(worst).name()
            + "' is still off by a relative "
            + errors[worst]
            + " (tolerance "
            + tolerance
            + "; constraints off: "
            + off
            + "). The targets may be out of reach of the data or in conflict with each other.");
  }
}
