package io.firmsim.simulator.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-year aggregates of a run on the host: one row of {@code width} float64 sums and the
 * year's largest balance gap per reported year. Rows are added as the run reaches their year, in
 * blocks of {@link #BLOCK_ROWS}, so memory grows with the years simulated, never with the years
 * asked for up front, and no single array needs more than {@code BLOCK_ROWS * width} elements.
 *
 * <p>Not thread-safe: filled by the simulation loop, then handed to {@link SimulationResult}, which
 * only reads it.
 */
final class AggregateTable {
  static final int BLOCK_ROWS = 1024;

  private final int width;
  private final List<double[]> sums = new ArrayList<>();
  private final List<double[]> gaps = new ArrayList<>();
  private int rows;

  AggregateTable(int width) {
    this.width = width;
  }

  int rows() {
    return rows;
  }

  int width() {
    return width;
  }

  /** Makes rows {@code [0, count)} exist (new rows hold zero sums and a zero gap). */
  void ensureRows(int count) {
    while (rows < count) {
      if (rows % BLOCK_ROWS == 0) {
        sums.add(new double[BLOCK_ROWS * width]);
        gaps.add(new double[BLOCK_ROWS]);
      }
      rows++;
    }
  }

  /** Adds {@code values[from .. from + width)} to row {@code row}, column by column. */
  void add(int row, double[] values, int from) {
    double[] block = sums.get(row / BLOCK_ROWS);
    int o = (row % BLOCK_ROWS) * width;
    for (int c = 0; c < width; c++) {
      block[o + c] += values[from + c];
    }
  }

  /** Raises row {@code row}'s largest gap to {@code gap} (NaN stays NaN). */
  void maxGap(int row, double gap) {
    double[] block = gaps.get(row / BLOCK_ROWS);
    int o = row % BLOCK_ROWS;
    block[o] = Double.isNaN(gap) || Double.isNaN(block[o]) ? Double.NaN : Math.max(block[o], gap);
  }

  double sum(int row, int column) {
    check(row);
    return sums.get(row / BLOCK_ROWS)[(row % BLOCK_ROWS) * width + column];
  }

  double gap(int row) {
    check(row);
    return gaps.get(row / BLOCK_ROWS)[row % BLOCK_ROWS];
  }

  private void check(int row) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("year index " + row + " of " + rows);
    }
  }
}
