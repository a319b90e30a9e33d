package io.firmsim.trainer.fit;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * A Johnson SU distribution, {@code X = xi + lambda * sinh((Z - gamma) / delta)} with Z standard
 * normal, used as the level noise of fitted Huber levels (MODEL.md section 3, "Level noise"). The
 * SU family covers every (skewness, kurtosis) pair strictly above the lognormal line, so it can
 * carry the heavy tails and asymmetry of regression residuals that a normal cannot.
 *
 * <p><b>Moments.</b> With {@code w = exp(1 / delta^2)} and {@code Omega = gamma / delta} (Johnson
 * 1949):
 *
 * <pre>
 *   mean     = xi - lambda sqrt(w) sinh(Omega)
 *   variance = lambda^2 (w - 1) (w cosh(2 Omega) + 1) / 2
 *   skewness = -sqrt(w (w - 1) / 2) (w (w + 2) sinh(3 Omega) + 3 sinh(Omega))
 *              / (w cosh(2 Omega) + 1)^(3/2)
 *   kurtosis = (w^2 (w^4 + 2 w^3 + 3 w^2 - 3) cosh(4 Omega) + 4 w^2 (w + 2) cosh(2 Omega)
 *               + 3 (2 w + 1)) / (2 (w cosh(2 Omega) + 1)^2)
 * </pre>
 *
 * Kurtosis here is the ordinary (non-excess) kurtosis, 3 for a normal. A positive {@code gamma}
 * gives a negative skewness. The methods {@link #mean()} to {@link #kurtosis()} evaluate these in
 * double precision (to about 1e-15 relative for moderate parameters); for extreme shapes, where
 * {@code w^6 cosh(4 Omega)} leaves the double range (kurtosis beyond about 1e200), they overflow to
 * infinity or NaN.
 *
 * <p><b>Moment matching</b> ({@link #fitMoments}) follows Tuenter (2001), "An algorithm to
 * determine the parameters of SU-curves in the Johnson system of probability distributions by
 * moment matching", J. Statist. Comput. Simul. 70, 325-347. Write {@code beta1 = skewness^2} and
 * {@code beta2 = kurtosis}. For fixed {@code w} the kurtosis equation is a quadratic in {@code
 * cosh(2 Omega)}; through {@code m = (w^2 - 1) / (w cosh(2 Omega) + 1)} its admissible root is
 * {@code m = -2 + sqrt(4 + 2 (w^2 - (beta2 + 3) / (w^2 + 2 w + 3)))}, and the skewness equation
 * becomes the single equation {@code (w - 1 - m) (w + 2 + m / 2)^2 = beta1} in {@code w}. Its left
 * side falls monotonically from the lognormal value at {@code w_min} (where {@code m = 0}, i.e.
 * {@code w^4 + 2 w^3 + 3 w^2 - 3 = beta2}) to 0 at the symmetric end {@code w_max = sqrt(-1 +
 * sqrt(2 (beta2 - 1)))} (where {@code m = w - 1}), so inside the SU region there is exactly one
 * root. {@code w_min} and the root are found with Commons Math's {@link BrentSolver} on brackets
 * that provably contain them, to full double precision. Then {@code delta = 1 / sqrt(ln w)}, {@code
 * sinh^2(Omega) = (w + 1) (w - 1 - m) / (2 w m)} with {@code Omega} of the sign opposite to the
 * skewness, {@code gamma = Omega delta}, and {@code lambda} and {@code xi} follow in closed form
 * from the standard deviation and the mean.
 *
 * <p>Numerically, everything is written in {@code h = w - 1} (so near-normal fits, {@code delta} in
 * the thousands, keep their accuracy), {@code m} and {@code w - 1 - m} are evaluated without
 * cancellation, and {@code sinh(Omega)} is taken from the skewness itself through {@code w - 1 - m
 * = beta1 / (w + 2 + m / 2)^2}, which keeps it linear in the skewness (and well conditioned) near
 * the symmetric end.
 *
 * <p><b>Guarantees.</b> {@link #fitMoments} does not fail for finite moments within the supported
 * range ({@code |skewness| <= } {@link #MAX_SKEWNESS}, {@code kurtosis <= } {@link #MAX_KURTOSIS})
 * and a positive finite standard deviation. Its SU has the requested standard deviation and
 * skewness to about 1e-14 relative (absolute for a skewness below 1) and the requested mean to a
 * few ulps of {@code max(|mean|, |xi|)}, also when {@link #exact()} is false; when {@link #exact()}
 * is true the kurtosis is matched to about 1e-14 relative as well. This was checked on 200,000
 * random requests with {@code |skewness|} up to 1e5 and kurtosis up to 1e14 (worst errors 7e-15 in
 * skewness, 2e-14 in kurtosis; about 1e-13 out to skewness 1e50 and kurtosis 1e100). On the grid
 * {@code delta} in {0.8, 1.5, 3, 8}, {@code gamma} in {-1, 0, 0.5, 2} the parameters are recovered
 * from their own moments to 1e-13. The parameters themselves become ill-conditioned close to the
 * lognormal line (large {@code |gamma| / delta} give nearly the same moments); the matched moments
 * do not.
 *
 * <p><b>Outside the SU region</b> ({@code kurtosis} at or below the lognormal kurtosis {@code kLN}
 * for the given skewness, including {@code kurtosis <= 3} at {@code skewness = 0}, and impossible
 * pairs with {@code kurtosis < 1 + skewness^2}) {@link #fitMoments} does not throw. It keeps the
 * mean, the standard deviation and the skewness, raises the kurtosis to the floor {@code kLN +
 * LOGNORMAL_MARGIN (kLN - 1)} just above the lognormal line, and reports {@link #exact()} false:
 * the admissible SU closest in kurtosis, to within a relative margin of 1e-8 that keeps the
 * parameters finite and the fit well conditioned. At {@code skewness = 0} the floor is {@code 3 +
 * 2e-8}: a symmetric SU with {@code delta} about 14,000, a normal to within 2e-8 in kurtosis and
 * 1e-7 sd in its quantiles out to {@code |z| = 5}. A request in the thin band between the lognormal
 * line and the floor is treated the same way: the moments of a true SU land there only for an
 * extreme {@code |gamma| / delta}, above about 8 for {@code delta} between 0.5 and 8 (5 at {@code
 * delta = 0.3}, 7 at {@code delta = 30}).
 *
 * <p>Class is immutable.
 *
 * @param xi location parameter
 * @param lambda scale parameter, positive
 * @param gamma shape parameter (asymmetry)
 * @param delta shape parameter (tail weight; large values approach a normal), positive
 * @param exact whether these parameters match the moments they were fitted to exactly (to
 *     rounding); false when {@link #fitMoments} had to raise the kurtosis into the SU region; true
 *     for distributions built from their parameters with {@link #of}
 */
public record JohnsonSu(double xi, double lambda, double gamma, double delta, boolean exact) {

  /**
   * Relative margin above the lognormal line, as a fraction of {@code kLN - 1}, that the fitted
   * kurtosis always keeps (see the class comment).
   */
  public static final double LOGNORMAL_MARGIN = 1e-8;

  /**
   * Largest {@code |skewness|} that {@link #fitMoments} accepts (far beyond any sample skewness,
   * which is at most {@code sqrt(n)}; above about 1e115 the lognormal kurtosis overflows).
   */
  public static final double MAX_SKEWNESS = 1e100;

  /**
   * Largest kurtosis that {@link #fitMoments} accepts (far beyond any sample kurtosis, which is at
   * most {@code n}). Kurtosis beyond about 1e200 is fitted, but the closed-form moments of the
   * result then overflow.
   */
  public static final double MAX_KURTOSIS = 1e300;

  private static final int MAX_EVALUATIONS = 500;

  /**
   * Checks the parameters.
   *
   * @throws IllegalArgumentException if a parameter is not finite, or lambda or delta is not
   *     positive
   */
  public JohnsonSu {
    if (!Double.isFinite(xi) || !Double.isFinite(gamma)) {
      throw new IllegalArgumentException(
          "Johnson SU xi and gamma must be finite, found xi=" + xi + ", gamma=" + gamma);
    }
    if (!(lambda > 0) || !Double.isFinite(lambda) || !(delta > 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException(
          "Johnson SU lambda and delta must be positive and finite, found lambda="
              + lambda
              + ", delta="
              + delta);
    }
  }

  /**
   * An SU with the given parameters ({@link #exact()} is true).
   *
   * @param xi location parameter
   * @param lambda scale parameter, positive
   * @param gamma shape parameter (asymmetry)
   * @param delta shape parameter (tail weight), positive
   * @return the distribution
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static JohnsonSu of(double xi, double lambda, double gamma, double delta) {
    return new JohnsonSu(xi, lambda, gamma, delta, true);
  }

  /**
   * The SU with the given mean, standard deviation, skewness and kurtosis, by Tuenter's algorithm
   * (see the class comment). Outside the SU region the kurtosis is raised to just above the
   * lognormal line and the result says {@link #exact()} false; mean, standard deviation and
   * skewness are always kept.
   *
   * @param mean the mean
   * @param sd the standard deviation, positive
   * @param skewness the skewness
   * @param kurtosis the non-excess kurtosis (3 for a normal)
   * @return the fitted distribution
   * @throws IllegalArgumentException if an argument is not finite, {@code sd} is not positive, or
   *     {@code |skewness| > MAX_SKEWNESS} or {@code kurtosis > MAX_KURTOSIS}
   */
  public static JohnsonSu fitMoments(double mean, double sd, double skewness, double kurtosis) {
    if (!Double.isFinite(mean) || !Double.isFinite(skewness) || !Double.isFinite(kurtosis)) {
      throw new IllegalArgumentException(
          "moments must be finite, found mean="
              + mean
              + ", skewness="
              + skewness
              + ", kurtosis="
              + kurtosis);
    }
    if (!(sd > 0) || !Double.isFinite(sd)) {
      throw new IllegalArgumentException(
          "standard deviation must be positive and finite, found " + sd);
    }
    if (Math.abs(skewness) > MAX_SKEWNESS || kurtosis > MAX_KURTOSIS) {
      throw new IllegalArgumentException(
          "moments beyond the supported range |skewness| <= "
              + MAX_SKEWNESS
              + ", kurtosis <= "
              + MAX_KURTOSIS
              + ": skewness="
              + skewness
              + ", kurtosis="
              + kurtosis);
    }
    final double beta1 = skewness * skewness;
    // Lognormal line: the excess kurtosis of the lognormal with this skewness.
    double excessLn = lognormalExcessKurtosis(lognormalH(Math.abs(skewness)));
    double floor = excessLn + LOGNORMAL_MARGIN * (excessLn + 2);
    double excess = kurtosis - 3;
    boolean exact = excess >= floor;
    final double kappa = exact ? excess : floor;

    // Symmetric end: w_max^2 - 1 = -2 + sqrt(4 + 2 kappa), written without cancellation or
    // overflow.
    double q = kappa / (1 + Math.sqrt(1 + kappa / 2));
    final double hMax = q / (1 + Math.sqrt(1 + q));
    double h = hMax;
    if (beta1 > 0) {
      BrentSolver solver = new BrentSolver(Math.ulp(1.0), Double.MIN_NORMAL, 0);
      UnivariateFunction lognormalGap = x -> lognormalExcessKurtosis(x) - kappa;
      double hMin = solver.solve(MAX_EVALUATIONS, lognormalGap, 0, hMax);
      UnivariateFunction skewGap =
          x -> {
            double m = tuenterM(x, kappa);
            double t = x + 3 + m / 2;
            return hMinusM(x, m, kappa) * t * t - beta1;
          };
      // At hMax the gap is -beta1 up to rounding; when beta1 is below that rounding, the
      // symmetric end is the root to double precision.
      if (skewGap.value(hMax) < 0) {
        h = solver.solve(MAX_EVALUATIONS, skewGap, hMin, hMax);
      }
    }
    // At the root w - 1 - m = beta1 / t^2, so sinh^2(Omega) = (w + 1) (w - 1 - m) / (2 w m) is
    // taken from the skewness itself: linear in it and free of the cancellation in w - 1 - m
    // near the symmetric end. Omega has the sign opposite to the skewness.
    double m = tuenterM(h, kappa);
    double t = h + 3 + m / 2;
    double sinhOmega = skewness == 0 ? 0 : -skewness / t * Math.sqrt((h + 2) / (2 * (1 + h) * m));
    double w = 1 + h;
    double omega = asinh(sinhOmega);
    double delta = 1 / Math.sqrt(Math.log1p(h));
    double cosh2Omega = 1 + 2 * sinhOmega * sinhOmega;
    double lambda = sd / Math.sqrt(h * (w * cosh2Omega + 1) / 2);
    double xi = mean + lambda * Math.sqrt(w) * sinhOmega;
    return new JohnsonSu(xi, lambda, omega * delta, delta, exact);
  }

  /** The mean, {@code xi - lambda sqrt(w) sinh(Omega)}. */
  public double mean() {
    return xi - lambda * Math.sqrt(w()) * Math.sinh(omega());
  }

  /** The variance, {@code lambda^2 (w - 1) (w cosh(2 Omega) + 1) / 2}. */
  public double variance() {
    double w = w();
    return lambda * lambda * wMinusOne() * (w * Math.cosh(2 * omega()) + 1) / 2;
  }

  /** The skewness (closed form, see the class comment). */
  public double skewness() {
    double w = w();
    double omega = omega();
    double a = w * Math.cosh(2 * omega) + 1;
    return -Math.sqrt(w * wMinusOne() / 2)
        * (w * (w + 2) * Math.sinh(3 * omega) + 3 * Math.sinh(omega))
        / (a * Math.sqrt(a));
  }

  /** The non-excess kurtosis, 3 for a normal (closed form, see the class comment). */
  public double kurtosis() {
    double w = w();
    double w2 = w * w;
    double omega = omega();
    double a = w * Math.cosh(2 * omega) + 1;
    double num =
        w2 * (w2 * w2 + 2 * w2 * w + 3 * w2 - 3) * Math.cosh(4 * omega)
            + 4 * w2 * (w + 2) * Math.cosh(2 * omega)
            + 3 * (2 * w + 1);
    return num / (2 * a * a);
  }

  /**
   * The quantile function, {@code xi + lambda sinh((Phi^-1(u) - gamma) / delta)}, with {@code
   * Phi^-1} by Wichura's algorithm AS 241 (relative accuracy about 1e-16).
   *
   * @param u a probability in [0, 1]; 0 and 1 give minus and plus infinity
   * @throws IllegalArgumentException if {@code u} is outside [0, 1] or NaN
   */
  public double quantile(double u) {
    return sample(inverseStandardNormal(u));
  }

  /**
   * The value of this SU for the standard normal draw {@code z}: {@code xi + lambda sinh((z -
   * gamma) / delta)}. Monotone increasing in {@code z}.
   */
  public double sample(double z) {
    return xi + lambda * Math.sinh((z - gamma) / delta);
  }

  private double w() {
    return Math.exp(1 / (delta * delta));
  }

  private double wMinusOne() {
    return Math.expm1(1 / (delta * delta));
  }

  private double omega() {
    return gamma / delta;
  }

  /**
   * {@code w - 1} of the lognormal with skewness {@code s >= 0}: the root of {@code (w - 1) (w +
   * 2)^2 = s^2}, {@code w = t + 1 / t - 1} with {@code t^3 = 1 + s^2 / 2 + s sqrt(1 + s^2 / 4)}.
   */
  static double lognormalH(double s) {
    double r = s * s / 2 + s * Math.sqrt(1 + s * s / 4); // t^3 - 1
    double tMinusOne = Math.expm1(Math.log1p(r) / 3);
    return tMinusOne * tMinusOne / (1 + tMinusOne);
  }

  /** Excess kurtosis of a lognormal with {@code w = 1 + h}: {@code w^4 + 2 w^3 + 3 w^2 - 6}. */
  static double lognormalExcessKurtosis(double h) {
    return h * (16 + h * (15 + h * (6 + h)));
  }

  /**
   * Tuenter's {@code m} at {@code w = 1 + h} for excess kurtosis {@code kappa}: {@code -2 + sqrt(4
   * + 2 x)} with {@code x = (w^4 + 2 w^3 + 3 w^2 - 3 - beta2) / (w^2 + 2 w + 3)}, without
   * cancellation.
   */
  private static double tuenterM(double h, double kappa) {
    // x >= 0 on [h_min, h_max]; the clamp only absorbs rounding at h_min.
    double x = Math.max(0, (lognormalExcessKurtosis(h) - kappa) / (6 + h * (4 + h)));
    return 2 * x / (2 + Math.sqrt(4 + 2 * x));
  }

  /**
   * {@code w - 1 - m}, written as {@code 2 (kappa - kappaSym(h)) / ((w^2 + 2 w + 3) (h + m + 4))}
   * where {@code kappaSym(h) = h (h^3 + 4 h^2 + 8 h + 8) / 2} is the excess kurtosis of the
   * symmetric SU with this {@code w}; this avoids the cancellation of {@code h - m} near the
   * symmetric end.
   */
  private static double hMinusM(double h, double m, double kappa) {
    double kappaSym = h * (8 + h * (8 + h * (4 + h))) / 2;
    return 2 * (kappa - kappaSym) / ((6 + h * (4 + h)) * (h + m + 4));
  }

  private static double asinh(double x) {
    double a = Math.abs(x);
    double r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    return Math.copySign(r, x);
  }

  // Wichura (1988), Algorithm AS 241 PPND16, Appl. Statist. 37(3), 477-484.
  private static final double[] A = {
    3.3871328727963666080, 1.3314166789178437745e+2, 1.9715909503065514427e+3,
    1.3731693765509461125e+4, 4.5921953931549871457e+4, 6.7265770927008700853e+4,
    3.3430575583588128105e+4, 2.5090809287301226727e+3
  };
  private static final double[] B = {
    1.0,
    4.2313330701600911252e+1,
    6.8718700749205790830e+2,
    5.3941960214247511077e+3,
    2.1213794301586595867e+4,
    3.9307895800092710610e+4,
    2.8729085735721942674e+4,
    5.2264952788528545610e+3
  };
  private static final double[] C = {
    1.42343711074968357734, 4.63033784615654529590, 5.76949722146069140550,
    3.64784832476320460504, 1.27045825245236838258, 2.41780725177450611770e-1,
    2.27238449892691845833e-2, 7.74545014278341407640e-4
  };
  private static final double[] D = {
    1.0,
    2.05319162663775882187,
    1.67638483018380384940,
    6.89767334985100004550e-1,
    1.48103976427480074590e-1,
    1.51986665636164571966e-2,
    5.47593808499534494600e-4,
    1.05075007164441684324e-9
  };
  private static final double[] E = {
    6.65790464350110377720, 5.46378491116411436990, 1.78482653991729133580,
    2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
    2.71155556874348757815e-5, 2.01033439929228813265e-7
  };
  private static final double[] F = {
    1.0,
    5.99832206555887937690e-1,
    1.36929880922735805310e-1,
    1.48753612908506148525e-2,
    7.86869131145613259100e-4,
    1.84631831751005468180e-5,
    1.42151175831644588870e-7,
    2.04426310338993978564e-15
  };

  /** {@code Phi^-1(u)} by AS 241; infinite at 0 and 1. */
  static double inverseStandardNormal(double u) {
    if (!(u >= 0 && u <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], found " + u);
    }
    if (u == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (u == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double q = u - 0.5;
    if (Math.abs(q) <= 0.425) {
      double r = 0.180625 - q * q;
      return q * horner(A, r) / horner(B, r);
    }
    double r = Math.sqrt(-Math.log(q < 0 ? u : 1 - u));
    double value =
        r <= 5 ? horner(C, r - 1.6) / horner(D, r - 1.6) : horner(E, r - 5) / horner(F, r - 5);
    return q < 0 ? -value : value;
  }

  private static double horner(double[] c, double x) {
    double v = c[c.length - 1];
    for (int i = c.length - 2; i >= 0; i--) {
      v = v * x + c[i];
    }
    return v;
  }
}
