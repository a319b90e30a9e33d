package io.firmsim.simulator.engine;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.step.AlignedSubmodel;
import io.firmsim.models.step.YearProgram;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.util.List;
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
 * <p>Sizes: every year number of the run (burn-in included) is an {@code int}, so {@code startYear
 * - burnIn >= Integer.MIN_VALUE} and {@code startYear + years - 1 <= Integer.MAX_VALUE}; the years
 * simulated, {@code burnIn + years}, are at most {@link #MAX_TOTAL_YEARS}; a chunk holds at most
 * {@link #MAX_CHUNK_SIZE} firms. Firm-years ({@code firms * (burnIn + years)}) are counted in a
 * {@code long}, which any {@code int} number of firms and years fits. {@link Builder#build()}
 * checks all of this in {@code long} arithmetic and refuses what it cannot represent with a {@link
 * BadInputException} that names the limit.
 *
 * <p>Class is immutable.
 */
public final class SimulationConfig {
  /** Most years one run simulates, burn-in included. */
  public static final int MAX_TOTAL_YEARS = Integer.MAX_VALUE;

  /**
   * Most firms per chunk: 16,777,216 (2^24). A chunk's host arrays hold {@code chunk * columns}
   * numbers (state columns, uniform draws), which must fit a Java array; and a chunk's device
   * memory grows with it (about 1.3 GB per 131,072 firms).
   */
  public static final int MAX_CHUNK_SIZE = 1 << 24;

  /** Most workers, and most intra-op threads per worker. */
  public static final int MAX_WORKERS = 1024;

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
  private final Backend backend;
  private final int workers;
  private final Integer threads;
  private final int gpuIndex;
  private final boolean levers;
  private final List<AlignedSubmodel> aligned;

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
    backend = b.backend;
    workers = b.workers;
    threads = b.threads;
    gpuIndex = b.gpuIndex;
    levers = b.levers;
    aligned = b.aligned;
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

  /** Years simulated: burn-in plus reported years (at most {@link #MAX_TOTAL_YEARS}). */
  public int totalYears() {
    return burnIn + years;
  }

  /** Number of the first simulated year: {@code startYear - burnIn}. */
  public int firstYear() {
    return startYear - burnIn;
  }

  public long seed() {
    return seed;
  }

  public MacroPath macro() {
    return macro;
  }

  /**
   * Firms per chunk as asked (at most {@link #MAX_CHUNK_SIZE}): device memory is O(chunk size),
   * independent of the number of years. The simulator rounds it up to a multiple of the step's tile
   * width (512 firms), which is what makes results bit-identical across chunk sizes.
   */
  public int chunkSize() {
    return chunkSize;
  }

  /** Which implementation runs the simulation year (DJL eager, or the ONNX year graph). */
  public Backend backend() {
    return backend;
  }

  /**
   * Chunks simulated at once, each by its own worker thread with its own copy of the year (default
   * 1). Results do not depend on it: chunk results are committed in chunk order.
   */
  public int workers() {
    return workers;
  }

  /**
   * Intra-op threads of each worker's tensor engine, or null for the engine's own choice (DJL:
   * PyTorch's process-wide setting; ONNX Runtime: one per core divided among the workers). Results
   * do not depend on it.
   */
  public Integer threads() {
    return threads;
  }

  /**
   * Which GPU a GPU run uses (0, the first, unless set): a scale-out task runs on the GPU its
   * cluster manager assigned it. Ignored on the CPU.
   */
  public int gpuIndex() {
    return gpuIndex;
  }

  /**
   * Whether the runners take stress-scenario levers ({@link io.firmsim.models.step.Lever}) every
   * year: scenario runs set it, so that the baseline and every scenario run the same year (with
   * neutral levers where nothing acts), on DJL and in the ONNX graph.
   */
  public boolean levers() {
    return levers;
  }

  /**
   * The probability submodels the runners align ({@link io.firmsim.models.step.Alignment}), in the
   * order of the targets each job's {@link io.firmsim.simulator.backend.AlignmentSchedule} writes;
   * empty (the default) for none, and then the year is the plain one bit for bit.
   */
  public List<AlignedSubmodel> aligned() {
    return aligned;
  }

  /**
   * Firms per chunk unless asked otherwise. On a GPU: {@link Precision#defaultChunkSize()} (large
   * batches fill the device). On CPU, where a chunk's year is worked by one core while the other
   * cores work other chunks, small enough that a year's intermediates stay near the core: DJL
   * {@link #DJL_CPU_CHUNK_SIZE} firms; ONNX Runtime {@link #ONNX_CHUNK_BYTES} per state column
   * (8,192 firms in float32, 4,096 in float64), since its arena reuses the intermediates' memory.
   * Measured against 2,048 to 131,072 firms (docs/BENCHMARKS.md).
   */
  public static int defaultChunkSize(Backend backend, Precision precision, boolean gpu) {
    if (gpu) {
      return precision.defaultChunkSize();
    }
    if (backend == Backend.ONNX) {
      return ONNX_CHUNK_BYTES / (precision == Precision.FLOAT32 ? Float.BYTES : Double.BYTES);
    }
    return DJL_CPU_CHUNK_SIZE;
  }

  /** Default chunk of the DJL backend on CPU. */
  public static final int DJL_CPU_CHUNK_SIZE = 32_768;

  /** Bytes of one column of a default chunk of the ONNX backend on CPU. */
  public static final int ONNX_CHUNK_BYTES = 32 * 1024;

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
    private Backend backend = Backend.DJL;
    private int workers = 1;
    private Integer threads;
    private int gpuIndex;
    private boolean levers;
    private List<AlignedSubmodel> aligned = List.of();

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

    /** Firms per chunk; default {@link SimulationConfig#defaultChunkSize}. */
    public Builder optChunkSize(int chunkSize) {
      this.chunkSize = chunkSize;
      return this;
    }

    public Builder optBackend(Backend backend) {
      this.backend = backend;
      return this;
    }

    /** Chunks simulated at once (default 1). */
    public Builder optWorkers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Intra-op threads per worker; null for the engine's choice. */
    public Builder optThreads(Integer threads) {
      this.threads = threads;
      return this;
    }

    /** The GPU a GPU run uses (its index, at least 0; default 0). */
    public Builder optGpuIndex(int gpuIndex) {
      if (gpuIndex < 0) {
        throw new IllegalArgumentException("GPU index must be at least 0, found " + gpuIndex);
      }
      this.gpuIndex = gpuIndex;
      return this;
    }

    /** Runners that take scenario levers every year ({@link SimulationConfig#levers()}). */
    public Builder optLevers(boolean levers) {
      this.levers = levers;
      return this;
    }

    /**
     * Runners that align these probability submodels ({@link SimulationConfig#aligned()}); every
     * job must then carry firm weights and targets ({@link
     * io.firmsim.simulator.backend.ChunkJob#withAlignment}).
     */
    public Builder optAligned(List<AlignedSubmodel> aligned) {
      this.aligned = List.copyOf(aligned);
      return this;
    }

    /**
     * @throws IllegalStateException without a model
     * @throws BadInputException naming the first setting to fix, and the limit it breaks
     */
    public SimulationConfig build() {
      if (model == null) {
        throw new IllegalStateException("a model is required (setModel)");
      }
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(precision, "precision");
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(macro, "macro");
      Objects.requireNonNull(backend, "backend");
      if (!aligned.isEmpty()) {
        try {
          new YearProgram(model, mode, aligned); // refuses what cannot be aligned, by name
        } catch (IllegalArgumentException e) {
          throw new BadInputException("alignment: " + e.getMessage());
        }
      }
      if (workers < 1 || workers > MAX_WORKERS) {
        throw new BadInputException(
            "workers must be between 1 and " + MAX_WORKERS + ", found " + workers);
      }
      if (threads != null && (threads < 1 || threads > MAX_WORKERS)) {
        throw new BadInputException(
            "threads must be between 1 and " + MAX_WORKERS + ", found " + threads);
      }
      if (years < 1) {
        throw new BadInputException("years must be at least 1, found " + years);
      }
      if (burnIn < 0) {
        throw new BadInputException("burn-in must be 0 or more years, found " + burnIn);
      }
      long total = (long) burnIn + years;
      if (total > MAX_TOTAL_YEARS) {
        throw new BadInputException(
            "burn-in ("
                + burnIn
                + ") plus years ("
                + years
                + ") is "
                + total
                + " years; a run simulates at most "
                + MAX_TOTAL_YEARS);
      }
      long first = (long) startYear - burnIn;
      if (first < Integer.MIN_VALUE) {
        throw new BadInputException(
            "the first burn-in year, start year ("
                + startYear
                + ") minus burn-in ("
                + burnIn
                + ") = "
                + first
                + ", is below the smallest year number "
                + Integer.MIN_VALUE);
      }
      long last = (long) startYear + years - 1;
      if (last > Integer.MAX_VALUE) {
        throw new BadInputException(
            "the last year, start year ("
                + startYear
                + ") plus years ("
                + years
                + ") - 1 = "
                + last
                + ", is above the largest year number "
                + Integer.MAX_VALUE);
      }
      if (chunkSize == null) {
        chunkSize = defaultChunkSize(backend, precision, device == DeviceChoice.GPU);
      }
      if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
        throw new BadInputException(
            "chunk size must be between 1 and " + MAX_CHUNK_SIZE + " firms, found " + chunkSize);
      }
      return new SimulationConfig(this);
    }
  }
}
