package io.firmsim.simulator.scenario.run;

/**
 * Receives the per-firm paired differences of a scenario against the baseline (scenario minus
 * baseline, each firm's mean over the replicates), chunk after chunk in firm order.
 */
public interface FirmDifferencesSink {
  /**
   * One chunk of one scenario.
   *
   * @param variant the scenario's index in {@code ScenarioPlan.variants()} (1 or more)
   * @param firmIds the chunk's firms
   * @param weights their weights
   * @param hit whether any of the scenario's shocks hits each firm
   * @param years the calendar years of {@code differences}
   * @param differences per year, row-major {@code [firms, Measure.values().length]}
   */
  void chunk(
      int variant,
      long[] firmIds,
      double[] weights,
      boolean[] hit,
      int[] years,
      double[][] differences);

  /** A sink that keeps nothing. */
  static FirmDifferencesSink none() {
    return (variant, firmIds, weights, hit, years, differences) -> {};
  }
}
