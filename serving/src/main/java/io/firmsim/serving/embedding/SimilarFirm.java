package io.firmsim.serving.embedding;

/**
 * One answer of {@link EmbeddingService#similar}: a firm, the end year of the window whose
 * embedding was found, and its distance to the query firm's embedding (in the service's metric,
 * double precision). A plain value so that {@code serving} needs nothing of the trainer's index.
 *
 * @param firmId the neighbour firm
 * @param endYear the last year of the neighbour's embedded window
 * @param distance the distance to the query firm, finite and at least 0
 */
public record SimilarFirm(long firmId, int endYear, double distance) {
  /** Validates the distance. */
  public SimilarFirm {
    if (!(distance >= 0) || Double.isInfinite(distance)) {
      throw new IllegalArgumentException("distance must be finite and >= 0, found " + distance);
    }
  }
}
