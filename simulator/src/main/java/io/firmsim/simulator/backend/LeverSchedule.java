package io.firmsim.simulator.backend;

/**
 * The stress-scenario levers ({@link io.firmsim.models.step.Lever}) of one chunk's firms, year by
 * year: what a scenario's shocks do to each firm. Built on the host for a chunk, read once per
 * chunk-year, like the uniform draws.
 */
@FunctionalInterface
public interface LeverSchedule {
  /**
   * Writes the levers of the chunk's firms in calendar year {@code year} into the start of {@code
   * out}, row-major {@code [firms, Lever.count()]}; every firm's row must be written (neutral
   * values where nothing acts); values after the firms' rows (a chunk's padding) are left alone.
   */
  void fill(int year, double[] out);
}
