package io.firmsim.simulator.macro;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The macro inputs of every simulated year: {@code dgnp} (change of nominal GNP, SEK) and {@code
 * realr} (real interest rate as a fraction). Years outside the path (burn-in years) use the default
 * scenario, zero for both.
 *
 * <p>Class is immutable. Serializable (so that a cluster executor can rebuild a run from it)
 * through a proxy that is read back by the validating constructor.
 */
public final class MacroPath implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int firstYear;
  private final double[] dgnp;
  private final double[] realr;

  /**
   * @param firstYear calendar number of the first year of the path
   * @param dgnp one value per year from {@code firstYear}
   * @param realr one value per year from {@code firstYear}, same length as {@code dgnp}
   */
  public MacroPath(int firstYear, double[] dgnp, double[] realr) {
    if (dgnp.length != realr.length) {
      throw new IllegalArgumentException(
          "dgnp and realr need one value per year each, found "
              + dgnp.length
              + " and "
              + realr.length);
    }
    this.firstYear = firstYear;
    this.dgnp = dgnp.clone();
    this.realr = realr.clone();
  }

  /** The default scenario: zero every year. */
  public static MacroPath zeros() {
    return new MacroPath(0, new double[0], new double[0]);
  }

  public double dgnp(int year) {
    int i = year - firstYear;
    return i >= 0 && i < dgnp.length ? dgnp[i] : 0.0;
  }

  public double realr(int year) {
    int i = year - firstYear;
    return i >= 0 && i < realr.length ? realr[i] : 0.0;
  }

  /** Whether the path has an explicit value for this year. */
  public boolean covers(int year) {
    int i = year - firstYear;
    return i >= 0 && i < dgnp.length;
  }

  private Object writeReplace() {
    return new Proxy(firstYear, dgnp, realr);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a macro path is read through its proxy");
  }

  /** A macro path in a stream; read back through the constructor, which checks and copies. */
  private static final class Proxy implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int firstYear;
    private final double[] dgnp;
    private final double[] realr;

    Proxy(int firstYear, double[] dgnp, double[] realr) {
      this.firstYear = firstYear;
      this.dgnp = dgnp;
      this.realr = realr;
    }

    private Object readResolve() {
      return new MacroPath(firstYear, dgnp, realr);
    }
  }

  @Override
  public String toString() {
    return "MacroPath[firstYear="
        + firstYear
        + ", dgnp="
        + Arrays.toString(dgnp)
        + ", realr="
        + Arrays.toString(realr)
        + "]";
  }
}
