package io.firmsim.models.onnx;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Elementwise agreement within a relative tolerance and an absolute floor: {@code |a - b| <= rel *
 * max(|a|, |b|) + abs}; NaN agrees only with NaN and an infinity only with itself. The failure
 * message names the worst element.
 */
final class Close {
  private Close() {}

  static void assertClose(String what, double[] expected, double[] actual, double rel, double abs) {
    double[] floor = new double[expected.length];
    java.util.Arrays.fill(floor, abs);
    assertClose(what, expected, actual, rel, floor);
  }

  /** As above with an absolute floor per element. */
  static void assertClose(
      String what, double[] expected, double[] actual, double rel, double[] abs) {
    if (expected.length != actual.length) {
      fail(what + ": " + expected.length + " expected values, " + actual.length + " actual");
    }
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)) {
        if (!(Double.isNaN(e) && Double.isNaN(a)) && e != a) {
          fail(what + " at " + i + ": expected " + e + ", actual " + a);
        }
        continue;
      }
      double bound = rel * Math.max(Math.abs(e), Math.abs(a)) + abs[i];
      double excess = Math.abs(e - a) / bound;
      if (excess > 1 && excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
    if (worst >= 0) {
      fail(
          what
              + " at "
              + worst
              + ": expected "
              + expected[worst]
              + ", actual "
              + actual[worst]
              + " (relative difference "
              + Math.abs(expected[worst] - actual[worst])
                  / Math.max(Math.abs(expected[worst]), Math.abs(actual[worst]))
              + ", tolerance "
              + rel
              + " relative + "
              + abs[worst]
              + ")");
    }
  }
}
