package io.firmsim.trainer.embed.index;

import java.util.SplittableRandom;

/**
 * Synthetic embeddings for tests and the benchmark: independent standard normal values ("random"),
 * or a mixture of Gaussian clusters ("clustered": centres standard normal, points a centre plus
 * normal noise of standard deviation {@code spread}, cluster sizes equal in expectation).
 */
final class SyntheticEmbeddings {
  private SyntheticEmbeddings() {}

  static float[][] random(int n, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] out = new float[n][d];
    for (float[] row : out) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) gaussian(rng);
      }
    }
    return out;
  }

  static float[][] clustered(int n, int d, int clusters, double spread, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] centres = new double[clusters][d];
    for (double[] c : centres) {
      for (int j = 0; j < d; j++) {
        c[j] = gaussian(rng);
      }
    }
    float[][] out = new float[n][d];
    for (float[] row : out) {
      double[] c = centres[rng.nextInt(clusters)];
      for (int j = 0; j < d; j++) {
        row[j] = (float) (c[j] + spread * gaussian(rng));
      }
    }
    return out;
  }

  /** Firm ids 1..n, one row each, all ending in 2020. */
  static EmbeddingTable table(float[][] vectors) {
    long[] firms = new long[vectors.length];
    int[] years = new int[vectors.length];
    for (int i = 0; i < firms.length; i++) {
      firms[i] = i + 1;
      years[i] = 2020;
    }
    return EmbeddingTable.of(vectors, firms, years);
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
