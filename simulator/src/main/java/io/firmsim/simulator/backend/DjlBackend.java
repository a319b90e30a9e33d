package io.firmsim.simulator.backend;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.models.step.Lever;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.random.CounterRng;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The DJL backend: {@link FirmYearBlock} run eagerly on DJL's PyTorch engine, on the configured
 * device.
 *
 * <p>Memory: a chunk's state is a {@code [rows, variables]} tensor; each year runs in its own
 * sub-manager that is closed when the year ends, so device memory is O(chunk size) and does not
 * grow with the number of years (when a panel is written, the chunk's reported years are kept until
 * the chunk ends and are then copied to the host together).
 *
 * <p>Host transfers: uniform draws (and levers and alignment targets) go to the device once per
 * chunk-year, alignment weights once per chunk; per-tile sums and balance gaps come back to the
 * host once per flush window, panel rows at the chunk's end. Per-tile sums are formed on the device
 * by the same fixed pairwise tree as {@link TileSums}.
 *
 * <p>Threads: PyTorch's intra-op thread count is process-wide; {@link SimulationConfig#threads()},
 * when set, is applied when the backend opens. Each runner has its own block and manager, so
 * workers share nothing but the engine.
 */
final class DjlBackend implements YearBackend {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int TILE = FirmYearBlock.TILE;

  private final SimulationConfig config;
  private final int flushYears;
  private final Engine engine;
  private final Device device;
  private final int threadsBefore;

  DjlBackend(SimulationConfig config, int flushYears) {
    this.config = config;
    this.flushYears = flushYears;
    this.engine = Engine.getEngine("PyTorch");
    this.device = config.device().resolve(engine, config.gpuIndex());
    this.threadsBefore = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    if (config.threads() != null) {
      // Process-wide; threads that start after this (the workers) take it up. Restored on close.
      ai.djl.pytorch.jni.JniUtils.setNumThreads(config.threads());
    }
  }

  @Override
  public ChunkRunner newRunner() {
    return new Runner();
  }

  @Override
  public String description() {
    return "djl (" + engine.getEngineName() + " " + engine.getVersion() + ", " + device + ")";
  }

