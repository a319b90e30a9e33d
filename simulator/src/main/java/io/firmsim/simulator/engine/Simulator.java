package io.firmsim.simulator.engine;

import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.simulator.backend.ChunkJob;
import io.firmsim.simulator.backend.ChunkRunner;
import io.firmsim.simulator.backend.ChunkSink;
import io.firmsim.simulator.backend.WindowResult;
import io.firmsim.simulator.backend.YearBackend;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The batched Monte Carlo loop: firms in chunks, years inside each chunk, one forward pass of the
 * simulation year per chunk-year on the configured backend ({@link YearBackend}: DJL eager, or the
 * ONNX year graph in ONNX Runtime).
 *
 * <p>Workers: {@link SimulationConfig#workers()} threads each take the next chunk in firm order and
 * simulate it with their own {@link ChunkRunner}. Their results are committed in chunk order: the
 * tile sums of a year are added to the aggregates chunk after chunk, panel rows are written chunk
 * after chunk, and the balance violation reported is the one a single worker would meet first.
 * Results therefore do not depend on the number of workers.
 *
 * <p>Memory: a runner's memory is O(chunk size) and does not grow with the number of years; the
 * per-year aggregates on the host grow with the years simulated ({@link AggregateTable}), not with
 * the years asked for. With a panel, each worker holds its chunk's reported years until they are
 * written.
 *
 * <p>Determinism: draws are a pure function of (seed, firm id, year, equation) and every firm's
 * computation is row-local, so a firm's trajectory does not depend on the chunk size, on the other
 * firms in its chunk, or on the worker that runs it. Aggregates are summed in a fixed order: each
 * 512-firm tile by a fixed pairwise tree of elementwise additions, then the tiles in firm order in
 * float64 on the host; chunks are whole tiles, so the sums do not depend on the chunk size, the
 * worker count or the thread count either.
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
    return run(population, panel, progress, null);
  }

  /**
   * Runs the simulation of one part of a population (a scale-out task's firm range) and keeps what
   * {@link SimulationResult#combine} needs to give, from the parts in firm order, the aggregates of
   * the whole population bit for bit: each reported year's tile sums in firm order and largest
   * balance gap.
   *
   * @param part the part's firms; unless it is the population's last part, a whole number of tiles
   *     ({@link FirmYearBlock#TILE}), and it must start at a tile boundary of the population for
   *     its tiles to be the population's
   * @param panel where the part's per-firm rows go, or null
   * @param progress told the number of firm-years stepped after each chunk-year, or null
   * @throws BalanceViolationException when a firm's balance identity fails beyond tolerance
   */
  public PartialAggregates runPart(
      PopulationSource part, PanelWriter panel, LongConsumer progress) {
    TileLog log = new TileLog(V + F);
    SimulationResult r = run(part, panel, progress, log);
    return log.toPart(r);
  }

  private SimulationResult run(
      PopulationSource population, PanelWriter panel, LongConsumer progress, TileLog log) {
    int size = population.size();
    int chunkSize = alignedChunkSize(config.chunkSize());
    int uniformColumns = new FirmYearBlock(config.model(), config.mode()).uniformColumns();
    checkChunkArrays(Math.min(chunkSize, alignedChunkSize(size)), uniformColumns);
    int chunks = (int) (((long) size + chunkSize - 1) / chunkSize);
    int total = config.totalYears();
    AggregateTable table = new AggregateTable(V + F);
    Commits commits =
        new Commits(chunks, (total + flushYears - 1) / flushYears, table, log, panel, progress);
    try (YearBackend backend = YearBackend.open(config, flushYears)) {
      int workers = Math.max(1, Math.min(config.workers(), chunks));
      long loopNanos;
      AtomicInteger next = new AtomicInteger();
      AtomicLong sliceNanos = new AtomicLong();
      // Runners (a DJL block, an ONNX Runtime session) are made before the clock starts, as the
      // model was before: the loop's time is the simulation's.
      List<ChunkRunner> runners = new ArrayList<>();
      try {
        for (int w = 0; w < workers; w++) {
          runners.add(backend.newRunner());
        }
        List<Runnable> work = new ArrayList<>();
        for (ChunkRunner runner : runners) {
          work.add(
              () -> {
                try {
                  for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    if (commits.stopped(c)) {
                      return;
                    }
                    int from = c * chunkSize;
                    int to = (int) Math.min(size, (long) from + chunkSize);
                    long sliceStart = System.nanoTime();
                    Population chunk = population.slice(from, to);
                    sliceNanos.addAndGet(System.nanoTime() - sliceStart);
                    ChunkJob job =
                        new ChunkJob(
                            c,
                            chunk.firmIds(),
                            chunk.values(),
                            alignedChunkSize(chunk.size()),
                            panel != null);
                    runner.run(job, commits.sink(c, chunk.firmIds()));
                  }
                } catch (Aborted e) {
                  // a chunk before this one failed: its failure is reported
                } catch (Throwable t) {
                  commits.fail(t);
                }
              });
        }
        long start = System.nanoTime();
        if (workers == 1) {
          work.get(0).run();
        } else {
          List<Thread> threads = new ArrayList<>();
          for (int w = 0; w < workers; w++) {
            Thread t = new Thread(work.get(w), "firmsim-worker-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
          }
          join(threads, commits);
        }
        // The loop's time, as before workers: without making the chunks' firms (a start-up
        // population is generated chunk by chunk), which the workers did side by side.
        loopNanos = System.nanoTime() - start - sliceNanos.get() / workers;
      } finally {
        for (ChunkRunner r : runners) {
          r.close();
        }
      }
      commits.rethrow();
      long stepped = (long) size * total;
      return new SimulationResult(config.startYear(), size, table, stepped, loopNanos / 1e9);
    }
  }

  private static void join(List<Thread> threads, Commits commits) {
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      commits.fail(e);
      for (Thread t : threads) {
        t.interrupt();
      }
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
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

  /** Thrown into a worker whose chunk's results are no longer wanted. */
  private static final class Aborted extends RuntimeException {
    Aborted() {
      super(null, null, false, false);
    }
  }

  /**
   * Commits the workers' results in chunk order: slot {@code w < windows} is flush window {@code w}
   * (years {@code w * flushYears ..}), slot {@code windows} the panel; chunk {@code c} commits a
   * slot once chunk {@code c - 1} has. A chunk is always taken by a worker after every chunk before
   * it, and no chunk waits for a later one, so this cannot deadlock.
   *
   * <p>Failures: a balance violation stops its chunk and every later one, while earlier chunks go
   * on (one of them may fail first in chunk order, as a single worker would have seen); any other
   * failure stops every worker.
   */
  private final class Commits {
    private final int[] nextChunk; // per slot, the chunk whose turn it is
    private final int panelSlot;
    private final AggregateTable table;
    private final TileLog log;
    private final PanelWriter panel;
    private final LongConsumer progress;
    private Throwable error;
    private BalanceViolationException violation;
    private int violationChunk = Integer.MAX_VALUE;

    Commits(
        int chunks,
        int windows,
        AggregateTable table,
        TileLog log,
        PanelWriter panel,
        LongConsumer p) {
      this.nextChunk = new int[windows + 1];
      this.panelSlot = windows;
      this.table = table;
      this.log = log;
      this.panel = panel;
      this.progress = p;
    }

    ChunkSink sink(int chunk, long[] ids) {
      return new ChunkSink() {
        @Override
        public void window(WindowResult w) {
          commitWindow(chunk, ids, w);
        }

        @Override
        public void panel(double[][] states, double[][] flows) {
          commitPanel(chunk, ids, states, flows);
        }

        @Override
        public void yearDone(int firms) {
          stepped(chunk, firms);
        }
      };
    }

    synchronized boolean stopped(int chunk) {
      return error != null || violationChunk < chunk;
    }

    synchronized void fail(Throwable t) {
      if (error == null) {
        error = t;
      }
      notifyAll();
    }

    synchronized void stepped(int chunk, int firms) {
      if (stopped(chunk)) {
        throw new Aborted();
      }
      if (progress != null) {
        progress.accept(firms);
      }
    }

    /** Waits for chunk {@code chunk}'s turn at {@code slot}. */
    private void await(int chunk, int slot) {
      while (nextChunk[slot] != chunk) {
        if (stopped(chunk)) {
          throw new Aborted();
        }
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Aborted();
        }
      }
      if (stopped(chunk)) {
        throw new Aborted();
      }
    }

    private void done(int slot) {
      nextChunk[slot]++;
      notifyAll();
    }

    /**
     * Checks the balance identity of each year of the window and adds its tile sums to the table,
     * tile after tile in firm order.
     */
    synchronized void commitWindow(int chunk, long[] ids, WindowResult w) {
      int slot = w.firstYear() / flushYears;
      await(chunk, slot);
      double tolerance = config.precision().tolerance();
      int burnIn = config.burnIn();
      for (int j = 0; j < w.years(); j++) {
        int k = w.firstYear() + j;
        double g = w.maxGap(j);
        if (!(g <= tolerance)) {
          violation =
              new BalanceViolationException(
                  ids[w.worstRow(j)], config.firstYear() + k, g, tolerance);
          violationChunk = chunk;
          notifyAll();
          throw new Aborted();
        }
        if (k >= burnIn) {
          table.ensureRows(k - burnIn + 1);
          table.maxGap(k - burnIn, g);
        }
      }
      int width = V + F;
      double[] sums = w.tileSums();
      int tiles = w.tiles();
      int years = w.reportedYears(width);
      for (int j = 0; j < years; j++) {
        int row = w.firstReported() + j - burnIn;
        for (int t = 0; t < tiles; t++) {
          table.add(row, sums, (j * tiles + t) * width);
        }
        if (log != null) {
          log.add(row, sums, j * tiles * width, tiles * width);
        }
      }
      done(slot);
    }

    synchronized void commitPanel(int chunk, long[] ids, double[][] states, double[][] flows) {
      await(chunk, panelSlot);
      writePanel(panel, ids, states, flows, config.years(), config.startYear());
      done(panelSlot);
    }

    /** After the workers: the first failure, in chunk order for balance violations. */
    synchronized void rethrow() {
      if (error instanceof RuntimeException) {
        throw (RuntimeException) error;
      }
      if (error instanceof Error) {
        throw (Error) error;
      }
      if (error != null) {
        throw new IllegalStateException("simulation failed: " + error, error);
      }
      if (violation != null) {
        throw violation;
      }
    }
  }

  private static void writePanel(
      PanelWriter panel,
      long[] ids,
      double[][] states,
      double[][] flows,
      int years,
      int startYear) {
    int n = ids.length;
    long[] rowIds = new long[years];
    int[] rowYears = new int[years];
    double[] st = new double[years * V];
    double[] fl = new double[years * F];
    try {
      for (int i = 0; i < n; i++) {
        for (int y = 0; y < years; y++) {
          rowIds[y] = ids[i];
          rowYears[y] = startYear + y;
          System.arraycopy(states[y], i * V, st, y * V, V);
          System.arraycopy(flows[y], i * F, fl, y * F, F);
        }
        panel.write(rowIds, rowYears, st, fl, years);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the panel: " + e.getMessage(), e);
    }
  }

  /** A part's tile sums per reported year, in the order the commits add them (firm order). */
  private static final class TileLog {
    private final int width;
    private final List<double[]> rows = new ArrayList<>();
    private final List<Integer> lengths = new ArrayList<>();

    TileLog(int width) {
      this.width = width;
    }

    void add(int row, double[] values, int from, int length) {
      while (rows.size() <= row) {
        rows.add(new double[Math.max(length, 1)]);
        lengths.add(0);
      }
      double[] r = rows.get(row);
      int used = lengths.get(row);
      if (used + length > r.length) {
        r = java.util.Arrays.copyOf(r, Math.max(used + length, r.length * 2));
        rows.set(row, r);
      }
      System.arraycopy(values, from, r, used, length);
      lengths.set(row, used + length);
    }

    PartialAggregates toPart(SimulationResult r) {
      int years = r.years();
      double[][] sums = new double[years][];
      double[] gaps = new double[years];
      for (int y = 0; y < years; y++) {
        sums[y] =
            y < rows.size() ? java.util.Arrays.copyOf(rows.get(y), lengths.get(y)) : new double[0];
        gaps[y] = r.maxBalanceGap(y);
      }
      return new PartialAggregates(
          r.startYear(), r.firms(), width, sums, gaps, r.firmYearsStepped(), r.loopSeconds());
    }
  }
}
