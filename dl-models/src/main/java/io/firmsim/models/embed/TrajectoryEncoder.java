package io.firmsim.models.embed;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.firmsim.models.forecast.SeededInitializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A firm-trajectory encoder as a DJL block: a window of k years of f standardised firm features
 * {@code x [N, k, f]} becomes an embedding {@code [N, d]}. The window is flattened to {@code [N, k
 * f]} and passed through two dense layers of {@code hidden} units with tanh, then a dense layer of
 * d units without activation:
 *
 * <pre>
 * e = W3 tanh(W2 tanh(W1 flatten(x) + b1) + b2) + b3
 * </pre>
 *
 * <p>Why a flattened multilayer perceptron rather than a recurrent encoder: windows are short (k of
 * 3 to 10 years), so a dense layer sees every year and every feature at once and can weigh "the
 * debt ratio two years ago" directly; the graph is a handful of matrix products, which export to
 * ONNX exactly and run fast on a CPU; and the position of a year in the window matters (the latest
 * year is not like the first), which the flat layout keeps. tanh keeps the hidden units bounded and
 * the embedding a smooth function of the features, so nearby trajectories get nearby embeddings.
 *
 * <p>Initial parameters come from a {@link SeededInitializer} with the builder's seed
 * (Xavier-uniform weights, zero biases), the same on every engine and thread. Saved parameters
 * carry the configuration; loading refuses parameters of another one. Works in float32 and float64.
 *
 * <p>The block is not thread-safe while it is being initialized or trained.
 */
public final class TrajectoryEncoder extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int window;
  private final int features;
  private final int embedding;
  private final int hidden;
  private final long seed;
  private final Linear first;
  private final Linear second;
  private final Linear out;

  private TrajectoryEncoder(Builder b) {
    super(VERSION);
    this.window = b.window;
    this.features = b.features;
    this.embedding = b.embedding;
    this.hidden = b.hidden;
    this.seed = b.seed;
    this.first = addChildBlock("hidden1", Linear.builder().setUnits(hidden).build());
    this.second = addChildBlock("hidden2", Linear.builder().setUnits(hidden).build());
    this.out = addChildBlock("embedding", Linear.builder().setUnits(embedding).build());
    SeededInitializer.applyTo(this, seed);
  }

  /**
   * A builder; {@link Builder#setWindow}, {@link Builder#setFeatures} and {@link
   * Builder#setEmbedding} are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** k, the years per window. */
  public int window() {
    return window;
  }

  /** f, the features per year. */
  public int features() {
    return features;
  }

  /** d, the embedding size. */
  public int embedding() {
    return embedding;
  }

  /** The width of the two hidden layers. */
  public int hidden() {
    return hidden;
  }

  /** The seed of the initial parameters. */
  public long seed() {
    return seed;
  }

  /** The dense layers in order: hidden1, hidden2, embedding (for exporters). */
  public java.util.List<Linear> layers() {
    return java.util.List.of(first, second, out);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    checkInputs(inputs.getShapes());
    NDArray x = inputs.head();
    NDArray flat = x.reshape(x.getShape().get(0), (long) window * features);
    NDArray h1 = first.forward(ps, new NDList(flat), training, params).head().tanh();
    NDArray h2 = second.forward(ps, new NDList(h1), training, params).head().tanh();
    return out.forward(ps, new NDList(h2), training, params);
  }

  private void checkInputs(Shape[] shapes) {
    if (shapes.length != 1) {
      throw new IllegalArgumentException(
          "trajectory encoder expects 1 input x [N, "
              + window
              + ", "
              + features
              + "], found "
              + shapes.length);
    }
    Shape x = shapes[0];
    if (x.dimension() != 3 || x.get(1) != window || x.get(2) != features) {
      throw new IllegalArgumentException(
          "trajectory encoder input must be [N, " + window + ", " + features + "], found " + x);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    checkInputs(inputShapes);
    return new Shape[] {new Shape(inputShapes[0].get(0), embedding)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    checkInputs(inputShapes);
    long n = inputShapes[0].get(0);
    first.initialize(manager, dataType, new Shape(n, (long) window * features));
    second.initialize(manager, dataType, new Shape(n, hidden));
    out.initialize(manager, dataType, new Shape(n, hidden));
  }

  @Override
  protected void saveMetadata(DataOutputStream os) throws IOException {
    saveInputShapes(os);
    os.writeUTF(configuration());
  }

  @Override
  public void loadMetadata(byte loadVersion, DataInputStream is)
      throws IOException, MalformedModelException {
    if (loadVersion != VERSION) {
      throw new MalformedModelException(
          "Unsupported trajectory encoder encoding version: " + loadVersion);
    }
    readInputShapes(is);
    String saved = is.readUTF();
    if (!saved.equals(configuration())) {
      throw new MalformedModelException(
          "trajectory encoder parameters saved for "
              + saved
              + " cannot load into "
              + configuration());
    }
  }

  /** The hyperparameters as text ({@code window=5, features=19, embedding=16, hidden=64}). */
  public String configuration() {
    return "window="
        + window
        + ", features="
        + features
        + ", embedding="
        + embedding
        + ", hidden="
        + hidden;
  }

  @Override
  public String toString() {
    return "TrajectoryEncoder(" + configuration() + ", seed=" + seed + ")";
  }

  /**
   * Builds a {@link TrajectoryEncoder}: {@code setX} required, {@code optX} optional (hidden width
   * 64, seed 0).
   */
  public static final class Builder {
    private int window;
    private int features;
    private int embedding;
    private int hidden = 64;
    private long seed;

    private Builder() {}

    /** Sets k, the years per window (at least 1). */
    public Builder setWindow(int window) {
      this.window = window;
      return this;
    }

    /** Sets f, the features per year (at least 1). */
    public Builder setFeatures(int features) {
      this.features = features;
      return this;
    }

    /** Sets d, the embedding size (at least 1). */
    public Builder setEmbedding(int embedding) {
      this.embedding = embedding;
      return this;
    }

    /** Sets the width of the hidden layers (at least 1; default 64). */
    public Builder optHidden(int hidden) {
      this.hidden = hidden;
      return this;
    }

    /** Sets the seed of the initial parameters (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the block.
     *
     * @return the block, not yet initialized
     * @throws IllegalArgumentException naming the hyperparameter to fix
     */
    public TrajectoryEncoder build() {
      check(window >= 1, "window must be at least 1, found " + window + " (call setWindow)");
      check(
          features >= 1, "features must be at least 1, found " + features + " (call setFeatures)");
      check(
          embedding >= 1,
          "embedding must be at least 1, found " + embedding + " (call setEmbedding)");
      check(hidden >= 1, "hidden must be at least 1, found " + hidden);
      return new TrajectoryEncoder(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException("trajectory encoder: " + message);
      }
    }
  }
}
