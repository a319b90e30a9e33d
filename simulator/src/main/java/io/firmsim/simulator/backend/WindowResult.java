package io.firmsim.simulator.backend;

/**
 * What a chunk's run of consecutive years (a flush window) brings to the host: each year's largest
 * balance gap and the row that has it, and, for the reported years of the window, the per-tile sums
 * of every state and flow column ({@code [years][tiles][StateVariable.count() +
 * FlowVariable.count()]}, float64, each tile summed by the fixed pairwise tree of {@link
 * TileSums}).
 *
 * <p>Class is immutable (the arrays are not copied).
 */
public final class WindowResult {
  private final int firstYear;
  private final double[] maxGap;
  private final int[] worstRow;
  private final int firstReported;
  private final int tiles;
  private final double[] tileSums;

  /**
   * @param firstYear index of the window's first year in the run (0 = first simulated year)
   * @param maxGap per year of the window, the largest relative balance gap; NaN when any firm's gap
   *     is NaN
   * @param worstRow per year, the chunk row with the largest gap (a NaN gap counts as largest)
   * @param firstReported index in the run of the year of the first block of tile sums
   * @param tiles tiles of the chunk
   * @param tileSums per reported year of the window, per tile, the column sums
   */
  public WindowResult(
      int firstYear,
      double[] maxGap,
      int[] worstRow,
      int firstReported,
      int tiles,
      double[] tileSums) {
    this.firstYear = firstYear;
    this.maxGap = maxGap;
    this.worstRow = worstRow;
    this.firstReported = firstReported;
    this.tiles = tiles;
    this.tileSums = tileSums;
  }

  public int firstYear() {
    return firstYear;
  }

  /** Years in the window. */
  public int years() {
    return maxGap.length;
  }

  public double maxGap(int year) {
    return maxGap[year];
  }

  public int worstRow(int year) {
    return worstRow[year];
  }

  public int firstReported() {
    return firstReported;
  }

  public int tiles() {
    return tiles;
  }

  /** Years of the window with tile sums. */
  public int reportedYears(int width) {
    return tiles == 0 ? 0 : tileSums.length / (tiles * width);
  }

  /** Flat {@code [reported years][tiles][width]}. */
  public double[] tileSums() {
    return tileSums;
  }
}
