package io.firmsim.simulator.backend;

import io.firmsim.simulator.macro.MacroPath;
import java.util.Objects;

/**
 * One chunk of firms for a {@link ChunkRunner}: its position in the run, its firms' ids and start
 * values, and the number of rows it is simulated with (its firms padded with all-zero firms to a
 * whole number of tiles; the padding firms are simulated and dropped from every output).
 *
 * <p>Class is immutable (the arrays are not copied and must not be changed). A job may carry a
 * scenario variant's seed, macro path and levers ({@link #asVariant}) and its firms' weights and
 * alignment targets ({@link #withAlignment}).
 */
public final class ChunkJob {
  private final int index;
  private final long[] firmIds;
  private final double[] values;
  private final int rows;
  private final boolean keepPanel;
  private final Long seed;
  private final MacroPath macro;
  private final LeverSchedule levers;
  private final double[] weights;
  private final AlignmentSchedule alignment;

  /**
   * @param index the chunk's position in the run (0, 1, ...)
   * @param firmIds the chunk's firm ids, one per firm
   * @param values the firms' start state, row-major {@code [firms, StateVariable.count()]}
   * @param rows firms plus padding: a multiple of the tile width, at least the number of firms
   * @param keepPanel whether the reported years' state and flows come back for a panel
   */
  public ChunkJob(int index, long[] firmIds, double[] values, int rows, boolean keepPanel) {
    this(index, firmIds, values, rows, keepPanel, null, null, null, null, null);
  }

  private ChunkJob(
      int index,
      long[] firmIds,
      double[] values,
      int rows,
      boolean keepPanel,
      Long seed,
      MacroPath macro,
      LeverSchedule levers,
      double[] weights,
      AlignmentSchedule alignment) {
    if (rows < firmIds.length) {
      throw new IllegalArgumentException(rows + " rows for " + firmIds.length + " firms");
    }
    this.index = index;
    this.firmIds = firmIds;
    this.values = values;
    this.rows = rows;
    this.keepPanel = keepPanel;
    this.seed = seed;
    this.macro = macro;
    this.levers = levers;
    this.weights = weights;
    this.alignment = alignment;
  }

  /**
   * This job as one variant of a stress-scenario run: its own seed (a replicate's) and macro path
   * in place of the configuration's, and the variant's levers every year (the backend must have
   * been opened with {@link io.firmsim.simulator.engine.SimulationConfig#levers()}).
   */
  public ChunkJob asVariant(long seed, MacroPath macro, LeverSchedule levers) {
    return new ChunkJob(
        index,
        firmIds,
        values,
        rows,
        keepPanel,
        seed,
        Objects.requireNonNull(macro, "macro"),
        Objects.requireNonNull(levers, "levers"),
        weights,
        alignment);
  }

  /**
   * This job with its firms' weights and the run's alignment targets (the backend must have been
   * opened with {@link io.firmsim.simulator.engine.SimulationConfig#aligned()}). Kept by {@link
   * #asVariant}.
   *
   * @param weights one per firm of the chunk (padding rows get 0), each finite and at least 0
   * @param alignment the targets by calendar year
   */
  public ChunkJob withAlignment(double[] weights, AlignmentSchedule alignment) {
    if (weights.length != firmIds.length) {
      throw new IllegalArgumentException(
          weights.length + " weights for a chunk of " + firmIds.length + " firms");
    }
    for (double w : weights) {
      if (!(w >= 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException("weights must be finite and at least 0, found " + w);
      }
    }
    return new ChunkJob(
        index,
        firmIds,
        values,
        rows,
        keepPanel,
        seed,
        macro,
        levers,
        weights,
        Objects.requireNonNull(alignment, "alignment"));
  }

  /** The firms' weights for alignment (one per firm, without padding), or null without. */
  public double[] weights() {
    return weights;
  }

  /** The alignment targets by year, or null without alignment. */
  public AlignmentSchedule alignment() {
    return alignment;
  }

  /** The seed of the draws: the job's own, or {@code fallback} (the configuration's). */
  public long seed(long fallback) {
    return seed == null ? fallback : seed;
  }

  /** The macro path: the job's own, or {@code fallback} (the configuration's). */
  public MacroPath macro(MacroPath fallback) {
    return macro == null ? fallback : macro;
  }

  /** The levers of a scenario variant, or null outside scenario runs. */
  public LeverSchedule levers() {
    return levers;
  }

  public int index() {
    return index;
  }

  /** Firms of the chunk (without padding). */
  public int firms() {
    return firmIds.length;
  }

  public long[] firmIds() {
    return firmIds;
  }

  /** Start state, row-major {@code [firms, StateVariable.count()]}. */
  public double[] values() {
    return values;
  }

  /** Rows simulated: firms plus padding, a whole number of tiles. */
  public int rows() {
    return rows;
  }

  public boolean keepPanel() {
    return keepPanel;
  }
}
