package io.firmsim.trainer.embed.index;

import java.util.List;

/**
 * Brute-force nearest neighbours: the distance from the query to every row of an {@link
 * EmbeddingTable}, in double precision. The reference the approximate {@link EmbeddingIndex} is
 * measured against (recall), and a fine index on its own for a few thousand firms.
 *
 * <p>Ties are broken by row, nearest first. Immutable and thread-safe.
 */
public final class ExactSearch {
  private final EmbeddingTable table;
  private final Metric metric;

  /**
   * A search over the table's rows.
   *
   * @throws io.firmsim.simulator.input.BadInputException for the cosine metric with a zero row
   */
  public ExactSearch(EmbeddingTable table, Metric metric) {
    if (table == null || metric == null) {
      throw new IllegalArgumentException("table and metric are required");
    }
    Queries.checkRows(table, metric);
    this.table = table;
    this.metric = metric;
  }

  /** The searched table. */
  public EmbeddingTable table() {
    return table;
  }

  /** The distance. */
  public Metric metric() {
    return metric;
  }

  /**
   * The k rows nearest to a vector, nearest first (fewer when the table has fewer rows).
   *
   * @throws io.firmsim.simulator.input.BadInputException when k is below 1 or the vector's length
   *     is not the table's dimension (or it is not finite, or zero for cosine)
   */
  public List<Neighbour> query(float[] vector, int k) {
    Queries.checkK(k);
    Queries.checkVector(vector, table.dimension(), metric);
    return search(vector, k, Long.MIN_VALUE, false);
  }

  /**
   * The k rows nearest to the firm's latest embedding (the row with its latest end year), leaving
   * out every row of that firm.
   *
   * @throws io.firmsim.simulator.input.BadInputException when k is below 1 or the firm has no row
   */
  public List<Neighbour> query(long firmId, int k) {
    Queries.checkK(k);
    int row = table.latestRow(firmId);
    return search(table.vector(row), k, firmId, true);
  }

  private List<Neighbour> search(float[] vector, int k, long excludedFirm, boolean exclude) {
    int d = table.dimension();
    float[] values = table.values();
    Queries.TopK top = new Queries.TopK(k);
    for (int r = 0; r < table.rows(); r++) {
      if (exclude && table.firmId(r) == excludedFirm) {
        continue;
      }
      double dist = metric.distance(vector, 0, values, r * d, d);
      if (top.admits(dist)) {
        top.offer(new Neighbour(r, table.firmId(r), table.endYear(r), dist));
      }
    }
    return top.nearestFirst();
  }
}
