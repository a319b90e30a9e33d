package io.firmsim.simulator.scenario.run;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;

/**
 * The firm-level measures whose recovery a scenario run reports, and how each is read from a firm's
 * simulated state and flows.
 */
public enum Measure {
  /** Book equity {@code SC + RR + URE} (untaxed reserves excluded). */
  EQUITY("equity"),
  /** Total assets {@code CA + MA + BU + OFA}. */
  TOTAL_ASSETS("totalAssets"),
  /** Operating income before depreciation. */
  OIBD("OIBD");

  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();

  private final String label;

  Measure(String label) {
    this.label = label;
  }

  /** The name in output files ({@code equity}, {@code totalAssets}, {@code OIBD}). */
  public String label() {
    return label;
  }

  /** Firm {@code i}'s value from row-major state and flow rows of one year. */
  public double of(double[] states, double[] flows, int i) {
    switch (this) {
      case EQUITY:
        return equity(states, i);
      case TOTAL_ASSETS:
        return totalAssets(states, i);
      default:
        return flows[i * F + FlowVariable.OIBD.index()];
    }
  }

  static double equity(double[] s, int i) {
    int o = i * V;
    return s[o + StateVariable.SC.index()]
        + s[o + StateVariable.RR.index()]
        + s[o + StateVariable.URE.index()];
  }

  static double totalAssets(double[] s, int i) {
    int o = i * V;
    return s[o + StateVariable.CA.index()]
        + s[o + StateVariable.MA.index()]
        + s[o + StateVariable.BU.index()]
        + s[o + StateVariable.OFA.index()];
  }

  /** Distress: negative equity, or no current assets. */
  static boolean distressed(double[] s, int i) {
    return equity(s, i) < 0 || s[i * V + StateVariable.CA.index()] <= 0;
  }
}