  @Override
  public void close() {
    if (config.threads() != null) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threadsBefore);
    }
  }

  /** One worker's block, parameters and manager. */
  private final class Runner implements ChunkRunner {
    private final NDManager base;
    private final FirmYearBlock block;
    private final ParameterStore ps;
    private final DataType dtype;
    private final CounterRng rng;
    private final boolean sample;

    Runner() {
      dtype = config.precision().dataType();
      base = NDManager.newBaseManager(device, engine.getEngineName());
      block = new FirmYearBlock(config.model(), config.mode(), config.aligned());
      block.initialize(base, dtype, new Shape(-1, V), new Shape(2));
      ps = new ParameterStore(base, false);
      rng = new CounterRng(config.seed());
      sample = config.mode() == ForwardMode.SAMPLE;
    }

    @Override
    public void close() {
      base.close();
    }

    @Override
    public void run(ChunkJob job, ChunkSink sink) {
      int n = job.firms();
      int rows = job.rows();
      NDIndex real = new NDIndex("0:{}", n);
      long[] ids = job.firmIds();
      int burnIn = config.burnIn();
      int total = config.totalYears();
      int firstYear = config.firstYear();
      boolean f32 = dtype == DataType.FLOAT32;
      boolean keepPanel = job.keepPanel();
      boolean[] drawn = block.readsUniform();
      int columns = drawn.length;
      long seed = job.seed(config.seed());
      CounterRng draws = seed == config.seed() ? rng : new CounterRng(seed);
      MacroPath path = job.macro(config.macro());
      LeverSchedule schedule = job.levers();
      if (config.levers() != (schedule != null)) {
        throw new IllegalStateException(
            config.levers()
                ? "a scenario backend needs levers for every job"
                : "levers need optLevers");
      }
      AlignmentSchedule alignment = job.alignment();
      int aligned = config.aligned().size();
      if ((aligned > 0) != (alignment != null)) {
        throw new IllegalStateException(
            aligned > 0
                ? "an aligning backend needs weights and targets for every job"
                : "alignment targets need optAligned");
      }
      double[] targets = aligned > 0 ? new double[aligned] : null;
      int width = Lever.count();
      // The firms' rows first; the padding rows after them stay zero (simulated and dropped).
      double[] leverAll = schedule == null ? null : new double[rows * width];
      double[] u64 = sample && !f32 ? new double[rows * columns] : null;
      float[] u32 = sample && f32 ? new float[rows * columns] : null;
      try (NDManager chunkManager = base.newSubManager()) {
        double[] values = Arrays.copyOf(job.values(), rows * V);
        NDArray state = chunkManager.create(values, new Shape(rows, V));
        if (f32) {
          state = state.toType(DataType.FLOAT32, false);
        }
        // Padding rows weigh 0: they take no part in the alignment of their tile.
        NDArray weights =
            alignment == null
                ? null
                : chunkManager.create(Arrays.copyOf(job.weights(), rows)).toType(dtype, false);
        Window window = new Window(chunkManager.newSubManager(), 0);
        List<NDArray> states = new ArrayList<>();
        List<NDArray> flows = new ArrayList<>();
        for (int k = 0; k < total; k++) {
          int year = firstYear + k;
          try (NDManager yearManager = chunkManager.newSubManager()) {
            // The year's temporaries (and, without a panel, last year's state) die with its scope.
            if (keepPanel) {
              state.tempAttach(yearManager);
            } else {
              state.attach(yearManager);
            }
            NDArray macro =
                yearManager
                    .create(new double[] {path.dgnp(year), path.realr(year)})
                    .toType(dtype, false);
            NDList in = new NDList(state, macro);
            if (sample) {
              if (f32) {
                draws.fill(ids, 0, n, year, drawn, u32);
                in.add(yearManager.create(u32, new Shape(rows, columns)));
              } else {
                draws.fill(ids, 0, n, year, drawn, u64);
                in.add(yearManager.create(u64, new Shape(rows, columns)));
              }
            }
            if (schedule != null) {
              schedule.fill(year, leverAll);
              in.add(yearManager.create(leverAll, new Shape(rows, width)).toType(dtype, false));
            }
            if (alignment != null) {
              alignment.fill(year, targets);
              in.add(yearManager.create(targets).toType(dtype, false));
              in.add(weights);
            }
            NDList out = block.forward(ps, in, false);
            NDArray next = out.get(0);
            NDArray gap = out.get(2).get(real);
            // A non-finite gap (NaN) must count as a violation: max() would hide it otherwise.
            // Only the year's largest gap and its firm are kept: O(years) scalars, not O(firms).
            NDArray safeGap =
                NDArrays.where(gap.isNaN(), gap.onesLike().mul(Double.MAX_VALUE), gap);
            NDManager w = window.manager;
            keep(w, window.gapMax, safeGap.max().toType(DataType.FLOAT64, false).reshape(1));
            keep(w, window.gapNaN, gap.isNaN().any().toType(DataType.FLOAT64, false).reshape(1));
            keep(w, window.gapArgMax, safeGap.argMax().toType(DataType.FLOAT64, false).reshape(1));
            if (k >= burnIn) {
              keep(w, window.tileSums, tileSums(next, out.get(1), n, rows));
            }
            if (keepPanel && k >= burnIn) {
              states.add(keep(chunkManager, null, next.get(real)));
              flows.add(keep(chunkManager, null, out.get(1).get(real)));
            }
            next.attach(chunkManager);
            state = next;
          }
          sink.yearDone(n);
          if (k + 1 == total || (k + 1 - window.firstYear) == flushYears) {
            sink.window(flush(window, burnIn, rows / TILE));
            window.manager.close();
            if (k + 1 < total) {
              window = new Window(chunkManager.newSubManager(), k + 1);
            }
          }
        }
        if (keepPanel) {
          // Chunk boundary: the panel rows come back to the host.
          double[][] panelState = new double[total - burnIn][];
          double[][] panelFlows = new double[total - burnIn][];
          for (int k = burnIn; k < total; k++) {
            panelState[k - burnIn] = toDoubles(states.get(k - burnIn));
            panelFlows[k - burnIn] = toDoubles(flows.get(k - burnIn));
          }
          sink.panel(panelState, panelFlows);
        }
      }
    }
  }

  /** A run of consecutive years of one chunk whose sums and gaps are still on the device. */
  private static final class Window {
    final NDManager manager;
    final int firstYear; // index k of its first year, burn-in included
    final NDList gapMax = new NDList();
    final NDList gapArgMax = new NDList();
    final NDList gapNaN = new NDList();
    final NDList tileSums = new NDList(); // reported years only, [tiles, V + F] each

    Window(NDManager manager, int firstYear) {
      this.manager = manager;
      this.firstYear = firstYear;
    }
  }

  /** Brings a window's gaps and tile sums to the host. */
  private static WindowResult flush(Window window, int burnIn, int tiles) {
    double[] maxGap = toDoubles(NDArrays.concat(window.gapMax));
    double[] worstFirm = toDoubles(NDArrays.concat(window.gapArgMax));
    double[] anyNaN = toDoubles(NDArrays.concat(window.gapNaN));
    int[] worst = new int[maxGap.length];
    for (int j = 0; j < maxGap.length; j++) {
      if (anyNaN[j] > 0) {
        maxGap[j] = Double.NaN;
      }
      worst[j] = (int) worstFirm[j];
    }
    double[] sums =
        window.tileSums.isEmpty()
            ? new double[0]
            : toDoubles(NDArrays.stack(window.tileSums)); // [years, tiles, V + F]
    return new WindowResult(
        window.firstYear, maxGap, worst, Math.max(window.firstYear, burnIn), tiles, sums);
  }

  /**
   * Per-tile sums of every state and flow column, {@code [tiles, V + F]} in float64: each tile's
   * 512 firms are summed in the run's precision by a fixed pairwise tree, nine rounds of adding the
   * tile's second half to its first. Elementwise additions round each element once, whatever the
   * shape, device or thread count, so a tile's sum depends only on its firms' values (a reduction
   * kernel would choose its order from the shape). The padding firms of the last chunk count as
   * zeros.
   */
  private static NDArray tileSums(NDArray state, NDArray flows, int n, int rows) {
    return NDArrays.concat(new NDList(tileTree(state, n, rows), tileTree(flows, n, rows)), 1)
        .toType(DataType.FLOAT64, false);
  }

  private static NDArray tileTree(NDArray values, int n, int rows) {
    long width = values.getShape().get(1);
    NDArray x = values;
    if (n < rows) {
      NDArray padding = values.getManager().zeros(new Shape(rows - n, width), x.getDataType());
      x = NDArrays.concat(new NDList(x.get(new NDIndex("0:{}", n)), padding), 0);
    }
    long tiles = rows / TILE;
    x = x.reshape(tiles, TILE, width);
    for (long half = TILE / 2; half >= 1; half /= 2) {
      NDList halves = x.split(2, 1); // views: no copy before the addition
      x = halves.get(0).add(halves.get(1));
    }
    return x.reshape(tiles, width);
  }

  private static NDArray keep(NDManager owner, NDList list, NDArray array) {
    array.attach(owner);
    if (list != null) {
      list.add(array);
    }
    return array;
  }

  private static double[] toDoubles(NDArray a) {
    if (a.getDataType() == DataType.FLOAT64) {
      return a.toDoubleArray();
    }
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
