package io.firmsim.trainer.embed.index;

import io.firmsim.simulator.input.BadInputException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Embeddings {@code [n, d]} with, for each row, the firm it describes and the last year of the
 * window it was computed from. A firm may have several rows (windows ending in different years),
 * but at most one per end year.
 *
 * <p>The table is what both {@link ExactSearch} and {@link EmbeddingIndex} search. Values are
 * copied in and out; the class is immutable and thread-safe.
 */
public final class EmbeddingTable {
  private final int rows;
  private final int dimension;
  private final float[] values;
  private final long[] firmIds;
  private final int[] endYears;

  /** Row numbers sorted by (firm id, end year). */
  private final int[] byFirm;

  private EmbeddingTable(float[] values, int dimension, long[] firmIds, int[] endYears) {
    this.rows = firmIds.length;
    this.dimension = dimension;
    this.values = values;
    this.firmIds = firmIds;
    this.endYears = endYears;
    this.byFirm =
        IntStream.range(0, rows)
            .boxed()
            .sorted(
                Comparator.<Integer>comparingLong(r -> firmIds[r])
                    .thenComparingInt(r -> endYears[r]))
            .mapToInt(Integer::intValue)
            .toArray();
    for (int i = 1; i < rows; i++) {
      int a = byFirm[i - 1];
      int b = byFirm[i];
      if (firmIds[a] == firmIds[b] && endYears[a] == endYears[b]) {
        throw new BadInputException(
            "embedding rows "
                + Math.min(a, b)
                + " and "
                + Math.max(a, b)
                + " have the same firm "
                + firmIds[a]
                + " and end year "
                + endYears[a]);
      }
    }
  }

  /**
   * A table of {@code embeddings[i]} for firm {@code firmIds[i]} ending in {@code endYears[i]}.
   *
   * @throws BadInputException when the arrays differ in length, are empty, a row's length differs
   *     from the first row's, a value is not finite, or two rows share firm and end year
   */
  public static EmbeddingTable of(float[][] embeddings, long[] firmIds, int[] endYears) {
    if (embeddings == null || firmIds == null || endYears == null) {
      throw new BadInputException("embeddings, firm ids and end years are required");
    }
    if (embeddings.length != firmIds.length || embeddings.length != endYears.length) {
      throw new BadInputException(
          "embeddings have "
              + embeddings.length
              + " rows but there are "
              + firmIds.length
              + " firm ids and "
              + endYears.length
              + " end years");
    }
    if (embeddings.length == 0) {
      throw new BadInputException("there are no embeddings");
    }
    int d = embeddings[0] == null ? 0 : embeddings[0].length;
    if (d == 0) {
      throw new BadInputException("embedding row 0 has no values");
    }
    float[] flat = new float[Math.multiplyExact(embeddings.length, d)];
    for (int r = 0; r < embeddings.length; r++) {
      float[] row = embeddings[r];
      if (row == null || row.length != d) {
        throw new BadInputException(
            "embedding row "
                + r
                + " has "
                + (row == null ? 0 : row.length)
                + " values but row 0 has "
                + d);
      }
      System.arraycopy(row, 0, flat, r * d, d);
    }
    return ofFlat(flat, d, firmIds.clone(), endYears.clone());
  }

  /** As {@link #of(float[][], long[], int[])} from arrays it takes over (no copies). */
  static EmbeddingTable ofFlat(float[] flat, int d, long[] firmIds, int[] endYears) {
    for (int i = 0; i < flat.length; i++) {
      if (!Float.isFinite(flat[i])) {
        throw new BadInputException(
            "embedding row " + i / d + ", column " + i % d + ": " + flat[i] + " is not finite");
      }
    }
    return new EmbeddingTable(flat, d, firmIds, endYears);
  }

  /** The number of embeddings. */
  public int rows() {
    return rows;
  }

  /** The number of values of each embedding. */
  public int dimension() {
    return dimension;
  }

  /** The firm of a row. */
  public long firmId(int row) {
    return firmIds[row];
  }

  /** The end year of a row's window. */
  public int endYear(int row) {
    return endYears[row];
  }

  /** A copy of a row's embedding. */
  public float[] vector(int row) {
    return Arrays.copyOfRange(values, row * dimension, (row + 1) * dimension);
  }

  /** Whether the firm has at least one row. */
  public boolean contains(long firmId) {
    return firstOf(firmId) >= 0;
  }

  /** The firm's row with the latest end year. */
  int latestRow(long firmId) {
    int i = firstOf(firmId);
    if (i < 0) {
      throw new BadInputException("firm " + firmId + " is not in the index");
    }
    while (i + 1 < rows && firmIds[byFirm[i + 1]] == firmId) {
      i++;
    }
    return byFirm[i];
  }

  /** The number of rows of a firm. */
  int rowCount(long firmId) {
    int i = firstOf(firmId);
    int n = 0;
    while (i >= 0 && i < rows && firmIds[byFirm[i]] == firmId) {
      i++;
      n++;
    }
    return n;
  }

  /** The position in {@link #byFirm} of the firm's first row, or -1. */
  private int firstOf(long firmId) {
    int lo = 0;
    int hi = rows;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (firmIds[byFirm[mid]] < firmId) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < rows && firmIds[byFirm[lo]] == firmId ? lo : -1;
  }

  /** The values, row-major; not a copy: callers must not write. */
  float[] values() {
    return values;
  }

  long[] firmIdArray() {
    return firmIds;
  }

  int[] endYearArray() {
    return endYears;
  }
}
