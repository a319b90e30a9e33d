package io.firmsim.models.forecast.nbeats;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.firmsim.models.forecast.SeededInitializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * N-BEATS (Oreshkin et al., ICLR 2020, arXiv:1905.10437) as a DJL block: a lookback window in, a
 * forecast out.
 *
 * <p>Input {@code NDList(x [batch, lookback])}, output {@code NDList(forecast [batch, horizon])},
 * in the data type the block was initialized with (float32 for training, float64 where precision
 * matters). The network is a sequence of stacks ({@link StackConfig}), each a sequence of blocks;
 * block {@code l} reads the residual {@code x_{l-1}} and emits a backcast and a forecast, and the
 * stacking is doubly residual (paper, eq. 1): {@code x_l = x_{l-1} - backcast_l} and {@code
 * forecast = sum_l forecast_l}. A stack with shared weights applies one block {@link
 * StackConfig#blocks()} times. {@link #decompose} also returns each stack's share of the forecast
 * (the trend and seasonality parts of the interpretable model) and the backcast chain.
 *
 * <p>Initial parameters come from a {@link SeededInitializer} with the builder's seed: two blocks
 * built alike and initialized alike hold identical parameters. Saved parameters carry the lookback,
 * horizon and stacks, and loading refuses parameters of another configuration.
 *
 * <p>The block is not thread-safe while it is being initialized or trained.
 */
public final class NBeatsBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int lookback;
  private final int horizon;
  private final List<StackConfig> stacks;
  private final long seed;
  private final List<BasisBlock> distinct = new ArrayList<>();
  private final int[][] plan; // per stack, per block application: index into distinct

  private NBeatsBlock(Builder b) {
    super(VERSION);
    this.lookback = b.lookback;
    this.horizon = b.horizon;
    this.stacks = List.copyOf(b.stacks);
    this.seed = b.seed;
    this.plan = new int[stacks.size()][];
    for (int s = 0; s < stacks.size(); s++) {
      StackConfig stack = stacks.get(s);
      plan[s] = new int[stack.blocks()];
      for (int k = 0; k < stack.distinctBlocks(); k++) {
        String name = "stack" + (s + 1) + "_block" + (k + 1);
        distinct.add(addChildBlock(name, new BasisBlock(stack, lookback, horizon)));
      }
      int first = distinct.size() - stack.distinctBlocks();
      for (int k = 0; k < stack.blocks(); k++) {
        plan[s][k] = first + (stack.sharedWeights() ? 0 : k);
      }
    }
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

  /** The paper's interpretable configuration: a trend stack then a seasonality stack. */
  public static List<StackConfig> interpretableStacks() {
    return List.of(StackConfig.paperTrend(), StackConfig.paperSeasonality());
  }

  /** The paper's generic configuration: 30 stacks of one block of width 512 and 4 layers. */
  public static List<StackConfig> genericStacks() {
    return Collections.nCopies(30, StackConfig.paperGeneric());
  }

  /** The length of the input window L. */
  public int lookback() {
    return lookback;
  }

  /** The number of steps forecast H. */
  public int horizon() {
    return horizon;
  }

  /** The stacks, in order. */
  public List<StackConfig> stacks() {
    return stacks;
  }

  /** The seed of the initial parameters. */
  public long seed() {
    return seed;
  }

  /**
   * The fixed forecast basis {@code [coefficients, horizon]} of a trend or seasonality stack, as
   * the block computes with it (see {@link Basis}).
   *
   * @param stack the stack index, from 0
   * @return a copy of the basis
   * @throws IllegalArgumentException for a generic stack, which has no fixed basis
   */
  public double[][] forecastBasis(int stack) {
    return fixedBlock(stack).forecastBasis();
  }

  /**
   * The fixed backcast basis {@code [coefficients, lookback]} of a trend or seasonality stack.
   *
   * @param stack the stack index, from 0
   * @return a copy of the basis
   * @throws IllegalArgumentException for a generic stack, which has no fixed basis
   */
  public double[][] backcastBasis(int stack) {
    return fixedBlock(stack).backcastBasis();
  }

  private BasisBlock fixedBlock(int stack) {
    Objects.checkIndex(stack, stacks.size());
    BasisBlock b = distinct.get(plan[stack][0]);
    if (b.kind() == StackKind.GENERIC) {
      throw new IllegalArgumentException("stack " + stack + " is generic: it has no fixed basis");
    }
    return b;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(run(ps, inputs, training, params).forecast());
  }

  /**
   * The forward pass with its parts: the forecast, each stack's share of it, each block's backcast
   * and the residual left after the last block. The block must be initialized.
   *
   * @param ps the parameter store
   * @param x the lookback window {@code [batch, lookback]}
   * @param training whether this is a training pass
   * @return the parts, attached to {@code x}'s manager
   */
  public Decomposition decompose(ParameterStore ps, NDArray x, boolean training) {
    if (!isInitialized()) {
      throw new IllegalStateException("initialize the N-BEATS block before decompose");
    }
    return run(ps, new NDList(x), training, null);
  }

  private Decomposition run(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.head();
    checkInput(x.getShape());
    NDArray residual = x;
    NDArray forecast = null;
    List<NDArray> stackForecasts = new ArrayList<>();
    List<NDArray> backcasts = new ArrayList<>();
    for (int[] stackPlan : plan) {
      NDArray stackForecast = null;
      for (int index : stackPlan) {
        NDList out = distinct.get(index).forward(ps, new NDList(residual), training, params);
        backcasts.add(out.get(0));
        residual = residual.sub(out.get(0));
        stackForecast = stackForecast == null ? out.get(1) : stackForecast.add(out.get(1));
      }
      stackForecasts.add(stackForecast);
      forecast = forecast == null ? stackForecast : forecast.add(stackForecast);
    }
    return new Decomposition(forecast, stackForecasts, backcasts, residual);
  }

  private void checkInput(Shape shape) {
    if (shape.dimension() != 2 || shape.get(1) != lookback) {
      throw new IllegalArgumentException(
          "N-BEATS input must be [batch, " + lookback + "] (batch, lookback), found " + shape);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    checkInput(inputShapes[0]);
    return new Shape[] {new Shape(inputShapes[0].get(0), horizon)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    checkInput(inputShapes[0]);
    for (BasisBlock b : distinct) {
      b.initialize(manager, dataType, inputShapes[0]);
    }
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
      throw new MalformedModelException("Unsupported N-BEATS encoding version: " + loadVersion);
    }
    readInputShapes(is);
    String saved = is.readUTF();
    if (!saved.equals(configuration())) {
      throw new MalformedModelException(
          "N-BEATS parameters saved for " + saved + " cannot load into " + configuration());
    }
  }

  /** The configuration as saved with the parameters: lookback, horizon and stacks. */
  private String configuration() {
    return "lookback=" + lookback + ", horizon=" + horizon + ", stacks=" + stacks;
  }

  @Override
  public String toString() {
    return "NBeatsBlock(" + configuration() + ", seed=" + seed + ")";
  }

  /**
   * The parts of one forward pass.
   *
   * @param forecast the forecast {@code [batch, horizon]}: the sum of {@code stackForecasts}
   * @param stackForecasts each stack's forecast {@code [batch, horizon]}, in stack order
   * @param backcasts each block application's backcast {@code [batch, lookback]}, in order
   * @param residual the input less every backcast {@code [batch, lookback]}
   */
  public record Decomposition(
      NDArray forecast, List<NDArray> stackForecasts, List<NDArray> backcasts, NDArray residual) {
    /** Copies the lists. */
    public Decomposition {
      stackForecasts = List.copyOf(stackForecasts);
      backcasts = List.copyOf(backcasts);
    }
  }

  /**
   * Builds an {@link NBeatsBlock}: {@code setX} required, {@code optX} optional. Without {@link
   * #optStacks}, the paper's generic configuration ({@link #genericStacks()}).
   */
  public static final class Builder {
    private int lookback;
    private int horizon;
    private List<StackConfig> stacks = genericStacks();
    private long seed;

    private Builder() {}

    /** Sets the length of the input window L (at least 1; the paper uses 2H to 7H). */
    public Builder setLookback(int lookback) {
      this.lookback = lookback;
      return this;
    }

    /** Sets the number of steps to forecast H (at least 1). */
    public Builder setHorizon(int horizon) {
      this.horizon = horizon;
      return this;
    }

    /** Sets the stacks, in order (at least one). */
    public Builder optStacks(List<StackConfig> stacks) {
      this.stacks = List.copyOf(Objects.requireNonNull(stacks, "stacks"));
      return this;
    }

    /** Sets the stacks, in order (at least one). */
    public Builder optStacks(StackConfig... stacks) {
      return optStacks(List.of(stacks));
    }

    /** Sets the paper's interpretable configuration ({@link #interpretableStacks()}). */
    public Builder optInterpretable() {
      return optStacks(interpretableStacks());
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
    public NBeatsBlock build() {
      if (lookback < 1) {
        throw new IllegalArgumentException(
            "N-BEATS: lookback must be at least 1, found " + lookback + " (call setLookback)");
      }
      if (horizon < 1) {
        throw new IllegalArgumentException(
            "N-BEATS: horizon must be at least 1, found " + horizon + " (call setHorizon)");
      }
      if (stacks.isEmpty()) {
        throw new IllegalArgumentException("N-BEATS: at least one stack is needed, found none");
      }
      for (int s = 0; s < stacks.size(); s++) {
        StackConfig stack = stacks.get(s);
        if (stack.kind() == StackKind.TREND && stack.degree() >= horizon) {
          throw new IllegalArgumentException(
              "N-BEATS stack "
                  + s
                  + ": a trend of degree "
                  + stack.degree()
                  + " needs a horizon of at least "
                  + (stack.degree() + 1)
                  + " points to be identified, found "
                  + horizon);
        }
        if (stack.kind() == StackKind.SEASONALITY && horizon < 2) {
          throw new IllegalArgumentException(
              "N-BEATS stack "
                  + s
                  + ": a seasonality stack needs a horizon of at least 2 (floor(H/2 - 1)"
                  + " harmonics), found "
                  + horizon);
        }
      }
      return new NBeatsBlock(this);
    }
  }
}
