package io.firmsim.trainer.embed.index;

/**
 * The distance between two embeddings, computed in double precision from their float values.
 *
 * <p>{@link #L2} is the Euclidean distance; {@link #COSINE} is one minus the cosine of the angle (0
 * for the same direction, 2 for opposite ones), undefined for a zero vector. Both the exact search
 * and the HNSW index report these distances, so their answers compare directly.
 */
public enum Metric {
  /** Euclidean distance {@code sqrt(sum (a_j - b_j)^2)}. */
  L2 {
    @Override
    double distance(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
      double sum = 0;
      for (int j = 0; j < dimension; j++) {
        double diff = (double) a[aOffset + j] - b[bOffset + j];
        sum += diff * diff;
      }
      return Math.sqrt(sum);
    }
  },
  /** Cosine distance {@code 1 - a.b / (|a| |b|)}. */
  COSINE {
    @Override
    double distance(float[] a, int aOffset, float[] b, int bOffset, int dimension) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int j = 0; j < dimension; j++) {
        double x = a[aOffset + j];
        double y = b[bOffset + j];
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      return 1.0 - dot / Math.sqrt(na * nb);
    }
  };

  /**
   * The distance between {@code a[aOffset, aOffset + dimension)} and {@code b[bOffset, bOffset +
   * dimension)}.
   */
  abstract double distance(float[] a, int aOffset, float[] b, int bOffset, int dimension);
}
