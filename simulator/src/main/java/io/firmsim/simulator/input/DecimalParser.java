package io.firmsim.simulator.input;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * Decimal text to {@code double}, bit for bit as {@link Double#parseDouble} and faster: the number
 * parsing shared by the CSV readers of populations, macro paths and panels, where millions of cells
 * are read. Stateless and thread-safe.
 */
public final class DecimalParser {
  private DecimalParser() {}

  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /**
   * {@link Double#parseDouble}, bit for bit, but fast.
   *
   * <p>The plain decimal forms that {@link Double#toString} and {@link Float#toString} write
   * ({@code -123.45}, {@code 1.5E-7}) with few digits take Clinger's fast path: when the decimal
   * significand {@code m} is at most 2^53 and the decimal exponent {@code e} at most 22 in size,
   * both {@code m} and {@code 10^|e|} are exact doubles, so one IEEE multiplication or division
   * gives the correctly rounded result, which is what {@code Double.parseDouble} returns . Every
   * other text (17-digit significands, as most simulated values have, larger exponents, whitespace,
   * {@code NaN}, bad text) goes to Jackson's copy of FastDoubleParser, {@link
   * NumberInput#parseDouble(String, boolean)}, which accepts the syntax of {@code
   * Double.parseDouble}, rounds correctly like it, and on Java 17 is several times faster than it
   * on such significands.
   */
  public static double parseDouble(String text) {
    int n = text.length();
    int i = 0;
    boolean negative = false;
    if (n > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
      negative = text.charAt(0) == '-';
      i = 1;
    }
    long significand = 0;
    int digits = 0; // significant digits in the significand
    int exponent = 0; // of ten, from the digits after the point
    boolean anyDigit = false;
    boolean point = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        anyDigit = true;
        if (point) {
          exponent--;
        }
        if (significand == 0 && c == '0') {
          continue; // a leading zero
        }
        if (++digits > 18) {
          return NumberInput.parseDouble(text, true);
        }
        significand = 10 * significand + (c - '0');
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (!anyDigit) {
      return NumberInput.parseDouble(text, true);
    }
    if (i < n) {
      char c = text.charAt(i);
      if (c != 'e' && c != 'E' || ++i == n) {
        return NumberInput.parseDouble(text, true);
      }
      boolean negativeExponent = false;
      c = text.charAt(i);
      if (c == '-' || c == '+') {
        negativeExponent = c == '-';
        if (++i == n) {
          return NumberInput.parseDouble(text, true);
        }
      }
      int written = 0;
      for (; i < n; i++) {
        c = text.charAt(i);
        if (c < '0' || c > '9' || written > 1000) {
          return NumberInput.parseDouble(text, true);
        }
        written = 10 * written + (c - '0');
      }
      exponent += negativeExponent ? -written : written;
    }
    double value;
    if (significand == 0) {
      value = 0.0;
    } else if (significand > 1L << 53 || exponent < -22 || exponent > 22) {
      return NumberInput.parseDouble(text, true);
    } else if (exponent >= 0) {
      value = significand * POWERS_OF_TEN[exponent];
    } else {
      value = significand / POWERS_OF_TEN[-exponent];
    }
    return negative ? -value : value;
  }
}
