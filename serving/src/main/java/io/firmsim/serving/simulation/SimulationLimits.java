package io.firmsim.serving.simulation;

/**
 * The largest simulation one {@code POST .../simulate} request may ask for. A request beyond a
 * limit is refused before any simulating, with a message naming the limit: 400 for the firms, the
 * years and the firm-years, 413 for the body.
 *
 * <p>Why: a simulation runs on the request's thread and holds the population and the per-year
 * aggregates in memory; these limits bound one request's memory and time, so that one client cannot
 * take the server with a typo.
 *
 * <p>Class is immutable.
 *
 * @param maxFirmYears most firm-years stepped: firms times (years plus burn-in)
 * @param maxFirms most firms in the population
 * @param maxYears most reported years (and most burn-in years)
 * @param maxBodyBytes most bytes of request body (a JSON body is held in memory while it is read, a
 *     CSV body is written to a temporary file)
 */
public record SimulationLimits(long maxFirmYears, int maxFirms, int maxYears, long maxBodyBytes) {
  /** Default of {@link #maxFirmYears()}: about a minute of simulation on a few cores. */
  public static final long DEFAULT_MAX_FIRM_YEARS = 50_000_000L;

  /** Default of {@link #maxFirms()}. */
  public static final int DEFAULT_MAX_FIRMS = 1_000_000;

  /** Default of {@link #maxYears()}. */
  public static final int DEFAULT_MAX_YEARS = 1_000;

  /** Default of {@link #maxBodyBytes()}: 256 MiB, a million firms as CSV with room to spare. */
  public static final long DEFAULT_MAX_BODY_BYTES = 256L << 20;

  /**
   * @throws IllegalArgumentException if a limit is not positive
   */
  public SimulationLimits {
    if (maxFirmYears < 1 || maxFirms < 1 || maxYears < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException(
          "simulation limits must be positive, found maxFirmYears="
              + maxFirmYears
              + ", maxFirms="
              + maxFirms
              + ", maxYears="
              + maxYears
              + ", maxBodyBytes="
              + maxBodyBytes);
    }
  }

  /** The defaults: 50,000,000 firm-years, 1,000,000 firms, 1,000 years, 256 MiB of body. */
  public static SimulationLimits defaults() {
    return new SimulationLimits(
        DEFAULT_MAX_FIRM_YEARS, DEFAULT_MAX_FIRMS, DEFAULT_MAX_YEARS, DEFAULT_MAX_BODY_BYTES);
  }
}
