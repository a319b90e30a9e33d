package io.firmsim.trainer.forecast.train;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a {@link ForecastTrainer} run, immutable; made with {@link #builder()} ({@code
 * setX} required, {@code optX} optional, {@link Builder#build()} validates and names the field).
 *
 * <ul>
 *   <li>horizon H (required); lookback = {@code lookbackMultiple} * H (N-BEATS used 2 to 7);
 *   <li>history limit L_H: the end points of the sampled windows' targets lie in the last {@code
 *       ceil(L_H * H)} points of each series' training part (N-BEATS: 1.5 to 10);
 *   <li>batch size, steps (the budget), Adam learning rate, gradient clipping (DJL's {@code
 *       optClipGrad}: each gradient element clipped to [-c, c]; 0 = none);
 *   <li>loss ({@link LossKind}) and the seasonal period of the MASE scale;
 *   <li>validation every K steps, early-stopping patience (checks without improvement; 0 = none);
 *   <li>checkpoint folder for the best parameters (optional), window scaling, seed.
 * </ul>
 */
public final class TrainingSettings {
  private final int horizon;
  private final int lookbackMultiple;
  private final double historyLimit;
  private final int batchSize;
  private final int steps;
  private final double learningRate;
  private final LearningRateSchedule schedule;
  private final double clipGradient;
  private final LossKind loss;
  private final int seasonalPeriod;
  private final int validationEvery;
  private final boolean holdOut;
  private final int earlyStoppingPatience;
  private final Path checkpointDir;
  private final WindowScaling scaling;
  private final long seed;
  private final Device device;

