package io.firmsim.simulator.scenario.run;

import java.io.Serializable;

/**
 * One chunk's per-firm paired differences, every scenario, as {@link ScenarioRunner} hands them to
 * a {@link FirmDifferencesSink}: kept whole so that a run can hand them on in firm order whatever
 * order the chunks finish in, and so that a {@link ScenarioPart} can carry them to the process that
 * combines the parts. The arrays are owned by this object and never changed after construction.
 */
final class ChunkDifferences implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] firmIds;
  private final double[] weights;
  private final boolean[][] hit; // [variant][firm]; row 0 (the baseline) unused
  private final int[] years;
  private final double[][][] differences; // [variant][year][firm * measures]; row 0 unused

  /** Takes the arrays as they are (the runner's own, not shared with anything else). */
  ChunkDifferences(
      long[] firmIds, double[] weights, boolean[][] hit, int[] years, double[][][] differences) {
    if (weights.length != firmIds.length || hit.length != differences.length) {
      throw new IllegalArgumentException(
          "chunk differences disagree: "
              + firmIds.length
              + " firms, "
              + weights.length
              + " weights, "
              + hit.length
              + " and "
              + differences.length
              + " variants");
    }
    this.firmIds = firmIds;
    this.weights = weights;
    this.hit = hit;
    this.years = years;
    this.differences = differences;
  }

  /** The number of firms. */
  int firms() {
    return firmIds.length;
  }

  /** The number of variants, the baseline included. */
  int variants() {
    return differences.length;
  }

  /**
   * Hands every scenario's differences (variants 1 and on, in order) to the sink, as one {@link
   * FirmDifferencesSink#chunk} call each.
   *
   * @param copy whether the sink gets copies (so that this object stays unchanged whatever the sink
   *     does), or these arrays themselves (a run that drops this object afterwards)
   */
  void feed(FirmDifferencesSink sink, boolean copy) {
    for (int v = 1; v < differences.length; v++) {
      if (copy) {
        double[][] d = new double[differences[v].length][];
        for (int k = 0; k < d.length; k++) {
          d[k] = differences[v][k].clone();
        }
        sink.chunk(v, firmIds.clone(), weights.clone(), hit[v].clone(), years.clone(), d);
      } else {
        sink.chunk(v, firmIds, weights, hit[v], years, differences[v]);
      }
    }
  }
}
