package io.firmsim.trainer.forecast.model;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.trainer.forecast.train.WindowScaling;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A validated description of one forecasting network: its {@link ForecasterKind kind}, the
 * hyperparameters of that kind, the lookback as a multiple of the horizon and the {@link
 * WindowScaling window scaling}. With a horizon and a seed it {@link #build builds} the DJL block;
 * it is what a forecaster artifact and a training configuration record for each ensemble member.
 *
 * <p>Settings and their defaults (the paper's, Oreshkin et al. 2020, Table 18, for N-BEATS):
 *
 * <ul>
 *   <li>every kind: {@code lookbackMultiple} (2; lookback = multiple x horizon), {@code scaling}
 *       ({@code none}, {@code last} or {@code max}; default {@code none});
 *   <li>{@code nbeats-generic}: {@code stacks} (30), {@code blocksPerStack} (1), {@code width}
 *       (512), {@code layers} (4), {@code sharedWeights} (false);
 *   <li>{@code nbeats-interpretable}: a trend stack then a seasonality stack, each of {@code
 *       blocksPerStack} (3) blocks of {@code layers} (4) layers, {@code sharedWeights} (true);
 *       {@code trendWidth} (256), {@code seasonalityWidth} (2048), the trend polynomial's {@code
 *       degree} (3, below the horizon). The seasonality stack's harmonics are fixed by the block
 *       ({@code floor(H/2 - 1)}, the paper's choice), so they are not a setting;
 *   <li>{@code lstm}: {@code hiddenSize} (64), {@code layers} (1).
 * </ul>
 *
 * <p>JSON ({@link #toJson}, {@link #fromJson}): an object with {@code kind} and the settings of
 * that kind, every one written out; reading fills absent settings with the defaults and refuses,
 * with a {@link ForecasterSpecException} naming the key, an unknown key, a setting of another kind,
 * a value of the wrong type (an integer must be a JSON integer, a flag {@code true}/{@code false})
 * or out of range.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class ForecasterSpec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final List<String> COMMON = List.of("kind", "lookbackMultiple", "scaling");
  private static final List<String> GENERIC =
      List.of("stacks", "blocksPerStack", "width", "layers", "sharedWeights");
  private static final List<String> INTERPRETABLE =
      List.of(
          "blocksPerStack", "layers", "sharedWeights", "trendWidth", "seasonalityWidth", "degree");
  private static final List<String> LSTM = List.of("hiddenSize", "layers");

  private final ForecasterKind kind;
  private final int lookbackMultiple;
  private final WindowScaling scaling;
  private final int stacks;
  private final int blocksPerStack;
  private final int width;
  private final int layers;
  private final boolean sharedWeights;
  private final int trendWidth;
  private final int seasonalityWidth;
  private final int degree;
  private final int hiddenSize;

  private ForecasterSpec(Builder b) {
    this.kind = b.kind;
    this.lookbackMultiple = b.lookbackMultiple;
    this.scaling = b.scaling;
    this.stacks = b.stacks;
    this.blocksPerStack = b.blocksPerStack;
    this.width = b.width;
    this.layers = b.layers;
    this.sharedWeights = b.sharedWeights;
    this.trendWidth = b.trendWidth;
    this.seasonalityWidth = b.seasonalityWidth;
    this.degree = b.degree;
    this.hiddenSize = b.hiddenSize;
  }

  /**
   * A builder with the defaults of {@code kind}.
   *
   * @param kind the network
   * @return a new builder
   */
  public static Builder builder(ForecasterKind kind) {
    return new Builder(kind);
  }

  /** A builder holding this spec's settings, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder(kind);
    b.lookbackMultiple = lookbackMultiple;
    b.scaling = scaling;
    b.stacks = stacks;
    b.blocksPerStack = blocksPerStack;
    b.width = width;
    b.layers = layers;
    b.sharedWeights = sharedWeights;
    b.trendWidth = trendWidth;
    b.seasonalityWidth = seasonalityWidth;
    b.degree = degree;
    b.hiddenSize = hiddenSize;
    return b;
  }

  /** The network. */
  public ForecasterKind kind() {
    return kind;
  }

  /** The lookback as a multiple of the horizon. */
  public int lookbackMultiple() {
    return lookbackMultiple;
  }

  /** The lookback for a horizon: {@code lookbackMultiple * horizon}. */
  public int lookback(int horizon) {
    return lookbackMultiple * horizon;
  }

  /** The window scaling. */
  public WindowScaling scaling() {
    return scaling;
  }

  /** The number of generic stacks (N-BEATS generic). */
  public int stacks() {
    return stacks;
  }

  /** The blocks per stack (N-BEATS). */
  public int blocksPerStack() {
    return blocksPerStack;
  }

  /** The width of the generic stacks' layers. */
  public int width() {
    return width;
  }

  /** The fully connected layers per block (N-BEATS) or the stacked LSTM layers (LSTM). */
  public int layers() {
    return layers;
  }

  /** Whether a stack's blocks share their weights (N-BEATS). */
  public boolean sharedWeights() {
    return sharedWeights;
  }

  /** The width of the trend stack's layers (N-BEATS interpretable). */
  public int trendWidth() {
    return trendWidth;
  }

  /** The width of the seasonality stack's layers (N-BEATS interpretable). */
  public int seasonalityWidth() {
    return seasonalityWidth;
  }

  /** The trend polynomial's degree (N-BEATS interpretable). */
  public int degree() {
    return degree;
  }

  /** The LSTM's hidden state size. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /**
   * The network for a horizon, its initial parameters drawn from {@code seed}; not initialized.
   *
   * @throws IllegalArgumentException when the horizon does not suit the network (below 1; a trend
   *     degree not below it; a seasonality stack with a horizon below 2)
   */
  public Block build(int horizon, long seed) {
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, found " + horizon);
    }
    int lookback = lookback(horizon);
    switch (kind) {
      case NBEATS_GENERIC:
        StackConfig generic =
            StackConfig.builder(StackKind.GENERIC)
                .optBlocks(blocksPerStack)
                .optWidth(width)
                .optLayers(layers)
                .optSharedWeights(sharedWeights)
                .build();
        return NBeatsBlock.builder()
            .setLookback(lookback)
            .setHorizon(horizon)
            .optStacks(Collections.nCopies(stacks, generic))
            .optSeed(seed)
            .build();
      case NBEATS_INTERPRETABLE:
        StackConfig trend =
            StackConfig.builder(StackKind.TREND)
                .optBlocks(blocksPerStack)
                .optWidth(trendWidth)
                .optLayers(layers)
                .optSharedWeights(sharedWeights)
                .optDegree(degree)
                .build();
        StackConfig seasonality =
            StackConfig.builder(StackKind.SEASONALITY)
                .optBlocks(blocksPerStack)
                .optWidth(seasonalityWidth)
                .optLayers(layers)
                .optSharedWeights(sharedWeights)
                .build();
        return NBeatsBlock.builder()
            .setLookback(lookback)
            .setHorizon(horizon)
            .optStacks(trend, seasonality)
            .optSeed(seed)
            .build();
      case LSTM:
        return LstmForecaster.builder()
            .setLookback(lookback)
            .setHorizon(horizon)
            .optHiddenSize(hiddenSize)
            .optLayers(layers)
            .optSeed(seed)
            .build();
      default:
        throw new AssertionError(kind);
    }
  }

  /** The keys of this kind's JSON object, in the order {@link #toJson} writes them. */
  public static List<String> keys(ForecasterKind kind) {
    List<String> keys = new ArrayList<>(COMMON);
    keys.addAll(ownKeys(kind));
    return keys;
  }

  private static List<String> ownKeys(ForecasterKind kind) {
    switch (kind) {
      case NBEATS_GENERIC:
        return GENERIC;
      case NBEATS_INTERPRETABLE:
        return INTERPRETABLE;
      default:
        return LSTM;
    }
  }

  /** The JSON object: {@code kind} and every setting of the kind. */
  public ObjectNode toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("kind", kind.label());
    o.put("lookbackMultiple", lookbackMultiple);
    o.put("scaling", scaling.name().toLowerCase(Locale.ROOT));
    for (String key : ownKeys(kind)) {
      switch (key) {
        case "sharedWeights":
          o.put(key, sharedWeights);
          break;
        default:
          o.put(key, intSetting(key));
      }
    }
    return o;
  }

  private int intSetting(String key) {
    switch (key) {
      case "stacks":
        return stacks;
      case "blocksPerStack":
        return blocksPerStack;
      case "width":
        return width;
      case "layers":
        return layers;
      case "trendWidth":
        return trendWidth;
      case "seasonalityWidth":
        return seasonalityWidth;
      case "degree":
        return degree;
      case "hiddenSize":
        return hiddenSize;
      default:
        throw new AssertionError(key);
    }
  }

  /**
   * Reads a JSON object written by {@link #toJson} (absent settings take the kind's defaults).
   *
   * @throws ForecasterSpecException naming the key that is unknown, of another kind, of the wrong
   *     type or out of range
   */
  public static ForecasterSpec fromJson(JsonNode node) {
    return fromJson(node, null);
  }

  /**
   * Reads a JSON object as {@link #fromJson(JsonNode)}, with {@code defaults} for the settings it
   * leaves out when it names the same kind (or no kind).
   *
   * @param defaults the spec whose settings fill the gaps, or null for the kind's defaults
   * @throws ForecasterSpecException naming the offending key
   */
  public static ForecasterSpec fromJson(JsonNode node, ForecasterSpec defaults) {
    if (node == null || !node.isObject()) {
      throw new ForecasterSpecException(null, "expected an object with 'kind' and settings");
    }
    ForecasterKind kind;
    JsonNode k = node.get("kind");
    if (k == null) {
      if (defaults == null) {
        throw new ForecasterSpecException(
            "kind", "missing (nbeats-generic, nbeats-interpretable or lstm)");
      }
      kind = defaults.kind;
    } else {
      if (!k.isTextual()) {
        throw new ForecasterSpecException(
            "kind", "expected nbeats-generic, nbeats-interpretable or lstm, found " + k);
      }
      try {
        kind = ForecasterKind.parse(k.asText());
      } catch (IllegalArgumentException e) {
        throw new ForecasterSpecException("kind", e.getMessage());
      }
    }
    List<String> allowed = keys(kind);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        boolean other =
            keys(ForecasterKind.NBEATS_GENERIC).contains(key)
                || keys(ForecasterKind.NBEATS_INTERPRETABLE).contains(key)
                || keys(ForecasterKind.LSTM).contains(key);
        throw new ForecasterSpecException(
            key,
            (other ? "not a setting of " + kind.label() : "unknown key")
                + " (the settings of "
                + kind.label()
                + " are "
                + String.join(", ", allowed)
                + ")");
      }
    }
    Builder b =
        defaults != null && defaults.kind == kind ? defaults.toBuilder() : new Builder(kind);
    for (String key : allowed) {
      JsonNode v = node.get(key);
      if (v == null || key.equals("kind")) {
        continue;
      }
      switch (key) {
        case "scaling":
          if (!v.isTextual()) {
            throw new ForecasterSpecException(key, "expected none, last or max, found " + v);
          }
          b.optScaling(scaling(v.asText()));
          break;
        case "sharedWeights":
          if (!v.isBoolean()) {
            throw new ForecasterSpecException(key, "expected true or false, found " + v);
          }
          b.sharedWeights = v.booleanValue();
          break;
        default:
          if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ForecasterSpecException(key, "expected an integer, found " + v);
          }
          b.set(key, v.intValue());
      }
    }
    return b.build();
  }

  private static WindowScaling scaling(String text) {
    for (WindowScaling s : WindowScaling.values()) {
      if (s.name().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new ForecasterSpecException(
        "scaling", "expected none, last or max, found '" + text + "'");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ForecasterSpec s && toJson().equals(s.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  /** The JSON text, e.g. {@code {"kind":"lstm","lookbackMultiple":2,...}}. */
  @Override
  public String toString() {
    return toJson().toString();
  }

  /**
   * Builds a {@link ForecasterSpec}; every setting is optional and starts at the kind's default
   * (see the class comment). {@link #build()} validates and names the setting to fix.
   */
  public static final class Builder {
    private final ForecasterKind kind;
    private int lookbackMultiple = 2;
    private WindowScaling scaling = WindowScaling.NONE;
    private int stacks;
    private int blocksPerStack;
    private int width;
    private int layers;
    private boolean sharedWeights;
    private int trendWidth;
    private int seasonalityWidth;
    private int degree;
    private int hiddenSize;

    private Builder(ForecasterKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      switch (kind) {
        case NBEATS_GENERIC:
          stacks = 30;
          blocksPerStack = 1;
          width = 512;
          layers = 4;
          break;
        case NBEATS_INTERPRETABLE:
          blocksPerStack = 3;
          layers = 4;
          sharedWeights = true;
          trendWidth = 256;
          seasonalityWidth = 2048;
          degree = 3;
          break;
        default:
          hiddenSize = 64;
          layers = 1;
      }
    }

    private void set(String key, int value) {
      switch (key) {
        case "lookbackMultiple" -> lookbackMultiple = value;
        case "stacks" -> stacks = value;
        case "blocksPerStack" -> blocksPerStack = value;
        case "width" -> width = value;
        case "layers" -> layers = value;
        case "trendWidth" -> trendWidth = value;
        case "seasonalityWidth" -> seasonalityWidth = value;
        case "degree" -> degree = value;
        case "hiddenSize" -> hiddenSize = value;
        default -> throw new AssertionError(key);
      }
    }

    /** Sets the lookback as a multiple of the horizon (at least 1; the paper uses 2 to 7). */
    public Builder optLookbackMultiple(int multiple) {
      this.lookbackMultiple = multiple;
      return this;
    }

    /** Sets the window scaling. */
    public Builder optScaling(WindowScaling scaling) {
      this.scaling = Objects.requireNonNull(scaling, "scaling");
      return this;
    }

    /** Sets the number of generic stacks (N-BEATS generic only). */
    public Builder optStacks(int stacks) {
      requireKind("stacks", ForecasterKind.NBEATS_GENERIC);
      this.stacks = stacks;
      return this;
    }

    /** Sets the blocks per stack (N-BEATS only). */
    public Builder optBlocksPerStack(int blocks) {
      requireNBeats("blocksPerStack");
      this.blocksPerStack = blocks;
      return this;
    }

    /** Sets the width of the generic stacks' layers (N-BEATS generic only). */
    public Builder optWidth(int width) {
      requireKind("width", ForecasterKind.NBEATS_GENERIC);
      this.width = width;
      return this;
    }

    /** Sets the layers per block (N-BEATS) or the stacked LSTM layers (LSTM). */
    public Builder optLayers(int layers) {
      this.layers = layers;
      return this;
    }

    /** Sets whether a stack's blocks share their weights (N-BEATS only). */
    public Builder optSharedWeights(boolean shared) {
      requireNBeats("sharedWeights");
      this.sharedWeights = shared;
      return this;
    }

    /** Sets the trend stack's width (N-BEATS interpretable only). */
    public Builder optTrendWidth(int width) {
      requireKind("trendWidth", ForecasterKind.NBEATS_INTERPRETABLE);
      this.trendWidth = width;
      return this;
    }

    /** Sets the seasonality stack's width (N-BEATS interpretable only). */
    public Builder optSeasonalityWidth(int width) {
      requireKind("seasonalityWidth", ForecasterKind.NBEATS_INTERPRETABLE);
      this.seasonalityWidth = width;
      return this;
    }

    /** Sets the trend polynomial's degree (N-BEATS interpretable only; at least 0). */
    public Builder optDegree(int degree) {
      requireKind("degree", ForecasterKind.NBEATS_INTERPRETABLE);
      this.degree = degree;
      return this;
    }

    /** Sets the LSTM's hidden state size (LSTM only). */
    public Builder optHiddenSize(int hiddenSize) {
      requireKind("hiddenSize", ForecasterKind.LSTM);
      this.hiddenSize = hiddenSize;
      return this;
    }

    private void requireKind(String key, ForecasterKind expected) {
      if (kind != expected) {
        throw new ForecasterSpecException(key, "not a setting of " + kind.label());
      }
    }

    private void requireNBeats(String key) {
      if (kind == ForecasterKind.LSTM) {
        throw new ForecasterSpecException(key, "not a setting of " + kind.label());
      }
    }

    /**
     * The spec.
     *
     * @throws ForecasterSpecException naming the first setting out of range
     */
    public ForecasterSpec build() {
      atLeast("lookbackMultiple", lookbackMultiple, 1);
      atLeast("layers", layers, 1);
      switch (kind) {
        case NBEATS_GENERIC:
          atLeast("stacks", stacks, 1);
          atLeast("blocksPerStack", blocksPerStack, 1);
          atLeast("width", width, 1);
          break;
        case NBEATS_INTERPRETABLE:
          atLeast("blocksPerStack", blocksPerStack, 1);
          atLeast("trendWidth", trendWidth, 1);
          atLeast("seasonalityWidth", seasonalityWidth, 1);
          atLeast("degree", degree, 0);
          break;
        default:
          atLeast("hiddenSize", hiddenSize, 1);
      }
      return new ForecasterSpec(this);
    }

    private static void atLeast(String key, int value, int min) {
      if (value < min) {
        throw new ForecasterSpecException(key, "must be at least " + min + ", found " + value);
      }
    }
  }
}