  private TrainingSettings(Builder b) {
    this.horizon = b.horizon;
    this.lookbackMultiple = b.lookbackMultiple;
    this.historyLimit = b.historyLimit;
    this.batchSize = b.batchSize;
    this.steps = b.steps;
    this.learningRate = b.learningRate;
    this.schedule = b.schedule;
    this.clipGradient = b.clipGradient;
    this.loss = b.loss;
    this.seasonalPeriod = b.seasonalPeriod;
    this.validationEvery = b.validationEvery;
    this.holdOut = b.holdOut;
    this.earlyStoppingPatience = b.earlyStoppingPatience;
    this.checkpointDir = b.checkpointDir;
    this.scaling = b.scaling;
    this.seed = b.seed;
    this.device = b.device;
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** H. */
  public int horizon() {
    return horizon;
  }

  /** The lookback as a multiple of H. */
  public int lookbackMultiple() {
    return lookbackMultiple;
  }

  /** The lookback in points: {@code lookbackMultiple * horizon}. */
  public int lookback() {
    return lookbackMultiple * horizon;
  }

  /** L_H. */
  public double historyLimit() {
    return historyLimit;
  }

  /** The number of points at the end of a training part where window targets may end. */
  public int historyPoints() {
    return (int) Math.ceil(historyLimit * horizon);
  }

  /** Windows per step. */
  public int batchSize() {
    return batchSize;
  }

  /** The step budget. */
  public int steps() {
    return steps;
  }

  /** Adam's learning rate. */
  public double learningRate() {
    return learningRate;
  }

  /** The learning-rate schedule (default constant). */
  public LearningRateSchedule learningRateSchedule() {
    return schedule;
  }

  /** The element-wise gradient clip, 0 for none. */
  public double clipGradient() {
    return clipGradient;
  }

  /** The loss. */
  public LossKind loss() {
    return loss;
  }

  /** The seasonal period m of the MASE scale. */
  public int seasonalPeriod() {
    return seasonalPeriod;
  }

  /**
   * Whether the last H points of each series are held out for validation (default). Without the
   * hold-out the network trains on every point, no validation loss is measured, early stopping is
   * off and the parameters after the last step are kept: the choice for a final fit whose step
   * budget was chosen on a held-out run.
   */
  public boolean holdOut() {
    return holdOut;
  }

  /** K: validation loss computed every K steps. */
  public int validationEvery() {
    return validationEvery;
  }

  /** Validation checks without improvement before stopping; 0 = never stop early. */
  public int earlyStoppingPatience() {
    return earlyStoppingPatience;
  }

  /** The folder the best parameters are saved to, if any. */
  public Optional<Path> checkpointDir() {
    return Optional.ofNullable(checkpointDir);
  }

  /** The window scaling. */
  public WindowScaling scaling() {
    return scaling;
  }

  /** The seed of the window sampling. */
  public long seed() {
    return seed;
  }

  /**
   * The device the network trains on (default the CPU). On the CPU a run is deterministic for a
   * seed; on a GPU cuDNN/cuBLAS reductions may differ in the last bits from run to run.
   */
  public Device device() {
    return device;
  }

  @Override
  public String toString() {
    return "TrainingSettings[H="
        + horizon
        + ", lookback="
        + lookback()
        + ", L_H="
        + historyLimit
        + ", batch="
        + batchSize
        + ", steps="
        + steps
        + ", lr="
        + learningRate
        + (schedule == LearningRateSchedule.CONSTANT ? "" : ", schedule=" + schedule.label())
        + ", clip="
        + clipGradient
        + ", loss="
        + loss
        + ", m="
        + seasonalPeriod
        + ", holdOut="
        + holdOut
        + ", validationEvery="
        + validationEvery
        + ", patience="
        + earlyStoppingPatience
        + ", scaling="
        + scaling
        + ", seed="
        + seed
        + ", device="
        + device
        + "]";
  }

  /** The builder of {@link TrainingSettings}. */
  public static final class Builder {
    private int horizon;
    private int lookbackMultiple = 2;
    private double historyLimit = 10;
    private int batchSize = 256;
    private int steps = 1000;
    private double learningRate = 1e-3;
    private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
    private double clipGradient = 1.0;
    private LossKind loss = LossKind.SMAPE;
    private int seasonalPeriod = 1;
    private int validationEvery = 100;
    private boolean holdOut = true;
    private int earlyStoppingPatience;
    private Path checkpointDir;
    private WindowScaling scaling = WindowScaling.NONE;
    private long seed;
    private Device device = Device.cpu();

    private Builder() {}

    /** The horizon H (required, at least 1). */
    public Builder setHorizon(int horizon) {
      this.horizon = horizon;
      return this;
    }

    /** The lookback as a multiple of H (default 2). */
    public Builder optLookbackMultiple(int multiple) {
      this.lookbackMultiple = multiple;
      return this;
    }

    /** L_H (default 10). */
    public Builder optHistoryLimit(double historyLimit) {
      this.historyLimit = historyLimit;
      return this;
    }

    /** Windows per step (default 256). */
    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** The step budget (default 1000). */
    public Builder optSteps(int steps) {
      this.steps = steps;
      return this;
    }

    /** Adam's learning rate (default 1e-3; 0 allowed, parameters then stay put). */
    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** The learning-rate schedule (default constant). */
    public Builder optLearningRateSchedule(LearningRateSchedule schedule) {
      this.schedule = Objects.requireNonNull(schedule, "schedule");
      return this;
    }

    /** Element-wise gradient clip (default 1; 0 = none). */
    public Builder optClipGradient(double clipGradient) {
      this.clipGradient = clipGradient;
      return this;
    }

    /** The loss (default sMAPE). */
    public Builder optLoss(LossKind loss) {
      this.loss = Objects.requireNonNull(loss, "loss");
      return this;
    }

    /** The seasonal period of the MASE scale (default 1). */
    public Builder optSeasonalPeriod(int seasonalPeriod) {
      this.seasonalPeriod = seasonalPeriod;
      return this;
    }

    /** Whether the last H points of each series are held out for validation (default true). */
    public Builder optHoldOut(boolean holdOut) {
      this.holdOut = holdOut;
      return this;
    }

    /** K (default 100). */
    public Builder optValidationEvery(int validationEvery) {
      this.validationEvery = validationEvery;
      return this;
    }

    /** The patience in validation checks (default 0: no early stopping). */
    public Builder optEarlyStoppingPatience(int patience) {
      this.earlyStoppingPatience = patience;
      return this;
    }

    /** The checkpoint folder (default none; created if missing). */
    public Builder optCheckpointDir(Path dir) {
      this.checkpointDir = dir;
      return this;
    }

    /** The window scaling (default none). */
    public Builder optScaling(WindowScaling scaling) {
      this.scaling = Objects.requireNonNull(scaling, "scaling");
      return this;
    }

    /** The seed of the window sampling (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The training device (default {@link Device#cpu()}). */
    public Builder optDevice(Device device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the first field out of range
     */
    public TrainingSettings build() {
      positive("horizon", horizon);
      positive("lookbackMultiple", lookbackMultiple);
      if (!(historyLimit > 0) || !Double.isFinite(historyLimit)) {
        throw new IllegalArgumentException(
            "historyLimit must be positive and finite, found " + historyLimit);
      }
      positive("batchSize", batchSize);
      positive("steps", steps);
      if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException(
            "learningRate must be finite and at least 0, found " + learningRate);
      }
      if (!(clipGradient >= 0) || !Double.isFinite(clipGradient)) {
        throw new IllegalArgumentException(
            "clipGradient must be finite and at least 0 (0 = none), found " + clipGradient);
      }
      positive("seasonalPeriod", seasonalPeriod);
      positive("validationEvery", validationEvery);
      if (earlyStoppingPatience < 0) {
        throw new IllegalArgumentException(
            "earlyStoppingPatience must be at least 0 (0 = none), found " + earlyStoppingPatience);
      }
      if (!holdOut && earlyStoppingPatience > 0) {
        throw new IllegalArgumentException(
            "earlyStoppingPatience needs the validation hold-out; found holdOut false and"
                + " patience "
                + earlyStoppingPatience);
      }
      return new TrainingSettings(this);
    }

    private static void positive(String field, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(field + " must be positive, found " + value);
      }
    }
  }
}
