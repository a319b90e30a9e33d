package io.firmsim.serving.drift;

import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.profile.FeatureProfile;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Watches the inputs of one served graph for drift from the training data: a sliding window of the
 * last {@code window} rows seen, compared column by column with the model's reference profile
 * ({@link ReferenceProfile}, the {@code referenceProfile} block {@code train} stores in the model)
 * by the population stability index ({@link Psi}).
 *
 * <p><b>Window.</b> Exactly the last {@code window} rows observed, in the order {@link #observe}
 * calls took the monitor's lock (rows of one call in their order; of a call with more rows than the
 * window, only its last {@code window} rows enter). Kept as a ring of each row's bin per column
 * (one {@code short} per cell) and per-column bin counts, so a row leaving the window is subtracted
 * exactly and a report costs {@code O(columns * bins)}.
 *
 * <p><b>Bins.</b> A value falls in the reference bin {@link FeatureProfile#bin(double)} gives
 * (upper-inclusive, open tails, NaN in the last bin). For FP32 inputs the cut points are rounded to
 * float once and compared in float, so a float32 value equal to a reference point mass (a rounded
 * cut point) stays in the point mass's bin.
 *
 * <p><b>Readings.</b> {@value #WARNING} and {@value #CRITICAL} are the usual PSI thresholds of
 * credit-risk practice (Siddiqi, <i>Credit Risk Scorecards</i>, Wiley 2006): below 0.1 no
 * significant shift, 0.1 to 0.25 a moderate shift, above 0.25 a significant shift. While the window
 * holds fewer than {@link #MIN_ROWS} rows every column reads {@code insufficient}.
 *
 * <p>Thread-safe: {@link #observe} bins a batch outside the lock (one array per call, none per row;
 * a binary search per cell, {@code O(N k log bins)}, or for up to 16 cut points a branch-free
 * count, about 9 ns per cell for 10 bins) and holds the lock only to move the bins into the ring.
 */
public final class DriftMonitor {
  /** PSI at or above this: a moderate shift ({@code warning}). */
  public static final double WARNING = 0.1;

  /** PSI at or above this: a significant shift ({@code critical}). */
  public static final double CRITICAL = 0.25;

  /**
   * The fewest rows in the window for a reading other than {@code insufficient}: 500. For rows
   * drawn from the reference itself the index is about {@code (bins - 1) / rows} (0.018 for 10
   * bins), well below {@link #WARNING}; at 100 rows it would be about 0.09.
   */
  public static final int MIN_ROWS = 500;

  /** Up to this many cut points a value's bin is found by counting, beyond by binary search. */
  private static final int LINEAR_EDGES = 16;

  private final String graph;
  private final String inputName;
  private final int window;
  private final int k;
  private final String[] names;
  private final double[][] edges;
  private final float[][] edges32;
  private final double[][] expected;

  // ---- guarded by this
  private final short[] ring; // [window][k] bin per cell
  private final long[][] counts; // [k][bins]
  private int next; // the ring slot the next row goes to
  private long inWindow;
  private long seen;

  private DriftMonitor(String graph, GraphProfile profile, int window) {
    this.graph = graph;
    this.inputName = profile.input();
    this.window = window;
    List<FeatureProfile> fs = profile.features();
    this.k = fs.size();
    this.names = new String[k];
    this.edges = new double[k][];
    this.edges32 = new float[k][];
    this.expected = new double[k][];
    this.counts = new long[k][];
    for (int j = 0; j < k; j++) {
      FeatureProfile f = fs.get(j);
      names[j] = f.name();
      edges[j] = f.edges();
      edges32[j] = new float[edges[j].length];
      for (int i = 0; i < edges[j].length; i++) {
        edges32[j][i] = (float) edges[j][i];
      }
      expected[j] = f.proportions();
      counts[j] = new long[f.binCount()];
    }
    this.ring = new short[Math.multiplyExact(window, k)];
  }

  /**
   * The monitor for one served graph ({@code "year"} or {@code "T01"} .. {@code "T24"}) when the
   * model carries a reference profile for it; empty otherwise (the paper model, a graph the profile
   * leaves out).
   *
   * @param window the number of most recent rows compared, at least {@link #MIN_ROWS}
   * @throws IllegalArgumentException when the window is smaller than {@link #MIN_ROWS}, or the ring
   *     ({@code window} times the columns) would not fit an array
   */
  public static Optional<DriftMonitor> forGraph(ModelSpec spec, String graph, int window) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(graph, "graph");
    if (window < MIN_ROWS) {
      throw new IllegalArgumentException(
          "the drift window must hold at least " + MIN_ROWS + " rows, found " + window);
    }
    Optional<GraphProfile> profile = spec.referenceProfile().flatMap(p -> p.graph(graph));
    if (profile.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DriftMonitor(graph, profile.get(), window));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "a window of "
              + window
              + " rows of "
              + profile.get().features().size()
              + " columns is too large",
          e);
    }
  }

  /** The graph watched: {@code year} or {@code T01} .. {@code T24}. */
  public String graph() {
    return graph;
  }

  /** The graph input watched: {@code "state"} (year) or {@code "features"} (equations). */
  public String inputName() {
    return inputName;
  }

  /** The window's capacity in rows. */
  public int window() {
    return window;
  }

  /** The input's columns in order. */
  public List<String> features() {
    return List.of(names);
  }

  /**
   * Adds a batch of input rows to the window (the oldest rows leave it). The tensor's name is not
   * checked: pass the graph's {@link #inputName()} input.
   *
   * @param input {@code [N, k]} FP32 or FP64, {@code k} the profile's columns
   * @throws IllegalArgumentException for another datatype or shape
   */
  public void observe(HostTensor input) {
    long[] shape = input.shape();
    if (input.datatype() != DataType.FP32 && input.datatype() != DataType.FP64) {
      throw new IllegalArgumentException(
          graph + " drift: " + input + " must be FP32 or FP64, found " + input.datatype());
    }
    if (shape.length != 2 || shape[1] != k) {
      throw new IllegalArgumentException(
          graph
              + " drift: "
              + inputName
              + " must have shape [N, "
              + k
              + "], found "
              + Arrays.toString(shape));
    }
    long n = shape[0];
    int keep = (int) Math.min(n, window);
    int first = (int) (n - keep);
    short[] bins = new short[keep * k];
    if (input.datatype() == DataType.FP64) {
      double[] x = (double[]) input.data();
      for (int r = 0; r < keep; r++) {
        int in = (first + r) * k;
        int out = r * k;
        for (int j = 0; j < k; j++) {
          bins[out + j] = (short) bin64(edges[j], x[in + j]);
        }
      }
    } else {
      float[] x = (float[]) input.data();
      for (int r = 0; r < keep; r++) {
        int in = (first + r) * k;
        int out = r * k;
        for (int j = 0; j < k; j++) {
          bins[out + j] = (short) bin32(edges32[j], x[in + j]);
        }
      }
    }
    synchronized (this) {
      for (int r = 0; r < keep; r++) {
        int slot = next * k;
        boolean full = inWindow == window;
        for (int j = 0; j < k; j++) {
          if (full) {
            counts[j][ring[slot + j]]--;
          }
          short b = bins[r * k + j];
          ring[slot + j] = b;
          counts[j][b]++;
        }
        if (!full) {
          inWindow++;
        }
        next = next + 1 == window ? 0 : next + 1;
      }
      seen += n;
    }
  }

  /**
   * {@link FeatureProfile#bin(double[], double)}: for up to {@value #LINEAR_EDGES} cut points a
   * branch-free count of the cut points below the value (no mispredicted branches on random
   * inputs), else a binary search.
   */
  private static int bin64(double[] edges, double value) {
    if (value != value) { // NaN
      return edges.length;
    }
    if (edges.length <= LINEAR_EDGES) {
      int b = 0;
      for (double e : edges) {
        b += e < value ? 1 : 0;
      }
      return b;
    }
    return FeatureProfile.bin(edges, value);
  }

  /** {@link #bin64} in float. */
  private static int bin32(float[] edges, float value) {
    if (value != value) { // NaN
      return edges.length;
    }
    if (edges.length <= LINEAR_EDGES) {
      int b = 0;
      for (float e : edges) {
        b += e < value ? 1 : 0;
      }
      return b;
    }
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** A snapshot of the window's drift, one entry per input column in column order. */
  public DriftReport report() {
    long rows;
    long total;
    long[][] snapshot = new long[k][];
    synchronized (this) {
      rows = inWindow;
      total = seen;
      for (int j = 0; j < k; j++) {
        snapshot[j] = counts[j].clone();
      }
    }
    List<FeatureDrift> out = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      double psi = rows == 0 ? Double.NaN : Psi.of(snapshot[j], rows, expected[j]);
      String status = rows < MIN_ROWS ? FeatureDrift.INSUFFICIENT : FeatureDrift.statusOf(psi);
      out.add(new FeatureDrift(names[j], psi, status));
    }
    return new DriftReport(graph, window, rows, total, out);
  }

  @Override
  public String toString() {
    return "DriftMonitor[" + graph + ", window " + window + "]";
  }
}
