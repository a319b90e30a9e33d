package io.firmsim.models.forecast.nbeats;

import java.util.Objects;

/**
 * The configuration of one N-BEATS stack: its basis, how many blocks it chains, the width and depth
 * of each block's fully connected ReLU layers, whether its blocks share one set of weights, and the
 * polynomial degree of a trend stack.
 *
 * <p>The presets are the paper's (Table 18): {@link #paperGeneric()} (1 block of width 512, 4
 * layers, one of 30 stacks), {@link #paperTrend()} (3 blocks of width 256, degree 3, shared) and
 * {@link #paperSeasonality()} (3 blocks of width 2048, shared).
 *
 * <p>Class is immutable and thread-safe.
 */
public final class StackConfig {
  private final StackKind kind;
  private final int blocks;
  private final int width;
  private final int layers;
  private final boolean sharedWeights;
  private final int degree;

  private StackConfig(Builder b) {
    this.kind = b.kind;
    this.blocks = b.blocks;
    this.width = b.width;
    this.layers = b.layers;
    this.sharedWeights = b.sharedWeights;
    this.degree = b.degree;
  }

  /**
   * A builder for a stack of the given kind, with the paper's defaults for that kind.
   *
   * @param kind the basis of the stack's blocks
   * @return a new builder
   */
  public static Builder builder(StackKind kind) {
    return new Builder(kind);
  }

  /** The paper's generic stack: 1 block, width 512, 4 layers, no sharing. */
  public static StackConfig paperGeneric() {
    return builder(StackKind.GENERIC).build();
  }

  /** The paper's trend stack: 3 blocks, width 256, 4 layers, degree 3, weights shared. */
  public static StackConfig paperTrend() {
    return builder(StackKind.TREND).build();
  }

  /** The paper's seasonality stack: 3 blocks, width 2048, 4 layers, weights shared. */
  public static StackConfig paperSeasonality() {
    return builder(StackKind.SEASONALITY).build();
  }

  /** The basis of the stack's blocks. */
  public StackKind kind() {
    return kind;
  }

  /** The number of blocks chained in the stack. */
  public int blocks() {
    return blocks;
  }

  /** The width of each fully connected layer. */
  public int width() {
    return width;
  }

  /** The number of fully connected ReLU layers of each block. */
  public int layers() {
    return layers;
  }

  /** Whether all blocks of the stack are one block applied {@link #blocks()} times. */
  public boolean sharedWeights() {
    return sharedWeights;
  }

  /** The polynomial degree of a {@link StackKind#TREND} stack; 0 and unused for other kinds. */
  public int degree() {
    return degree;
  }

  /** The number of distinct weight sets in the stack: 1 when shared, else {@link #blocks()}. */
  public int distinctBlocks() {
    return sharedWeights ? 1 : blocks;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StackConfig)) {
      return false;
    }
    StackConfig s = (StackConfig) o;
    return kind == s.kind
        && blocks == s.blocks
        && width == s.width
        && layers == s.layers
        && sharedWeights == s.sharedWeights
        && degree == s.degree;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, blocks, width, layers, sharedWeights, degree);
  }

  @Override
  public String toString() {
    return kind
        + "(blocks="
        + blocks
        + ", width="
        + width
        + ", layers="
        + layers
        + ", shared="
        + sharedWeights
        + (kind == StackKind.TREND ? ", degree=" + degree : "")
        + ")";
  }

  /** Builds a {@link StackConfig}; every setting is optional and starts at the paper's value. */
  public static final class Builder {
    private final StackKind kind;
    private int blocks;
    private int width;
    private int layers = 4;
    private boolean sharedWeights;
    private int degree;

    private Builder(StackKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      switch (kind) {
        case TREND:
          blocks = 3;
          width = 256;
          sharedWeights = true;
          degree = 3;
          break;
        case SEASONALITY:
          blocks = 3;
          width = 2048;
          sharedWeights = true;
          break;
        default:
          blocks = 1;
          width = 512;
          sharedWeights = false;
      }
    }

    /** Sets the number of blocks in the stack (at least 1). */
    public Builder optBlocks(int blocks) {
      this.blocks = blocks;
      return this;
    }

    /** Sets the width of the fully connected layers (at least 1). */
    public Builder optWidth(int width) {
      this.width = width;
      return this;
    }

    /** Sets the number of fully connected ReLU layers per block (at least 1; the paper uses 4). */
    public Builder optLayers(int layers) {
      this.layers = layers;
      return this;
    }

    /** Sets whether the stack's blocks share one set of weights. */
    public Builder optSharedWeights(boolean sharedWeights) {
      this.sharedWeights = sharedWeights;
      return this;
    }

    /**
     * Sets the polynomial degree of a trend stack (at least 0; only for {@link StackKind#TREND}).
     */
    public Builder optDegree(int degree) {
      this.degree = degree;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the setting to fix
     */
    public StackConfig build() {
      check(blocks >= 1, "blocks must be at least 1, found " + blocks);
      check(width >= 1, "width must be at least 1, found " + width);
      check(layers >= 1, "layers must be at least 1, found " + layers);
      if (kind == StackKind.TREND) {
        check(degree >= 0, "degree must be at least 0, found " + degree);
      } else {
        check(
            degree == 0,
            "degree is a setting of trend stacks only; a " + kind + " stack was given " + degree);
      }
      return new StackConfig(this);
    }

    private void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(kind + " stack: " + message);
      }
    }
  }
}
