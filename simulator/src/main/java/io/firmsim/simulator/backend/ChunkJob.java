package io.firmsim.simulator.backend;

/**
 * One chunk of firms for a {@link ChunkRunner}: its position in the run, its firms' ids and start
 * values, and the number of rows it is simulated with (its firms padded with all-zero firms to a
 * whole number of tiles; the padding firms are simulated and dropped from every output).
 *
 * <p>Class is immutable (the arrays are not copied and must not be changed).
 */
public final class ChunkJob {
  private final int index;
  private final long[] firmIds;
  private final double[] values;
  private final int rows;
  private final boolean keepPanel;

  /**
   * @param index the chunk's position in the run (0, 1, ...)
   * @param firmIds the chunk's firm ids, one per firm
   * @param values the firms' start state, row-major {@code [firms, StateVariable.count()]}
   * @param rows firms plus padding: a multiple of the tile width, at least the number of firms
   * @param keepPanel whether the reported years' state and flows come back for a panel
   */
  public ChunkJob(int index, long[] firmIds, double[] values, int rows, boolean keepPanel) {
    if (rows < firmIds.length) {
      throw new IllegalArgumentException(rows + " rows for " + firmIds.length + " firms");
    }
    this.index = index;
    this.firmIds = firmIds;
    this.values = values;
    this.rows = rows;
    this.keepPanel = keepPanel;
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
