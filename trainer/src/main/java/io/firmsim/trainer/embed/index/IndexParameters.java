package io.firmsim.trainer.embed.index;

import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * The settings of an {@link EmbeddingIndex}: the distance, the HNSW graph's parameters and the seed
 * of its build.
 *
 * <ul>
 *   <li>{@code m} (default 16): the neighbours each node keeps on the upper layers (twice as many
 *       on the bottom layer). More: better recall, more memory, slower build.
 *   <li>{@code efConstruction} (default 100): the candidate list while inserting. More: a better
 *       graph, a slower build.
 *   <li>{@code efSearch} (default 100): the candidate list while searching (at least k is used).
 *       More: better recall, slower queries. Not part of the graph: it can differ per query. On a
 *       million hard synthetic embeddings (d = 32, efConstruction 40) recall@10 reached 0.95 only
 *       at efSearch 400 (docs/EMBEDDINGS.md, section Index).
 *   <li>{@code seed} (default 42): the seed of the random layer assignment of the graph's nodes.
 * </ul>
 *
 * <p>Built with {@link #builder()}: {@code setMetric} is required, the {@code opt} settings are
 * optional. Immutable.
 */
public final class IndexParameters {
  /** The default of {@code m}: Lucene's default. */
  public static final int DEFAULT_M = 16;

  /** The default of {@code efConstruction}: Lucene's default beam width. */
  public static final int DEFAULT_EF_CONSTRUCTION = 100;

  /** The default of {@code efSearch}. */
  public static final int DEFAULT_EF_SEARCH = 100;

  /** The default seed. */
  public static final long DEFAULT_SEED = 42L;

  private final Metric metric;
  private final int m;
  private final int efConstruction;
  private final int efSearch;
  private final long seed;

  private IndexParameters(Builder b) {
    this.metric = b.metric;
    this.m = b.m;
    this.efConstruction = b.efConstruction;
    this.efSearch = b.efSearch;
    this.seed = b.seed;
  }

  /** A builder with the defaults and no metric. */
  public static Builder builder() {
    return new Builder();
  }

  /** The distance. */
  public Metric metric() {
    return metric;
  }

  /** The neighbours per node on the upper layers. */
  public int m() {
    return m;
  }

  /** The candidate list while building. */
  public int efConstruction() {
    return efConstruction;
  }

  /** The candidate list while searching. */
  public int efSearch() {
    return efSearch;
  }

  /** The seed of the graph's layer assignment. */
  public long seed() {
    return seed;
  }

  /** These parameters with another {@code efSearch}. */
  public IndexParameters withEfSearch(int efSearch) {
    return builder()
        .setMetric(metric)
        .optM(m)
        .optEfConstruction(efConstruction)
        .optEfSearch(efSearch)
        .optSeed(seed)
        .build();
  }

  @Override
  public String toString() {
    return "IndexParameters{metric="
        + metric
        + ", m="
        + m
        + ", efConstruction="
        + efConstruction
        + ", efSearch="
        + efSearch
        + ", seed="
        + seed
        + '}';
  }

  /** Collects and validates the settings. */
  public static final class Builder {
    private Metric metric;
    private int m = DEFAULT_M;
    private int efConstruction = DEFAULT_EF_CONSTRUCTION;
    private int efSearch = DEFAULT_EF_SEARCH;
    private long seed = DEFAULT_SEED;

    private Builder() {}

    /** The distance (required). */
    public Builder setMetric(Metric metric) {
      this.metric = metric;
      return this;
    }

    /** Neighbours per node, 2 to 512. */
    public Builder optM(int m) {
      this.m = m;
      return this;
    }

    /** Candidate list while building, 1 to 3200. */
    public Builder optEfConstruction(int efConstruction) {
      this.efConstruction = efConstruction;
      return this;
    }

    /** Candidate list while searching, at least 1. */
    public Builder optEfSearch(int efSearch) {
      this.efSearch = efSearch;
      return this;
    }

    /** Seed of the layer assignment. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The parameters.
     *
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public IndexParameters build() {
      if (metric == null) {
        throw new IllegalArgumentException("You must set the metric (L2 or COSINE)");
      }
      if (m < 2 || m > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
        throw new IllegalArgumentException(
            "m must be between 2 and "
                + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN
                + ", found "
                + m);
      }
      if (efConstruction < 1 || efConstruction > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
        throw new IllegalArgumentException(
            "efConstruction must be between 1 and "
                + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH
                + ", found "
                + efConstruction);
      }
      if (efSearch < 1) {
        throw new IllegalArgumentException("efSearch must be at least 1, found " + efSearch);
      }
      return new IndexParameters(this);
    }
  }
}
