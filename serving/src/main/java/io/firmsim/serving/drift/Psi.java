package io.firmsim.serving.drift;

/**
 * The population stability index of two binned distributions, {@code PSI = sum_i (a_i - e_i) *
 * ln(a_i / e_i)} with {@code a} the actual (observed) shares and {@code e} the expected (reference)
 * shares. A share below {@link #EPSILON} is taken as {@code EPSILON} on either side (no
 * renormalisation), so an empty bin gives a large but finite term instead of an infinite one, as is
 * common practice; two shares both below it contribute nothing.
 *
 * <p>Reading (the system stability report of N. Siddiqi, <i>Credit Risk Scorecards</i>, Wiley 2006,
 * and the usual credit-risk practice since): below {@value DriftMonitor#WARNING} no significant
 * shift, {@value DriftMonitor#WARNING} to {@value DriftMonitor#CRITICAL} a moderate shift worth a
 * look, above {@value DriftMonitor#CRITICAL} a significant shift.
 *
 * <p>Stateless and thread-safe.
 */
public final class Psi {
  /** The floor of a share in the index: {@code 1e-4}. */
  public static final double EPSILON = 1e-4;

  private Psi() {}

  /**
   * The index of observed counts against reference shares.
   *
   * @param counts observed rows per bin
   * @param total the sum of {@code counts} (at least 1)
   * @param expected reference share per bin, as many as {@code counts}
   */
  public static double of(long[] counts, long total, double[] expected) {
    if (counts.length != expected.length) {
      throw new IllegalArgumentException(
          counts.length + " observed bins against " + expected.length + " reference bins");
    }
    if (total < 1) {
      throw new IllegalArgumentException("no observed rows");
    }
    double psi = 0;
    for (int i = 0; i < counts.length; i++) {
      psi += term((double) counts[i] / total, expected[i]);
    }
    return psi;
  }

  /**
   * The index of two share vectors of equal length.
   *
   * @param actual observed share per bin
   * @param expected reference share per bin
   */
  public static double of(double[] actual, double[] expected) {
    if (actual.length != expected.length) {
      throw new IllegalArgumentException(
          actual.length + " observed bins against " + expected.length + " reference bins");
    }
    double psi = 0;
    for (int i = 0; i < actual.length; i++) {
      psi += term(actual[i], expected[i]);
    }
    return psi;
  }

  private static double term(double a, double e) {
    double x = Math.max(a, EPSILON);
    double y = Math.max(e, EPSILON);
    return (x - y) * Math.log(x / y);
  }
}
