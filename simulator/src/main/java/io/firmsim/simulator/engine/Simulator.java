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
 * the chunk ends and are then copied to the host together).
 *
 * <p>Host transfers: uniform draws go to the device once per chunk-year; sums, balance gaps and
 * panel rows come back to the host only at chunk boundaries.
 *
 * <p>Determinism: draws are a pure function of (seed, firm id, year, equation) ({@link CounterRng})
 * and every firm's computation is row-local, so a firm's trajectory does not depend on the chunk
 * size or on the other firms in its chunk.
 */
public final class Simulator {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();

  private final SimulationConfig config;

  public Simulator(SimulationConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Runs the simulation.
   *
   * @param population the firms
   * @param panel where per-firm rows go (firm-major: each firm's years in order), or null
   * @param progress told the number of firm-years stepped after each chunk-year, or null
   * @throws BalanceViolationException when a firm's balance identity fails beyond tolerance
   */
  public SimulationResult run(
      PopulationSource population, PanelWriter panel, LongConsumer progress) {
    Engine engine = Engine.getEngine("PyTorch");
    Device device = config.device().resolve(engine);
    DataType dtype = config.precision().dataType();
    int years = config.years();
    int burnIn = config.burnIn();
    int total = burnIn + years;
    int firstYear = config.startYear() - burnIn;
    double[][] stateSums = new double[years][V];
    double[][] flowSums = new double[years][F];
    double[] maxGap = new double[years];
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
                progress);
        loopNanos += System.nanoTime() - start;
        stepped += (long) chunk.size() * total;
        for (int y = 0; y < years; y++) {
          for (int v = 0; v < V; v++) {
            stateSums[y][v] += out.stateSums[(burnIn + y) * V + v];
          }
          for (int f = 0; f < F; f++) {
            flowSums[y][f] += out.flowSums[(burnIn + y) * F + f];
          }
          maxGap[y] = Math.max(maxGap[y], out.maxGap[burnIn + y]);
        }
        if (panel != null) {
          writePanel(panel, chunk.firmIds(), out, burnIn, years, firstYear);
        }
      }
      return new SimulationResult(
          config.startYear(), size, stateSums, flowSums, maxGap, stepped, loopNanos / 1e9);
    }
  }

  /**
   * The chunk size rounded up to a multiple of {@link FirmYearBlock#TILE}, so that every chunk
   * starts at a tile boundary of the population and every firm sits at the same position of its
   * tile whatever the chunk size: with the step's tiled products this makes results bit-identical
   * across chunk sizes.
   */
  static int alignedChunkSize(int requested) {
    long tile = FirmYearBlock.TILE;
    return (int) Math.min(Integer.MAX_VALUE / 2, (requested + tile - 1) / tile * tile);
  }

  /** Host copies of one chunk's results, all years (burn-in included). */
  private static final class ChunkOutput {
    double[] stateSums; // [years * V]
    double[] flowSums; // [years * F]
    double[] maxGap; // [years]
    double[][] panelState; // per year [n * V], only when a panel is written
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
      LongConsumer progress) {
    int n = chunk.size();
    // The last chunk is padded with all-zero firms up to a whole tile; they are simulated (their
    // values are meaningless) and dropped from every output.
    int rows = alignedChunkSize(n);
    NDIndex real = new NDIndex("0:{}", n);
    long[] ids = chunk.firmIds();
    double tolerance = config.precision().tolerance();
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
      NDList sums = new NDList();
      NDList flowSums = new NDList();
      NDList gapMax = new NDList();
      NDList gapArgMax = new NDList();
      NDList gapNaN = new NDList();
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
          NDArray flow = out.get(1).get(real);
          NDArray gap = out.get(2).get(real);
          // A non-finite gap (NaN) must count as a violation: max() would hide it otherwise.
          // Only the year's largest gap and its firm are kept: O(years) scalars, not O(firms).
          NDArray safeGap = NDArrays.where(gap.isNaN(), gap.onesLike().mul(Double.MAX_VALUE), gap);
          keep(chunkManager, sums, next.get(real).sum(new int[] {0}));
          keep(chunkManager, flowSums, flow.sum(new int[] {0}));
          keep(chunkManager, gapMax, safeGap.max().toType(DataType.FLOAT64, false).reshape(1));
          keep(chunkManager, gapNaN, gap.isNaN().any().toType(DataType.FLOAT64, false).reshape(1));
          keep(
              chunkManager, gapArgMax, safeGap.argMax().toType(DataType.FLOAT64, false).reshape(1));
          if (keepPanel) {
            states.add(keep(chunkManager, null, next.get(real)));
            flows.add(keep(chunkManager, null, flow));
          }
          next.attach(chunkManager);
          state = next;
        }
        if (progress != null) {
          progress.accept(n);
        }
      }
      // Chunk boundary: the only copies back to the host.
      ChunkOutput o = new ChunkOutput();
      o.stateSums = toDoubles(NDArrays.stack(sums));
      o.flowSums = toDoubles(NDArrays.stack(flowSums));
      o.maxGap = toDoubles(NDArrays.concat(gapMax));
      double[] worstFirm = toDoubles(NDArrays.concat(gapArgMax));
      double[] anyNaN = toDoubles(NDArrays.concat(gapNaN));
      for (int k = 0; k < total; k++) {
        double g = anyNaN[k] > 0 ? Double.NaN : o.maxGap[k];
        if (!(g <= tolerance)) {
          throw new BalanceViolationException(ids[(int) worstFirm[k]], firstYear + k, g, tolerance);
        }
      }
      if (keepPanel) {
        o.panelState = new double[total][];
        o.panelFlows = new double[total][];
        for (int k = config.burnIn(); k < total; k++) {
          o.panelState[k] = toDoubles(states.get(k));
          o.panelFlows[k] = toDoubles(flows.get(k));
        }
      }
      return o;
    }
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
          System.arraycopy(out.panelState[k], i * V, st, y * V, V);
          System.arraycopy(out.panelFlows[k], i * F, fl, y * F, F);
        }
        panel.write(rowIds, rowYears, st, fl, years);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the panel: " + e.getMessage(), e);
    }
  }
}
