package io.firmsim.trainer.embed.index;

import io.firmsim.simulator.input.BadInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Checks and helpers shared by {@link ExactSearch} and {@link EmbeddingIndex}. */
final class Queries {
  /** Nearest first; equal distances by row, so both searches order ties alike. */
  static final Comparator<Neighbour> NEAREST_FIRST =
      Comparator.comparingDouble(Neighbour::distance).thenComparingInt(Neighbour::row);

  private Queries() {}

  static void checkK(int k) {
    if (k < 1) {
      throw new BadInputException("k must be at least 1, found " + k);
    }
  }

  static void checkVector(float[] vector, int dimension, Metric metric) {
    if (vector == null) {
      throw new BadInputException("the query vector is required");
    }
    if (vector.length != dimension) {
      throw new BadInputException(
          "the query vector has "
              + vector.length
              + " values but the embeddings have dimension "
              + dimension);
    }
    double norm = 0;
    for (int j = 0; j < vector.length; j++) {
      if (!Float.isFinite(vector[j])) {
        throw new BadInputException(
            "the query vector's value " + j + " is " + vector[j] + ", not a finite number");
      }
      norm += (double) vector[j] * vector[j];
    }
    if (metric == Metric.COSINE && norm == 0) {
      throw new BadInputException("the query vector is zero: its cosine distance is undefined");
    }
  }

  /** Refuses zero rows for the cosine distance. */
  static void checkRows(EmbeddingTable table, Metric metric) {
    if (metric != Metric.COSINE) {
      return;
    }
    float[] v = table.values();
    int d = table.dimension();
    for (int r = 0; r < table.rows(); r++) {
      boolean zero = true;
      for (int j = 0; j < d && zero; j++) {
        zero = v[r * d + j] == 0f;
      }
      if (zero) {
        throw new BadInputException(
            "embedding row " + r + " is zero: its cosine distance is undefined");
      }
    }
  }

  /** Keeps the k nearest of the neighbours offered. */
  static final class TopK {
    private final int k;
    private final PriorityQueue<Neighbour> heap;

    TopK(int k) {
      this.k = k;
      this.heap = new PriorityQueue<>(k + 1, NEAREST_FIRST.reversed());
    }

    void offer(Neighbour n) {
      if (heap.size() < k) {
        heap.add(n);
      } else if (NEAREST_FIRST.compare(n, heap.peek()) < 0) {
        heap.poll();
        heap.add(n);
      }
    }

    /** Whether a neighbour at this distance (and a larger row) could still enter. */
    boolean admits(double distance) {
      return heap.size() < k || distance <= heap.peek().distance();
    }

    List<Neighbour> nearestFirst() {
      List<Neighbour> out = new ArrayList<>(heap);
      out.sort(NEAREST_FIRST);
      return List.copyOf(out);
    }
  }
}
