package io.firmsim.trainer.embed.anomaly;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * An isolation forest: an unsupervised anomaly detector that scores a row by how quickly random
 * axis-parallel splits isolate it from a sample of the data. Anomalies are few and different, so
 * they sit at short paths; the score is {@code s(x) = 2^(-E[h(x)] / c(psi))} with {@code h(x)} the
 * path length of {@code x} in a tree, {@code E} the mean over the trees and {@code c(psi)} the mean
 * path length of an unsuccessful search in a binary search tree of {@code psi} points (so a score
 * near 1 is an anomaly, scores at or below 0.5 are not).
 *
 * <p>Reference: F. T. Liu, K. M. Ting and Z.-H. Zhou, "Isolation Forest", Proceedings of the 8th
 * IEEE International Conference on Data Mining (ICDM 2008), pp. 413-422. As there: {@code t} trees
 * (default 100), each grown on a subsample of {@code psi} rows drawn without replacement (default
 * 256), to the height limit {@code ceil(log2 psi)}; an external node holding {@code n > 1} rows
 * adds {@code c(n)} to the path length. Two choices the paper leaves open, made as scikit-learn
 * makes them: {@link #c(long)} uses the exact harmonic number {@code H(n-1)} (the paper's {@code
 * ln(n-1) + 0.5772...} differs by less than {@code 1/(2(n-1))}), and a node splits on an attribute
 * drawn uniformly from those that are not constant among its rows (a node whose rows are all equal
 * is an external node). The split value is uniform between the attribute's minimum and maximum in
 * the node; rows below it go left.
 *
 * <p>Tribuo has no isolation forest and Smile's is GPL-licensed, hence this implementation.
 * Training is deterministic for a seed: tree {@code i} draws from the {@code i}-th split of a
 * {@link SplittableRandom} seeded with {@link Builder#optSeed}. Values are float64.
 *
 * <p>Instances are immutable and thread-safe; {@link #scores} scores rows in parallel.
 */
public final class IsolationForest {
  /** Default number of trees, as in the paper. */
  public static final int DEFAULT_TREES = 100;

  /** Default subsample size, as in the paper. */
  public static final int DEFAULT_SUBSAMPLE = 256;

  private final Tree[] trees;
  private final int columns;
  private final int subsample;
  private final long seed;
  private final double normalizer;

  private IsolationForest(Tree[] trees, int columns, int subsample, long seed) {
    this.trees = trees;
    this.columns = columns;
    this.subsample = subsample;
    this.seed = seed;
    this.normalizer = c(subsample);
  }

  /** A builder with the paper's defaults (100 trees, subsample 256) and seed 0. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The average path length of an unsuccessful search in a binary search tree of {@code n} points:
   * {@code c(n) = 2 H(n-1) - 2 (n-1) / n} for {@code n > 2}, {@code c(2) = 1}, {@code c(n) = 0} for
   * {@code n < 2}, with the exact harmonic number {@code H(i) = 1 + 1/2 + ... + 1/i}.
   */
  public static double c(long n) {
    if (n < 2) {
      return 0;
    }
    if (n == 2) {
      return 1;
    }
    return 2 * harmonic(n - 1) - 2.0 * (n - 1) / n;
  }

  private static double harmonic(long i) {
    if (i <= 100_000) {
      double h = 0;
      for (long k = i; k >= 1; k--) {
        h += 1.0 / k;
      }
      return h;
    }
    // Asymptotic expansion, exact to double precision for i > 1e5.
    double x = i;
    return Math.log(x) + 0.5772156649015329 + 1 / (2 * x) - 1 / (12 * x * x);
  }

  /** The number of trees. */
  public int trees() {
    return trees.length;
  }

  /** The number of columns a row must have. */
  public int columns() {
    return columns;
  }

  /** The subsample size each tree was grown on (the training rows when there were fewer). */
  public int subsample() {
    return subsample;
  }

  /** The seed the forest was grown with. */
  public long seed() {
    return seed;
  }

  /** The mean path length {@code E[h(x)]} of a row over the trees. */
  public double meanPathLength(double[] row) {
    checkRow(row, -1);
    double sum = 0;
    for (Tree t : trees) {
      sum += t.pathLength(row);
    }
    return sum / trees.length;
  }

  /** The anomaly score {@code 2^(-E[h(x)] / c(psi))} of a row, in (0, 1]. */
  public double score(double[] row) {
    return Math.pow(2, -meanPathLength(row) / normalizer);
  }

  /**
   * The scores of many rows, computed in parallel (the result does not depend on the threads).
   *
   * @throws IllegalArgumentException if a row is null or has the wrong number of columns
   */
  public double[] scores(double[][] rows) {
    Objects.requireNonNull(rows, "rows");
    for (int i = 0; i < rows.length; i++) {
      checkRow(rows[i], i);
    }
    double[] out = new double[rows.length];
    IntStream.range(0, rows.length).parallel().forEach(i -> out[i] = score(rows[i]));
    return out;
  }

  private void checkRow(double[] row, int index) {
    if (row == null || row.length != columns) {
      throw new IllegalArgumentException(
          (index >= 0 ? "row " + index + ": " : "")
              + "expected "
              + columns
              + " columns, found "
              + (row == null ? "null" : row.length));
    }
  }

  @Override
  public String toString() {
    return String.format(
        "IsolationForest[trees=%d, subsample=%d, columns=%d, seed=%d]",
        trees.length, subsample, columns, seed);
  }

  /**
   * Configures and grows an {@link IsolationForest}: {@code optX} setters are optional, {@link
   * #fit} validates the data and grows the trees.
   */
  public static final class Builder {
    private int trees = DEFAULT_TREES;
    private int subsample = DEFAULT_SUBSAMPLE;
    private long seed;

    private Builder() {}

    /** The number of trees {@code t}, at least 1 (default 100). */
    public Builder optTrees(int trees) {
      if (trees < 1) {
        throw new IllegalArgumentException("trees must be at least 1, found " + trees);
      }
      this.trees = trees;
      return this;
    }

    /** The subsample size {@code psi}, at least 2 (default 256). */
    public Builder optSubsample(int subsample) {
      if (subsample < 2) {
        throw new IllegalArgumentException("subsample must be at least 2, found " + subsample);
      }
      this.subsample = subsample;
      return this;
    }

    /** The seed of the random subsamples, attributes and split values (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Grows the forest on {@code rows} (not modified, not kept). When there are fewer rows than the
     * subsample size, every tree uses all rows and {@code psi} is the number of rows.
     *
     * @throws IllegalArgumentException if there are fewer than 2 rows, rows differ in length or
     *     have no columns, or a value is not finite; the message names the row and column
     */
    public IsolationForest fit(double[][] rows) {
      Objects.requireNonNull(rows, "rows");
      if (rows.length < 2) {
        throw new IllegalArgumentException("need at least 2 rows, found " + rows.length);
      }
      int columns = rows[0] == null ? 0 : rows[0].length;
      if (columns == 0) {
        throw new IllegalArgumentException("row 0 has no columns");
      }
      for (int i = 0; i < rows.length; i++) {
        if (rows[i] == null || rows[i].length != columns) {
          throw new IllegalArgumentException(
              "row " + i + ": expected " + columns + " columns like row 0");
        }
        for (int j = 0; j < columns; j++) {
          if (!Double.isFinite(rows[i][j])) {
            throw new IllegalArgumentException(
                "row " + i + ", column " + j + ": not finite: " + rows[i][j]);
          }
        }
      }
      int psi = Math.min(subsample, rows.length);
      int heightLimit = (int) Math.ceil(Math.log(psi) / Math.log(2));
      SplittableRandom root = new SplittableRandom(seed);
      Tree[] grown = new Tree[trees];
      int[] all = new int[rows.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      for (int t = 0; t < trees; t++) {
        SplittableRandom random = root.split();
        // Partial Fisher-Yates shuffle: the first psi entries are a sample without replacement.
        for (int i = 0; i < psi; i++) {
          int j = i + random.nextInt(all.length - i);
          int tmp = all[i];
          all[i] = all[j];
          all[j] = tmp;
        }
        int[] sample = Arrays.copyOf(all, psi);
        grown[t] = Tree.grow(rows, sample, columns, heightLimit, random);
      }
      return new IsolationForest(grown, columns, psi, seed);
    }
  }

  /** One isolation tree in flat arrays; node 0 is the root, external nodes have feature -1. */
  private static final class Tree {
    private final int[] feature;
    private final double[] split;
    private final int[] left;
    private final int[] right;

    /** For external nodes: {@code c(size)}, added to the depth at which a row arrives there. */
    private final double[] adjustment;

    private Tree(int[] feature, double[] split, int[] left, int[] right, double[] adjustment) {
      this.feature = feature;
      this.split = split;
      this.left = left;
      this.right = right;
      this.adjustment = adjustment;
    }

    double pathLength(double[] row) {
      int node = 0;
      int depth = 0;
      while (feature[node] >= 0) {
        node = row[feature[node]] < split[node] ? left[node] : right[node];
        depth++;
      }
      return depth + adjustment[node];
    }

    static Tree grow(
        double[][] rows, int[] sample, int columns, int heightLimit, SplittableRandom random) {
      // A binary tree over psi rows has at most 2 psi - 1 nodes.
      int capacity = 2 * sample.length;
      Builder b = new Builder(capacity);
      b.grow(rows, sample, 0, sample.length, 0, columns, heightLimit, random);
      return new Tree(
          Arrays.copyOf(b.feature, b.size),
          Arrays.copyOf(b.split, b.size),
          Arrays.copyOf(b.left, b.size),
          Arrays.copyOf(b.right, b.size),
          Arrays.copyOf(b.adjustment, b.size));
    }

    private static final class Builder {
      final int[] feature;
      final double[] split;
      final int[] left;
      final int[] right;
      final double[] adjustment;
      int size;

      Builder(int capacity) {
        feature = new int[capacity];
        split = new double[capacity];
        left = new int[capacity];
        right = new int[capacity];
        adjustment = new double[capacity];
      }

      /** Grows the node for {@code sample[from, to)} and returns its index. */
      int grow(
          double[][] rows,
          int[] sample,
          int from,
          int to,
          int depth,
          int columns,
          int heightLimit,
          SplittableRandom random) {
        int node = size++;
        int n = to - from;
        feature[node] = -1;
        adjustment[node] = c(n);
        if (depth >= heightLimit || n <= 1) {
          return node;
        }
        // Attributes that vary within the node, with their ranges.
        int[] candidates = new int[columns];
        double[] lo = new double[columns];
        double[] hi = new double[columns];
        int count = 0;
        for (int j = 0; j < columns; j++) {
          double min = Double.POSITIVE_INFINITY;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = from; k < to; k++) {
            double v = rows[sample[k]][j];
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
          if (max > min) {
            candidates[count] = j;
            lo[count] = min;
            hi[count] = max;
            count++;
          }
        }
        if (count == 0) {
          return node;
        }
        int pick = random.nextInt(count);
        int q = candidates[pick];
        double p = lo[pick] + random.nextDouble() * (hi[pick] - lo[pick]);
        if (!(p > lo[pick])) {
          // The draw hit the minimum: split just above it so both sides are non-empty.
          p = Math.nextUp(lo[pick]);
        }
        // Partition sample[from, to) into values < p, then values >= p.
        int mid = from;
        for (int k = from; k < to; k++) {
          if (rows[sample[k]][q] < p) {
            int tmp = sample[mid];
            sample[mid] = sample[k];
            sample[k] = tmp;
            mid++;
          }
        }
        feature[node] = q;
        split[node] = p;
        adjustment[node] = 0;
        left[node] = grow(rows, sample, from, mid, depth + 1, columns, heightLimit, random);
        right[node] = grow(rows, sample, mid, to, depth + 1, columns, heightLimit, random);
        return node;
      }
    }
  }
}
