package io.firmsim.simulator.scenario.run;

import io.firmsim.simulator.random.CounterRng;

/**
 * The seeds and per-firm draws of a scenario run, each a pure function of the run's seed and the
 * firm's id (never of the chunk, the worker or the partition), so that a partitioned run equals a
 * single-machine run.
 *
 * <ul>
 *   <li>Replicate {@code r} runs with seed {@link #replicate}: replicate 0 with the run's seed
 *       itself (its baseline is what {@code simulate --seed S} gives), the others with a hash of
 *       (seed, r).
 *   <li>Shock {@code j} of a scenario (its position in the scenario's list) decides whether firm
 *       {@code i} is hit with the uniform {@link #hitDraw} and how hard with {@link
 *       #magnitudeDraw}; both depend on the run's seed only, so the same firms are hit, equally
 *       hard, in every replicate, and the same shock in the same position of two scenarios hits the
 *       same firms.
 * </ul>
 */
public final class ScenarioSeeds {
  private static final long REPLICATE_STREAM = Long.MIN_VALUE + 1;
  private static final long SHOCK_STREAM = Long.MIN_VALUE + 1_000_000L;

  private final CounterRng rng;

  public ScenarioSeeds(long seed) {
    this.rng = new CounterRng(seed);
  }

  /** The seed of replicate {@code r} of a run with seed {@code seed}. */
  public static long replicate(long seed, int r) {
    return r == 0 ? seed : new CounterRng(seed).base(r, REPLICATE_STREAM);
  }

  /** Firm {@code firmId}'s uniform in [0, 1) for being hit by shock {@code shock}. */
  public double hitDraw(long firmId, int shock) {
    return CounterRng.uniform(rng.base(firmId, SHOCK_STREAM + shock), 1);
  }

  /** Firm {@code firmId}'s uniform in (0, 1) for its magnitude of shock {@code shock}. */
  public double magnitudeDraw(long firmId, int shock) {
    // Open interval: a normal magnitude is drawn by inversion, which is infinite at 0.
    return ((CounterRng.bits(rng.base(firmId, SHOCK_STREAM + shock), 2) >>> 11) + 0.5) * 0x1p-53;
  }
}
