package io.firmsim.simulator.engine;

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
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.random.CounterRng;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * The batched Monte Carlo loop: firms in chunks, years inside each chunk, one {@link FirmYearBlock}
 * forward pass per chunk-year on the selected device.
 *
 * <p>Memory: a chunk's state is a {@code [chunk, variables]} tensor; each year runs in its own
 * sub-manager that is closed when the year ends, so device memory is O(chunk size) and does not
 * grow with the number of years (when a panel is written, the chunk's yearly outputs are kept until
 * the chunk ends and are then copied to the host together). The per-year aggregates on the host
 * grow with the years simulated ({@link AggregateTable}), not with the years asked for.
 *
 * <p>Host transfers: uniform draws go to the device once per chunk-year; per-tile sums and balance
 * gaps come back to the host every {@link #FLUSH_YEARS} years and at chunk boundaries, panel rows
 * at chunk boundaries.
 *
 * <p>Determinism: draws are a pure function of (seed, firm id, year, equation) ({@link CounterRng})
 * and every firm's computation is row-local, so a firm's trajectory does not depend on the chunk
 * size or on the other firms in its chunk. Aggregates are summed in a fixed order: each 512-firm
 * tile by a fixed pairwise tree of elementwise additions on the device, then the tiles in firm
 * order in float64 on the host; chunks are whole tiles, so the sums do not depend on the chunk size
 * or the thread count either.
 */
public final class Simulator {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int TILE = FirmYearBlock.TILE;

  /**
   * Years of a chunk whose sums and gaps stay on the device before they are brought to the host:
   * bounds the device-side bookkeeping of long runs without a host synchronisation every year.
   */
  static final int FLUSH_YEARS = 256;

  private final SimulationConfig config;
  private final int flushYears;

  public Simulator(SimulationConfig config) {
    this(config, FLUSH_YEARS);
  }

  /** With another flush window, for tests of runs that span several windows. */
  Simulator(SimulationConfig config, int flushYears) {
    this.config = Objects.requireNonNull(config, "config");
    if (flushYears < 1) {
      throw new IllegalArgumentException("flush window must be at least 1 year");
    }
    this.flushYears = flushYears;
  }

  /**
   * Runs the simulation.
   *
   * @param population the firms
   * @param panel where per-firm rows go (firm-major: each firm's years in order), or null
   * @param progress told the number of firm-years stepped after each chunk-year, or null
   * @throws BalanceViolationException when a firm's balance identity fails beyond tolerance
   * @throws BadInputException when a chunk's host arrays cannot be represented (chunk size too
   *     large for the model's number of columns)
   */
  public SimulationResult run(
      PopulationSource population, PanelWriter panel, LongConsumer progress) {
    Engine engine = Engine.getEngine("PyTorch");
    Device device = config.device().resolve(engine);
    DataType dtype = config.precision().dataType();
    int years = config.years();
    int burnIn = config.burnIn();
    int total = config.totalYears();
    int firstYear = config.firstYear();
    AggregateTable table = new AggregateTable(V + F);
    long stepped = 0;
    long loopNanos = 0;
    CounterRng rng = new CounterRng(config.seed());
    boolean sample = config.mode() == ForwardMode.SAMPLE;

    try (NDManager base = NDManager.newBaseManager(device, engine.getEngineName())) {
      FirmYearBlock block = new FirmYearBlock(config.model(), config.mode());
      block.initialize(base, dtype, new Shape(-1, V), new Shape(2));
      ParameterStore ps = new ParameterStore(base, false);
      int size = population.size();
      int chunkSize = alignedChunkSize(config.chunkSize());
      checkChunkArrays(Math.min(chunkSize, alignedChunkSize(size)), block.uniformColumns());
      for (int from = 0; from < size; from += chunkSize) {
        int to = Math.min(size, from + chunkSize);
        Population chunk = population.slice(from, to);
        long start = System.nanoTime();
        ChunkOutput out =
            runChunk(
                block,
                ps,
                base,
                chunk,
                firstYear,
                total,
                rng,
                sample,
                dtype,
                panel != null,
                table,
                progress);
        loopNanos += System.nanoTime() - start;
        stepped += (long) chunk.size() * total;
        if (panel != null) {
          writePanel(panel, chunk.firmIds(), out, burnIn, years, firstYear);
        }
      }
      return new SimulationResult(config.startYear(), size, table, stepped, loopNanos / 1e9);
    }
  }

  /**
   * The chunk size rounded up to a multiple of {@link FirmYearBlock#TILE}, so that every chunk
   * starts at a tile boundary of the population and every firm sits at the same position of its
   * tile whatever the chunk size: with the step's tiled products this makes results bit-identical
   * across chunk sizes.
   */
  static int alignedChunkSize(int requested) {
    long tile = TILE;
    return (int) Math.min(Integer.MAX_VALUE / 2, (requested + tile - 1) / tile * tile);
  }

  /** Refuses a chunk whose host arrays (state rows, uniform draws) a Java array cannot hold. */
  private static void checkChunkArrays(int rows, int uniformColumns) {
    long cells = (long) rows * Math.max(V, uniformColumns);
    if (cells > Integer.MAX_VALUE - 8) {
      throw new BadInputException(
          "chunk size "
              + rows
              + " is too large: a chunk holds "
              + cells
              + " numbers per year, at most "
              + (Integer.MAX_VALUE - 8)
              + " fit; use a chunk size of at most "
              + (Integer.MAX_VALUE - 8) / Math.max(V, uniformColumns) / TILE * TILE);
    }
  }

  /** Host copies of one chunk's panel rows (burn-in excluded), when a panel is written. */
  private static final class ChunkOutput {
    double[][] panelState; // per reported year [n * V]
    double[][] panelFlows;
  }

  private ChunkOutput runChunk(
      FirmYearBlock block,
      ParameterStore ps,
      NDManager base,
      Population chunk,
      int firstYear,
      int total,
      CounterRng rng,
      boolean sample,
      DataType dtype,
      boolean keepPanel,
      AggregateTable table,
      LongConsumer progress) {
    int n = chunk.size();
    // The last chunk is padded with all-zero firms up to a whole tile; they are simulated (their
    // values are meaningless) and dropped from every output.
    int rows = alignedChunkSize(n);
    NDIndex real = new NDIndex("0:{}", n);
    long[] ids = chunk.firmIds();
    int burnIn = config.burnIn();
    boolean f32 = dtype == DataType.FLOAT32;
    boolean[] drawn = block.readsUniform();
    int columns = drawn.length;
    double[] u64 = sample && !f32 ? new double[rows * columns] : null;
    float[] u32 = sample && f32 ? new float[rows * columns] : null;
    try (NDManager chunkManager = base.newSubManager()) {
      double[] values = java.util.Arrays.copyOf(chunk.values(), rows * V);
      NDArray state = chunkManager.create(values, new Shape(rows, V));
      if (f32) {
        state = state.toType(DataType.FLOAT32, false);
      }
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
                  .create(new double[] {config.macro().dgnp(year), config.macro().realr(year)})
                  .toType(dtype, false);
          NDList in = new NDList(state, macro);
          if (sample) {
            if (f32) {
              rng.fill(ids, 0, n, year, drawn, u32);
              in.add(yearManager.create(u32, new Shape(rows, columns)));
            } else {
              rng.fill(ids, 0, n, year, drawn, u64);
              in.add(yearManager.create(u64, new Shape(rows, columns)));
            }
          }
          NDList out = block.forward(ps, in, false);
          NDArray next = out.get(0);
          NDArray gap = out.get(2).get(real);
          // A non-finite gap (NaN) must count as a violation: max() would hide it otherwise.
          // Only the year's largest gap and its firm are kept: O(years) scalars, not O(firms).
          NDArray safeGap = NDArrays.where(gap.isNaN(), gap.onesLike().mul(Double.MAX_VALUE), gap);
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
        if (progress != null) {
          progress.accept(n);
        }
        if (k + 1 == total || (k + 1 - window.firstYear) == flushYears) {
          flush(window, ids, firstYear, burnIn, rows / TILE, table);
          window.manager.close();
          if (k + 1 < total) {
            window = new Window(chunkManager.newSubManager(), k + 1);
          }
        }
      }
      ChunkOutput o = new ChunkOutput();
      if (keepPanel) {
        // Chunk boundary: the panel rows come back to the host.
        o.panelState = new double[total - burnIn][];
        o.panelFlows = new double[total - burnIn][];
        for (int k = burnIn; k < total; k++) {
          o.panelState[k - burnIn] = toDoubles(states.get(k - burnIn));
          o.panelFlows[k - burnIn] = toDoubles(flows.get(k - burnIn));
        }
      }
      return o;
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

  /**
   * Brings a window's gaps and tile sums to the host: checks the balance identity of each year and
   * adds the tile sums to the table, tile after tile in firm order.
   */
  private void flush(
      Window window, long[] ids, int firstYear, int burnIn, int tiles, AggregateTable table) {
    double tolerance = config.precision().tolerance();
    double[] maxGap = toDoubles(NDArrays.concat(window.gapMax));
    double[] worstFirm = toDoubles(NDArrays.concat(window.gapArgMax));
    double[] anyNaN = toDoubles(NDArrays.concat(window.gapNaN));
    for (int j = 0; j < maxGap.length; j++) {
      int k = window.firstYear + j;
      double g = anyNaN[j] > 0 ? Double.NaN : maxGap[j];
      if (!(g <= tolerance)) {
        throw new BalanceViolationException(ids[(int) worstFirm[j]], firstYear + k, g, tolerance);
      }
      if (k >= burnIn) {
        table.ensureRows(k - burnIn + 1);
        table.maxGap(k - burnIn, g);
      }
    }
    if (window.tileSums.isEmpty()) {
      return;
    }
    double[] sums = toDoubles(NDArrays.stack(window.tileSums)); // [years, tiles, V + F]
    int width = V + F;
    int firstReported = Math.max(window.firstYear, burnIn);
    for (int j = 0; j < window.tileSums.size(); j++) {
      int row = firstReported + j - burnIn;
      for (int t = 0; t < tiles; t++) {
        table.add(row, sums, (j * tiles + t) * width);
      }
    }
  }

  /**
   * Per-tile sums of every state and flow column, {@code [tiles, V + F]} in float64: each tile's
   * 512 firms are summed in the run's precision by a fixed pairwise tree, nine rounds of adding the
   * tile's second half to its first. Elementwise additions round each element once, whatever the
   * shape, device or thread count, so a tile's sum depends only on its firms' values (a reduction
   * kernel would choose its order from the shape). The padding firms of the last chunk count as
   * zeros. A tree over 512 values is within {@code 9 * eps} of the exact sum, relative to the sum
   * of the absolute values.
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

  private static void writePanel(
      PanelWriter panel, long[] ids, ChunkOutput out, int burnIn, int years, int firstYear) {
    int n = ids.length;
    long[] rowIds = new long[years];
    int[] rowYears = new int[years];
    double[] st = new double[years * V];
    double[] fl = new double[years * F];
    try {
      for (int i = 0; i < n; i++) {
        for (int y = 0; y < years; y++) {
          int k = burnIn + y;
          rowIds[y] = ids[i];
          rowYears[y] = firstYear + k;
          System.arraycopy(out.panelState[y], i * V, st, y * V, V);
          System.arraycopy(out.panelFlows[y], i * F, fl, y * F, F);
        }
        panel.write(rowIds, rowYears, st, fl, years);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the panel: " + e.getMessage(), e);
    }
  }
}
