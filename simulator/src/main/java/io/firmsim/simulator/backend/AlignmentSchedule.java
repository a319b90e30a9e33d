package io.firmsim.simulator.backend;

/**
 * The alignment targets of a run, year by year ({@link io.firmsim.models.step.Alignment}): for each
 * aligned submodel of {@link io.firmsim.simulator.engine.SimulationConfig#aligned()}, the rate its
 * weighted mean probability is aligned to in a calendar year. Read on the host once per chunk-year,
 * like the levers.
 */
@FunctionalInterface
public interface AlignmentSchedule {
  /**
   * Writes the targets of calendar year {@code year} into {@code out}, one per aligned submodel in
   * configuration order: a rate in (0, 1), or NaN where the submodel is not aligned that year.
   */
  void fill(int year, double[] out);
}
