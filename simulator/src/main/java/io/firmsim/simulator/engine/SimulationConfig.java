package io.firmsim.simulator.engine;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.Objects;

/**
 * What to simulate: the model, the forward mode, precision and device, the years, the seed, the
 * macro path and the chunk size. Built with {@link #builder()}: {@code setX} values are required,
 * {@code optX} optional, and {@link Builder#build()} says what to fix.
 *
 * <p>Years: burn-in years are numbered {@code startYear - burnIn .. startYear - 1} and are
 * simulated but not reported; reported years are {@code startYear .. startYear + years - 1}. A draw
 * depends on the year's number, so a run restarted from a panel year with the next start year
 * continues the same random path.
 *
 * <p>Class is immutable.
 */
public final class SimulationConfig {
  private final ModelSpec model;
  private final ForwardMode mode;
  private final Precision precision;
  private final DeviceChoice device;
  private final int years;
  private final int burnIn;
  private final int startYear;
  private final long seed;
  private final MacroPath macro;
  private final int chunkSize;

  private SimulationConfig(Builder b) {
    model = b.model;
    mode = b.mode;
    precision = b.precision;
    device = b.device;
    years = b.years;
    burnIn = b.burnIn;
    startYear = b.startYear;
    seed = b.seed;
    macro = b.macro;
    chunkSize = b.chunkSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ModelSpec model() {
    return model;
  }

  public ForwardMode mode() {
    return mode;
  }

  public Precision precision() {
    return precision;
  }

  public DeviceChoice device() {
    return device;
  }

  /** Reported years. */
  public int years() {
    return years;
  }

  /** Years simulated before the reported ones and discarded. */
  public int burnIn() {
    return burnIn;
  }

  /** Number of the first reported year. */
  public int startYear() {
    return startYear;
  }

  public long seed() {
    return seed;
  }

  public MacroPath macro() {
    return macro;
  }

  /**
   * Firms per chunk as asked: device memory is O(chunk size), independent of the number of years.
   * The simulator rounds it up to a multiple of the step's tile width (512 firms), which is what
   * makes results bit-identical across chunk sizes.
   */
  public int chunkSize() {
    return chunkSize;
  }

  /** Builder; {@code setModel} and {@code setYears} are required. */
  public static final class Builder {
    private ModelSpec model;
    private ForwardMode mode = ForwardMode.SAMPLE;
    private Precision precision = Precision.FLOAT64;
    private DeviceChoice device = DeviceChoice.AUTO;
    private int years = -1;
    private int burnIn;
    private int startYear = 1;
    private long seed;
    private MacroPath macro = MacroPath.zeros();
    private Integer chunkSize; // null: the precision's default

    private Builder() {}

    public Builder setModel(ModelSpec model) {
      this.model = model;
      return this;
    }

    public Builder setYears(int years) {
      this.years = years;
      return this;
    }

    public Builder optMode(ForwardMode mode) {
      this.mode = mode;
      return this;
    }

    public Builder optPrecision(Precision precision) {
      this.precision = precision;
      return this;
    }

    public Builder optDevice(DeviceChoice device) {
      this.device = device;
      return this;
    }

    public Builder optBurnIn(int burnIn) {
      this.burnIn = burnIn;
      return this;
    }

    public Builder optStartYear(int startYear) {
      this.startYear = startYear;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optMacro(MacroPath macro) {
      this.macro = macro;
      return this;
    }

    /** Firms per chunk; default {@link Precision#defaultChunkSize()}. */
    public Builder optChunkSize(int chunkSize) {
      this.chunkSize = chunkSize;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first setting to fix
     */
    public SimulationConfig build() {
      if (model == null) {
        throw new IllegalArgumentException("a model is required (setModel)");
      }
      if (years < 1) {
        throw new IllegalArgumentException("years must be at least 1, found " + years);
      }
      if (burnIn < 0) {
        throw new IllegalArgumentException("burn-in must be 0 or more years, found " + burnIn);
      }
      if (chunkSize == null) {
        chunkSize = precision.defaultChunkSize();
      }
      if (chunkSize < 1) {
        throw new IllegalArgumentException("chunk size must be positive, found " + chunkSize);
      }
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(precision, "precision");
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(macro, "macro");
      return new SimulationConfig(this);
    }
  }
}
