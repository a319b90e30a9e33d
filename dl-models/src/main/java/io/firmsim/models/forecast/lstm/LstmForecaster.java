package io.firmsim.models.forecast.lstm;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
 * An LSTM forecaster as a DJL block: an encoder LSTM reads the lookback window one step at a time,
 * and a linear head maps its last hidden state to all {@code horizon} steps at once (direct
 * multi-horizon forecasting, no feedback of predictions). The LSTM is written with elementary
 * operations ({@link LstmLayers} says why DJL's {@code LSTM} block is not used) and keeps DJL's
 * parameter names, shapes and gate order.
 *
 * <p>Input {@code NDList(x [batch, lookback])}, or with {@link Builder#optExogenous exogenous}
 * features {@code NDList(x [batch, lookback], exog [batch, lookback, k])} (the features observed at
 * each lookback step, concatenated to the series value); output {@code NDList(forecast [batch,
 * horizon])}, in the data type the block was initialized with (float32 or float64). The LSTM's
 * initial hidden and cell states are zeros.
 *
 * <p>Initial parameters come from a {@link SeededInitializer} with the builder's seed. Saved
 * parameters carry the configuration, and loading refuses parameters of another one.
 *
 * <p>The block is not thread-safe while it is being initialized or trained.
 */
public final class LstmForecaster extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int lookback;
  private final int horizon;
  private final int hiddenSize;
  private final int layers;
  private final int exogenous;
  private final long seed;
  private final LstmLayers encoder;
  private final Linear head;

  private LstmForecaster(Builder b) {
    super(VERSION);
    this.lookback = b.lookback;
    this.horizon = b.horizon;
    this.hiddenSize = b.hiddenSize;
    this.layers = b.layers;
    this.exogenous = b.exogenous;
    this.seed = b.seed;
    this.encoder = addChildBlock("encoder", new LstmLayers(hiddenSize, layers));
    this.head = addChildBlock("head", Linear.builder().setUnits(horizon).build());
    SeededInitializer.applyTo(this, seed);
  }

  /**
   * A builder; {@link Builder#setLookback} and {@link Builder#setHorizon} are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The length of the input window. */
  public int lookback() {
    return lookback;
  }

  /** The number of steps forecast. */
  public int horizon() {
    return horizon;
  }

  /** The LSTM's hidden state size. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** The number of stacked LSTM layers. */
  public int layers() {
    return layers;
  }

  /** The number of exogenous features per step (0 for none). */
  public int exogenous() {
    return exogenous;
  }

  /** The seed of the initial parameters. */
  public long seed() {
    return seed;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    checkInputs(inputs.getShapes());
    NDArray x = inputs.get(0);
    NDArray steps = x.expandDims(2); // [batch, lookback, 1]
    if (exogenous > 0) {
      steps = NDArrays.concat(new NDList(steps, inputs.get(1)), 2);
    }
    NDArray last = encoder.forward(ps, new NDList(steps), training, params).head(); // [batch, H]
    return head.forward(ps, new NDList(last), training, params);
  }

  private void checkInputs(Shape[] shapes) {
    int expected = exogenous > 0 ? 2 : 1;
    if (shapes.length != expected) {
      throw new IllegalArgumentException(
          "LSTM forecaster expects "
              + (exogenous > 0
                  ? "2 inputs (x [batch, "
                      + lookback
                      + "], exog [batch, "
                      + lookback
                      + ", "
                      + exogenous
                      + "])"
                  : "1 input (x [batch, " + lookback + "])")
              + ", found "
              + shapes.length);
    }
    Shape x = shapes[0];
    if (x.dimension() != 2 || x.get(1) != lookback) {
      throw new IllegalArgumentException(
          "LSTM forecaster input x must be [batch, " + lookback + "], found " + x);
    }
    if (exogenous > 0) {
      Shape e = shapes[1];
      if (e.dimension() != 3
          || e.get(0) != x.get(0)
          || e.get(1) != lookback
          || e.get(2) != exogenous) {
        throw new IllegalArgumentException(
            "LSTM forecaster input exog must be ["
                + x.get(0)
                + ", "
                + lookback
                + ", "
                + exogenous
                + "], found "
                + e);
      }
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    checkInputs(inputShapes);
    return new Shape[] {new Shape(inputShapes[0].get(0), horizon)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    checkInputs(inputShapes);
    long batch = inputShapes[0].get(0);
    encoder.initialize(manager, dataType, new Shape(batch, lookback, 1 + exogenous));
    head.initialize(manager, dataType, new Shape(batch, hiddenSize));
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
          "Unsupported LSTM forecaster encoding version: " + loadVersion);
    }
    readInputShapes(is);
    String saved = is.readUTF();
    if (!saved.equals(configuration())) {
      throw new MalformedModelException(
          "LSTM forecaster parameters saved for " + saved + " cannot load into " + configuration());
    }
  }

  private String configuration() {
    return "lookback="
        + lookback
        + ", horizon="
        + horizon
        + ", hidden="
        + hiddenSize
        + ", layers="
        + layers
        + ", exogenous="
        + exogenous;
  }

  @Override
  public String toString() {
    return "LstmForecaster(" + configuration() + ", seed=" + seed + ")";
  }

  /**
   * Builds an {@link LstmForecaster}: {@code setX} required, {@code optX} optional (hidden size 64,
   * one layer, no exogenous features, seed 0).
   */
  public static final class Builder {
    private int lookback;
    private int horizon;
    private int hiddenSize = 64;
    private int layers = 1;
    private int exogenous;
    private long seed;

    private Builder() {}

    /** Sets the length of the input window (at least 1). */
    public Builder setLookback(int lookback) {
      this.lookback = lookback;
      return this;
    }

    /** Sets the number of steps to forecast (at least 1). */
    public Builder setHorizon(int horizon) {
      this.horizon = horizon;
      return this;
    }

    /** Sets the LSTM's hidden state size (at least 1; default 64). */
    public Builder optHiddenSize(int hiddenSize) {
      this.hiddenSize = hiddenSize;
      return this;
    }

    /** Sets the number of stacked LSTM layers (at least 1; default 1). */
    public Builder optLayers(int layers) {
      this.layers = layers;
      return this;
    }

    /** Sets the number of exogenous features per lookback step (at least 0; default 0). */
    public Builder optExogenous(int exogenous) {
      this.exogenous = exogenous;
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
    public LstmForecaster build() {
      check(
          lookback >= 1, "lookback must be at least 1, found " + lookback + " (call setLookback)");
      check(horizon >= 1, "horizon must be at least 1, found " + horizon + " (call setHorizon)");
      check(hiddenSize >= 1, "hiddenSize must be at least 1, found " + hiddenSize);
      check(layers >= 1, "layers must be at least 1, found " + layers);
      check(exogenous >= 0, "exogenous must be at least 0, found " + exogenous);
      return new LstmForecaster(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException("LSTM forecaster: " + message);
      }
    }
  }
}
