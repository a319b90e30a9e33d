package io.firmsim.simulator.engine;

import java.io.Serializable;

/**
 * What one part of a population (a scale-out task's range of firms, {@link Simulator#runPart})
 * contributes to a run's aggregates: per reported year, the sums of each of its tiles of 512 firms
 * in firm order, and the year's largest balance gap.
 *
 * <p>Why tiles and not the part's totals: the single-machine run adds tile sums one after another
 * in firm order, and floating-point addition is not associative, so totals of parts added together
 * would differ from it in the last bits. {@link SimulationResult#combine} adds the parts' tiles in
 * the same order and gives the single-machine aggregates bit for bit. The cost is {@code years x
 * tiles x columns} numbers per part (about 0.9 KB per 1,000 firms and year).
 *
 * <p>Serializable, so that a task on another JVM can return it. Class is immutable (the arrays are
 * not copied; nobody changes them after construction).
 */
public final class PartialAggregates implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int startYear;
  private final long firms;
  private final int width;
  private final double[][] tileSums; // [reported year][tile * width]
  private final double[] maxGaps;
  private final long firmYearsStepped;
  private final double loopSeconds;

  PartialAggregates(
      int startYear,
      long firms,
      int width,
      double[][] tileSums,
      double[] maxGaps,
      long firmYearsStepped,
      double loopSeconds) {
    if (tileSums.length != maxGaps.length) {
      throw new IllegalArgumentException(
          tileSums.length + " years of tile sums, " + maxGaps.length + " of gaps");
    }
    for (double[] year : tileSums) {
      if (year.length % width != 0) {
        throw new IllegalArgumentException("tile sums of " + year.length + " for width " + width);
      }
    }
    this.startYear = startYear;
    this.firms = firms;
    this.width = width;
    this.tileSums = tileSums;
    this.maxGaps = maxGaps;
    this.firmYearsStepped = firmYearsStepped;
    this.loopSeconds = loopSeconds;
  }

  public int startYear() {
    return startYear;
  }

  /** Firms of the part. */
  public long firms() {
    return firms;
  }

  /** Reported years. */
  public int years() {
    return maxGaps.length;
  }

  /** Tiles of the part in reported year {@code y}. */
  public int tiles(int y) {
    return tileSums[y].length / width;
  }

  /** Columns per tile: the state columns, then the flows. */
  int width() {
    return width;
  }

  /** Year {@code y}'s tile sums, {@code [tile * width]} (not a copy). */
  double[] tileSums(int y) {
    return tileSums[y];
  }

  public double maxGap(int y) {
    return maxGaps[y];
  }

  public long firmYearsStepped() {
    return firmYearsStepped;
  }

  /** Wall time of the part's simulation loop. */
  public double loopSeconds() {
    return loopSeconds;
  }
}
