package io.firmsim.simulator.scenario.run;

import io.firmsim.models.step.FirmYearBlock;
import io.firmsim.simulator.backend.ChunkJob;
import io.firmsim.simulator.backend.ChunkRunner;
import io.firmsim.simulator.backend.ChunkSink;
import io.firmsim.simulator.backend.WindowResult;
import io.firmsim.simulator.backend.YearBackend;
import io.firmsim.simulator.engine.BalanceViolationException;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Runs a stress-scenario plan: the baseline and every scenario on the same start population with
 * the same draws (common random numbers), for R replicates, on the simulator's chunked loop and
 * backends.
 *
 * <p>Work: chunks of firms (whole tiles of {@link FirmYearBlock#TILE}) are taken by the workers in
 * firm order; a worker runs its chunk through every replicate and, within a replicate, through the
 * baseline and then each scenario, with the replicate's seed ({@link ScenarioSeeds#replicate}), the
 * variant's macro path and the variant's levers ({@link ShockAssignment}). A scenario whose shocks
 * all have magnitude zero therefore runs exactly the baseline's computation and gives its results
 * bit for bit. So K scenarios and R replicates cost (K + 1) R simulations.
 *
 * <p>Results: each chunk-year's panel (a chunk boundary: the only time results come to the host) is
 * reduced at once to weighted sums per tile of 512 firms, which are added to the run's totals in
 * one fixed order ({@link TileFold}: tiles into blocks of 64 in firm order, blocks into the total),
 * whatever the chunk size, worker count or completion order; the per-firm paired differences (each
 * firm's mean over replicates, in replicate order) go to a {@link FirmDifferencesSink} in firm
 * order. Memory is O(chunk x years) per worker plus O(slots x replicates x variants) for the
 * totals.
 *
 * <p>Scale-out: {@link #runPart} runs one range of firms (starting at a tile boundary) through the
 * same chunk loop and keeps its sums (folded as far as the order allows: whole blocks), ratios and
 * differences in a {@link ScenarioPart}; {@link #combine} continues the fold with the parts in firm
 * order exactly as {@link #run} folds, so ranges run on other machines give the single-machine
 * result bit for bit.
 *
 * <p>Recovery (per scenario, for the firms a shock hits, by measure): the first year from the
 * firm's last shocked year on in which its value is no more than {@code tolerance} times its
 * baseline value (at least 1 SEK) below its baseline value; its recovery time is that year minus
 * the last shocked year. Firms whose horizon is not observed within the run are counted only for
 * the horizons they can be observed at ({@link ScenarioAnalysis}).
 */
public final class ScenarioRunner {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final int TILE = FirmYearBlock.TILE;
  private static final int M = Measure.values().length;

  /** Stocks the model's clamps keep non-negative (MODEL.md section 4), checked every year. */
  private static final List<StateVariable> NON_NEGATIVE =
      List.of(
          StateVariable.CA,
          StateVariable.MA,
          StateVariable.BU,
          StateVariable.OFA,
          StateVariable.CL,
          StateVariable.LL,
          StateVariable.OUR,
          StateVariable.RR,
          StateVariable.ASD,
          StateVariable.CMA,
          StateVariable.OL,
          StateVariable.PF0,
          StateVariable.PF1,
          StateVariable.PF2,
          StateVariable.PF3,
          StateVariable.PF4,
          StateVariable.PF5);

  private final ScenarioPlan plan;
  private final ModelSpec model;
  private final Population population;
  private final double[] weights;
  private final List<List<MacroPath>> macros;
  private final Function<SimulationConfig, YearBackend> backends;

  /**
   * @param plan the run
   * @param model the model simulated
   * @param population the start population (its state at the end of the year before {@code
   *     plan.startYear()})
   * @param weights the firms' weights, one per firm, each finite and positive
   * @param macros per variant (in {@code plan.variants()} order), its macro paths: replicate {@code
   *     r} runs path {@code r mod size}; without the variant's {@code realr} shocks, which are
   *     added here
   */
  public ScenarioRunner(
      ScenarioPlan plan,
      ModelSpec model,
      Population population,
      double[] weights,
      List<List<MacroPath>> macros) {
    this(
        plan,
        model,
        population,
        weights,
        macros,
        config -> YearBackend.open(config, config.years()));
  }

  /** As the public constructor, with the backend made by {@code backends} (tests). */
  ScenarioRunner(
      ScenarioPlan plan,
      ModelSpec model,
      Population population,
      double[] weights,
      List<List<MacroPath>> macros,
      Function<SimulationConfig, YearBackend> backends) {
    this.backends = Objects.requireNonNull(backends, "backends");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.model = Objects.requireNonNull(model, "model");
    this.population = Objects.requireNonNull(population, "population");
    this.weights = weights.clone();
    if (weights.length != population.size()) {
      throw new IllegalArgumentException(
          weights.length + " weights for " + population.size() + " firms");
    }
    for (double w : weights) {
      if (!(w > 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException("weights must be finite and positive, found " + w);
      }
    }
    if (macros.size() != plan.variants().size()) {
      throw new IllegalArgumentException(
          macros.size() + " macro lists for " + plan.variants().size() + " variants");
    }
    this.macros = List.copyOf(macros);
  }

  /** The chunk size rounded up to whole tiles. */
  static int alignedChunkSize(int requested) {
    long tiles = Math.max(1, ((long) requested + TILE - 1) / TILE);
    return (int) Math.min(Integer.MAX_VALUE - TILE + 1, tiles * TILE);
  }

  /**
   * Runs the plan on the whole population.
   *
   * @param differences where the per-firm paired differences go, chunk after chunk in firm order
   *     while the run goes on
   * @param progress told the firm-years stepped, or null
   * @throws BalanceViolationException when a firm's balance identity fails beyond tolerance
   */
  public ScenarioResult run(FirmDifferencesSink differences, LongConsumer progress) {
    int n = population.size();
    int reps = plan.replicates();
    Setup setup = setup();
    int nv = setup.layouts.size();
    double[][][] totals = new double[reps][nv][];
    for (int r = 0; r < reps; r++) {
      for (int v = 0; v < nv; v++) {
        totals[r][v] = new double[setup.layouts.get(v).slots];
      }
    }
    double[][][] ratios = new double[nv][ScenarioAnalysis.RATIOS.size()][n];
    Commits commits = new Commits(reps, totals, differences);
    Loop loop = simulate(setup, 0, n, commits, ratios, progress);
    commits.finish();
    return new ScenarioResult(
        plan, n, totals, ratios, weights.clone(), loop.backend, loop.seconds, loop.firmYears);
  }

  /**
   * Runs the plan on firms {@code [fromFirm, toFirm)} of the population only, through every
   * replicate and variant, chunked and with workers as {@link #run} chunks the whole population,
   * for a process that runs the population range by range (a cluster executor): {@link #combine}
   * puts the parts of the whole population together into {@link #run}'s result. Every part must
   * come from a runner with the same plan, model, population, weights and macro paths (the shock
   * draws and size deciles are those of the whole population).
   *
   * @param fromFirm the first firm, a multiple of {@link FirmYearBlock#TILE}
   * @param toFirm one past the last firm, more than {@code fromFirm}, at most the population's size
   * @param progress told the firm-years stepped, or null
   * @throws IllegalArgumentException when the range is not such a range
   * @throws BalanceViolationException when a firm's balance identity fails beyond tolerance
   */
  public ScenarioPart runPart(int fromFirm, int toFirm, LongConsumer progress) {
    int n = population.size();
    if (fromFirm < 0 || fromFirm % TILE != 0 || toFirm <= fromFirm || toFirm > n) {
      throw new IllegalArgumentException(
          "a part is firms [from, to) with from a multiple of "
              + TILE
              + " and from < to <= "
              + n
              + " (the population's size), found ["
              + fromFirm
              + ", "
              + toFirm
              + ")");
    }
    Setup setup = setup();
    int nv = setup.layouts.size();
    int[] slots = new int[nv];
    for (int v = 0; v < nv; v++) {
      slots[v] = setup.layouts.get(v).slots;
    }
    Kept kept =
        new Kept(plan.replicates(), setup.chunks(toFirm - fromFirm), fromFirm / TILE, slots);
    double[][][] ratios = new double[nv][ScenarioAnalysis.RATIOS.size()][toFirm - fromFirm];
    Loop loop = simulate(setup, fromFirm, toFirm, kept, ratios, progress);
    return new ScenarioPart(
        fromFirm,
        toFirm,
        kept.folds,
        ratios,
        kept.differences,
        loop.firmYears,
        loop.seconds,
        loop.backend);
  }

  /**
   * Puts the parts of a plan's run ({@link #runPart}) together into the result that {@link #run}
   * gives for the whole population, bit for bit: each replicate's and variant's totals are the
   * parts' sums added in firm order, in the two-level order of {@link TileFold} that {@link #run}
   * follows; the ratios are the parts' firms' ratios; the per-firm differences go to {@code sink}
   * in firm order (the calls {@link #run} makes, cut where the parts' chunks were cut). Static, so
   * that a process that never simulated (a cluster driver) can call it.
   *
   * @param plan the plan the parts ran
   * @param firms the population's size
   * @param weights the firms' weights, one per firm (as the runners had them)
   * @param partsInFirmOrder parts that cover firms {@code [0, firms)} in order, without gap or
   *     overlap
   * @param sink where the per-firm paired differences go
   * @param backend the backend's description, for the result
   * @param loopSeconds the wall time of the simulations, for the result
   * @throws IllegalArgumentException when the parts do not tile the population or do not have the
   *     plan's shape
   */
  public static ScenarioResult combine(
      ScenarioPlan plan,
      int firms,
      double[] weights,
      List<ScenarioPart> partsInFirmOrder,
      FirmDifferencesSink sink,
      String backend,
      double loopSeconds) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(sink, "sink");
    List<ScenarioPart> parts = List.copyOf(partsInFirmOrder);
    if (weights.length != firms) {
      throw new IllegalArgumentException(weights.length + " weights for " + firms + " firms");
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no parts for " + firms + " firms");
    }
    int reps = plan.replicates();
    List<Variant> variants = plan.variants();
    int nv = variants.size();
    int[] slots = new int[nv];
    for (int v = 0; v < nv; v++) {
      slots[v] = new SlotLayout(variants.get(v), plan.years()).slots;
    }
    int expected = 0;
    for (ScenarioPart p : parts) {
      if (p.fromFirm() > expected) {
        throw new IllegalArgumentException(
            "the parts leave a gap: firms [" + expected + ", " + p.fromFirm() + ") are in none");
      }
      if (p.fromFirm() < expected) {
        throw new IllegalArgumentException(
            "the parts overlap: firms ["
                + p.fromFirm()
                + ", "
                + Math.min(expected, p.toFirm())
                + ") are in two parts (or the parts are not in firm order)");
      }
      checkShape(p, reps, slots);
      expected = p.toFirm();
    }
    if (expected != firms) {
      throw new IllegalArgumentException(
          "the parts end at firm " + expected + ", the population has " + firms + " firms");
    }
    double[][][] totals = new double[reps][nv][];
    for (int r = 0; r < reps; r++) {
      for (int v = 0; v < nv; v++) {
        totals[r][v] = new double[slots[v]];
        TileFold fold = new TileFold(totals[r][v]);
        for (ScenarioPart p : parts) {
          fold.add(p.folds()[r][v]);
        }
        fold.finish();
      }
    }
    double[][][] ratios = new double[nv][ScenarioAnalysis.RATIOS.size()][firms];
    long firmYears = 0;
    for (ScenarioPart p : parts) {
      for (int v = 0; v < nv; v++) {
        for (int q = 0; q < ratios[v].length; q++) {
          System.arraycopy(p.ratiosShared()[v][q], 0, ratios[v][q], p.fromFirm(), p.firms());
        }
      }
      firmYears += p.firmYears();
    }
    for (ScenarioPart p : parts) {
      p.feedDifferences(sink);
    }
    return new ScenarioResult(
        plan, firms, totals, ratios, weights.clone(), backend, loopSeconds, firmYears);
  }

  /** Refuses a part whose arrays do not have the plan's shape. */
  private static void checkShape(ScenarioPart p, int reps, int[] slots) {
    int tiles = (p.firms() + TILE - 1) / TILE;
    String where = "part [" + p.fromFirm() + ", " + p.toFirm() + ")";
    TileFold.Part[][] t = p.folds();
    if (t.length != reps) {
      throw new IllegalArgumentException(where + " has " + t.length + " replicates, not " + reps);
    }
    for (TileFold.Part[] rep : t) {
      if (rep.length != slots.length) {
        throw new IllegalArgumentException(
            where + " has " + rep.length + " variants, not " + slots.length);
      }
      for (int v = 0; v < slots.length; v++) {
        if (rep[v].tiles() != tiles || rep[v].firstTile != p.fromFirm() / TILE) {
          throw new IllegalArgumentException(
              where + " has " + rep[v].tiles() + " tiles from tile " + rep[v].firstTile);
        }
        if (rep[v].width() != slots[v]) {
          throw new IllegalArgumentException(
              where + " has " + rep[v].width() + " slots for variant " + v + ", not " + slots[v]);
        }
      }
    }
    double[][][] q = p.ratiosShared();
    if (q.length != slots.length) {
      throw new IllegalArgumentException(where + " has ratios of " + q.length + " variants");
    }
    for (double[][] byVariant : q) {
      if (byVariant.length != ScenarioAnalysis.RATIOS.size()) {
        throw new IllegalArgumentException(where + " has " + byVariant.length + " ratios");
      }
      for (double[] x : byVariant) {
        if (x.length != p.firms()) {
          throw new IllegalArgumentException(where + " has ratios of " + x.length + " firms");
        }
      }
    }
    int covered = 0;
    for (ChunkDifferences d : p.differences()) {
      if (d.variants() != slots.length) {
        throw new IllegalArgumentException(
            where + " has differences of " + d.variants() + " variants");
      }
      covered += d.firms();
    }
    if (covered != p.firms()) {
      throw new IllegalArgumentException(where + " has differences of " + covered + " firms");
    }
  }

  /** What every run of the plan shares: the shock assignments, slot layouts, paths and config. */
  private static final class Setup {
    final List<ShockAssignment> assignments;
    final List<SlotLayout> layouts;
    final MacroPath[][] paths; // [variant][replicate]
    final SimulationConfig config;
    final Integer requestedChunkSize;

    Setup(
        List<ShockAssignment> assignments,
        List<SlotLayout> layouts,
        MacroPath[][] paths,
        SimulationConfig config,
        Integer requestedChunkSize) {
      this.assignments = assignments;
      this.layouts = layouts;
      this.paths = paths;
      this.config = config;
      this.requestedChunkSize = requestedChunkSize;
    }

    /**
     * The chunk size for a range of {@code firms}: without a chunk size of its own, a run gives
     * every worker a chunk (results do not depend on the chunk size).
     */
    int chunkSize(int firms) {
      return requestedChunkSize != null
          ? alignedChunkSize(config.chunkSize())
          : Math.min(
              alignedChunkSize(config.chunkSize()),
              alignedChunkSize((firms + config.workers() - 1) / config.workers()));
    }

    /** The number of chunks of a range of {@code firms}. */
    int chunks(int firms) {
      return (firms + chunkSize(firms) - 1) / chunkSize(firms);
    }
  }

  private Setup setup() {
    List<Variant> variants = plan.variants();
    int nv = variants.size();
    int years = plan.years();
    int reps = plan.replicates();
    ScenarioSeeds seeds = new ScenarioSeeds(plan.seed());
    List<ShockAssignment> assignments = new ArrayList<>();
    List<SlotLayout> layouts = new ArrayList<>();
    for (Variant v : variants) {
      assignments.add(new ShockAssignment(v, population, weights, seeds, model.constants()));
      layouts.add(new SlotLayout(v, years));
    }
    // Per variant and replicate, the macro path with the variant's realr shocks.
    MacroPath[][] paths = new MacroPath[nv][reps];
    for (int v = 0; v < nv; v++) {
      List<MacroPath> list = macros.get(v);
      for (int r = 0; r < reps; r++) {
        paths[v][r] = withRealrShift(list.get(r % list.size()), assignments.get(v));
      }
    }
    SimulationConfig.Builder b =
        SimulationConfig.builder()
            .setModel(model)
            .setYears(years)
            .optStartYear(plan.startYear())
            .optSeed(plan.seed())
            .optMode(plan.run().mode())
            .optPrecision(plan.run().precision())
            .optBackend(plan.run().backend())
            .optWorkers(plan.run().workers())
            .optLevers(true)
            .optAligned(ScenarioAlignment.submodels(plan.alignment()));
    if (plan.run().chunkSize() != null) {
      b.optChunkSize(plan.run().chunkSize());
    }
    return new Setup(assignments, layouts, paths, b.build(), plan.run().chunkSize());
  }

  /** What a simulation loop reports. */
  private record Loop(String backend, double seconds, long firmYears) {}

  /**
   * The chunk loop of {@link #run} and {@link #runPart}: firms {@code [from, to)} in chunks, taken
   * by the workers in firm order, each run through every replicate and variant and handed to {@code
   * results}; the ratios go to {@code ratios[v][q][firm - from]}.
   */
  private Loop simulate(
      Setup setup,
      int from,
      int to,
      ChunkResults results,
      double[][][] ratios,
      LongConsumer progress) {
    SimulationConfig config = setup.config;
    int chunkSize = setup.chunkSize(to - from);
    int chunks = setup.chunks(to - from);
    AtomicInteger next = new AtomicInteger();
    AtomicLong firmYears = new AtomicLong();
    long start = System.nanoTime();
    String description;
    try (YearBackend backend = backends.apply(config)) {
      description = backend.description();
      int workers = Math.max(1, Math.min(config.workers(), chunks));
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          futures.add(
              pool.submit(
                  () -> {
                    try (ChunkRunner runner = backend.newRunner()) {
                      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                        int first = from + c * chunkSize;
                        int last = Math.min(to, first + chunkSize);
                        new ChunkTask(
                                c, first, last, from, runner, setup, results, ratios, progress,
                                firmYears)
                            .run();
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          try {
            f.get();
          } catch (ExecutionException e) {
            next.set(chunks); // the other workers stop after their chunk
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
              throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
              throw (Error) cause;
            }
            throw new IllegalStateException(cause);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Loop(description, seconds, firmYears.get());
  }

  private MacroPath withRealrShift(MacroPath path, ShockAssignment a) {
    int first = plan.startYear();
    int years = plan.years();
    boolean any = false;
    double[] dgnp = new double[years];
    double[] realr = new double[years];
    for (int k = 0; k < years; k++) {
      int year = first + k;
      dgnp[k] = path.dgnp(year);
      double shift = a.realrShift(year);
      any |= shift != 0;
      realr[k] = path.realr(year) + shift;
    }
    return any ? new MacroPath(first, dgnp, realr) : path;
  }

  /** One chunk through every replicate and variant, reduced to weighted tile sums. */
  private final class ChunkTask {
    final int chunk;
    final int from;
    final int to;
    final int ratioFrom; // the firm at index 0 of ratios' rows
    final ChunkRunner runner;
    final List<ShockAssignment> assignments;
    final List<SlotLayout> layouts;
    final MacroPath[][] paths;
    final ChunkResults results;
    final double[][][] ratios;
    final LongConsumer progress;
    final AtomicLong firmYears;

    ChunkTask(
        int chunk,
        int from,
        int to,
        int ratioFrom,
        ChunkRunner runner,
        Setup setup,
        ChunkResults results,
        double[][][] ratios,
        LongConsumer progress,
        AtomicLong firmYears) {
      this.chunk = chunk;
      this.from = from;
      this.to = to;
      this.ratioFrom = ratioFrom;
      this.runner = runner;
      this.assignments = setup.assignments;
      this.layouts = setup.layouts;
      this.paths = setup.paths;
      this.results = results;
      this.ratios = ratios;
      this.progress = progress;
      this.firmYears = firmYears;
    }

    void run() {
      int n = to - from;
      int years = plan.years();
      int reps = plan.replicates();
      int nv = layouts.size();
      int endYear = plan.endYear();
      Population slice = population.slice(from, to);
      ChunkJob base =
          ScenarioAlignment.attach(
              new ChunkJob(
                  chunk,
                  slice.firmIds(),
                  slice.values(),
                  alignedChunkSize(n), /* keepPanel */
                  true),
              plan.alignment(),
              weights,
              from,
              to);
      int tilesHere = (n + TILE - 1) / TILE;
      // Which firms each scenario's groups hit, and where their windows end.
      int[][][] groupEnd =
          new int[nv][][]; // [v][group][firm]: last shocked year, or MIN if not hit
      for (int v = 1; v < nv; v++) {
        SlotLayout l = layouts.get(v);
        ShockAssignment a = assignments.get(v);
        groupEnd[v] = new int[l.groups.size()][n];
        for (int g = 0; g < l.groups.size(); g++) {
          java.util.Arrays.fill(groupEnd[v][g], Integer.MIN_VALUE);
          for (int j = 0; j < a.shocks().size(); j++) {
            Shock s = a.shocks().get(j);
            if (!l.groupKinds.get(g).contains(s.kind())) {
              continue;
            }
            for (int i = 0; i < n; i++) {
              if (a.hit(j, from + i)) {
                groupEnd[v][g][i] = Math.max(groupEnd[v][g][i], s.endYear());
              }
            }
          }
        }
      }
      boolean all = plan.firmDifferences() == ScenarioPlan.FirmDifferences.ALL;
      boolean none = plan.firmDifferences() == ScenarioPlan.FirmDifferences.NONE;
      int diffYears = none ? 0 : all ? years : 1;
      double[][][] diffSums = new double[nv][diffYears][n * M];
      double[][][] baseline = null; // [measure][year][firm] of the replicate's baseline
      boolean[][] baselineDistress = null; // [firm] in the last year
      for (int r = 0; r < reps; r++) {
        long seed = ScenarioSeeds.replicate(plan.seed(), r);
        double[][][] slots = new double[nv][tilesHere][];
        for (int v = 0; v < nv; v++) {
          SlotLayout l = layouts.get(v);
          for (int t = 0; t < tilesHere; t++) {
            slots[v][t] = new double[l.slots];
          }
          ChunkJob job = base.asVariant(seed, paths[v][r], assignments.get(v).schedule(from, to));
          Collect collect = new Collect(slice);
          runner.run(job, collect);
          firmYears.addAndGet((long) n * years);
          double[][] st = collect.states;
          double[][] fl = collect.flows;
          // Aggregates, tile by tile in firm order.
          for (int k = 0; k < years; k++) {
            for (int i = 0; i < n; i++) {
              double[] tile = slots[v][i / TILE];
              double w = weights[from + i];
              int o = l.aggregate(k, 0);
              tile[o] += w;
              tile[o + 1] += w * Measure.equity(st[k], i);
              tile[o + 2] += w * Measure.totalAssets(st[k], i);
              tile[o + 3] += Measure.distressed(st[k], i) ? w : 0;
              for (int c = 0; c < V; c++) {
                tile[o + 4 + c] += w * st[k][i * V + c];
              }
              for (int c = 0; c < F; c++) {
                tile[o + 4 + V + c] += w * fl[k][i * F + c];
              }
            }
          }
          if (r == 0) {
            double[] last = st[years - 1];
            double[] lastFlows = fl[years - 1];
            for (int i = 0; i < n; i++) {
              double[] x = ScenarioAnalysis.ratios(last, lastFlows, i);
              for (int q = 0; q < x.length; q++) {
                ratios[v][q][from - ratioFrom + i] = x[q];
              }
            }
          }
          if (v == 0) {
            baseline = new double[M][years][n];
            baselineDistress = new boolean[1][n];
            for (int k = 0; k < years; k++) {
              for (int i = 0; i < n; i++) {
                for (Measure m : Measure.values()) {
                  baseline[m.ordinal()][k][i] = m.of(st[k], fl[k], i);
                }
              }
            }
            for (int i = 0; i < n; i++) {
              baselineDistress[0][i] = Measure.distressed(st[years - 1], i);
            }
            continue;
          }
          // Paired differences against this replicate's baseline.
          for (int d = 0; d < diffYears; d++) {
            int k = all ? d : years - 1;
            for (int i = 0; i < n; i++) {
              for (Measure m : Measure.values()) {
                diffSums[v][d][i * M + m.ordinal()] +=
                    m.of(st[k], fl[k], i) - baseline[m.ordinal()][k][i];
              }
            }
          }
          // Recovery by group.
          for (int g = 0; g < l.groups.size(); g++) {
            for (int i = 0; i < n; i++) {
              int end = groupEnd[v][g][i];
              if (end == Integer.MIN_VALUE) {
                continue;
              }
              double w = weights[from + i];
              double[] tile = slots[v][i / TILE];
              tile[l.hit(g)] += w;
              tile[l.distressed(g)] += Measure.distressed(st[years - 1], i) ? w : 0;
              tile[l.baselineDistressed(g)] += baselineDistress[0][i] ? w : 0;
              int firstK = end - plan.startYear();
              int observed = endYear - end;
              for (Measure m : Measure.values()) {
                int tau = years;
                for (int k = Math.max(0, firstK); k < years; k++) {
                  double tolerance =
                      plan.recovery().tolerance()
                          * Math.max(1, Math.abs(baseline[m.ordinal()][k][i]));
                  if (m.of(st[k], fl[k], i) >= baseline[m.ordinal()][k][i] - tolerance) {
                    tau = k - firstK;
                    break;
                  }
                }
                tile[l.histogram(g, m, tau, observed)] += w;
              }
            }
          }
        }
        results.replicate(r, chunk, slots);
        if (progress != null) {
          progress.accept((long) n * years * nv);
        }
      }
      // Each firm's mean difference over the replicates, in firm order.
      boolean[][] hitAny = new boolean[nv][n];
      for (int v = 1; v < nv; v++) {
        ShockAssignment a = assignments.get(v);
        for (int j = 0; j < a.shocks().size(); j++) {
          for (int i = 0; i < n; i++) {
            hitAny[v][i] |= a.hit(j, from + i);
          }
        }
        for (double[] d : diffSums[v]) {
          for (int i = 0; i < d.length; i++) {
            d[i] /= reps;
          }
        }
      }
      int[] yearsOut = new int[diffYears];
      for (int d = 0; d < diffYears; d++) {
        yearsOut[d] = all ? plan.startYear() + d : plan.endYear();
      }
      double[] w = java.util.Arrays.copyOfRange(weights, from, to);
      results.differences(
          chunk, new ChunkDifferences(slice.firmIds(), w, hitAny, yearsOut, diffSums));
    }
  }

  /** Collects one chunk run's panel; checks the balance identity of each window. */
  private final class Collect implements ChunkSink {
    final Population slice;
    double[][] states;
    double[][] flows;

    Collect(Population slice) {
      this.slice = slice;
    }

    @Override
    public void window(WindowResult w) {
      double tolerance = plan.run().precision().tolerance();
      for (int j = 0; j < w.years(); j++) {
        double g = w.maxGap(j);
        if (!(g <= tolerance)) {
          throw new BalanceViolationException(
              slice.firmId(w.worstRow(j)), plan.startYear() + w.firstYear() + j, g, tolerance);
        }
      }
    }

    @Override
    public void panel(double[][] states, double[][] flows) {
      double tolerance = plan.run().precision().tolerance();
      for (int k = 0; k < states.length; k++) {
        double[] s = states[k];
        for (int i = 0; i < slice.size(); i++) {
          double scale = Math.max(1, Measure.totalAssets(s, i));
          for (StateVariable v : NON_NEGATIVE) {
            double x = s[i * V + v.index()];
            if (!(x >= -tolerance * scale)) {
              throw new IllegalStateException(
                  "clamp broken: firm "
                      + slice.firmId(i)
                      + " has "
                      + v
                      + " = "
                      + x
                      + " at the end of "
                      + (plan.startYear() + k)
                      + " (a stock that must not be negative; total assets "
                      + scale
                      + ")");
            }
          }
        }
      }
      this.states = states;
      this.flows = flows;
    }

    @Override
    public void yearDone(int firms) {}
  }

  /** Where the chunk loop hands each chunk's results; called from the workers in any order. */
  private interface ChunkResults {
    /** Chunk {@code chunk}'s tile sums of replicate {@code r}: {@code [variant][tile][slot]}. */
    void replicate(int r, int chunk, double[][][] slots);

    /** Chunk {@code chunk}'s per-firm paired differences, after its last replicate. */
    void differences(int chunk, ChunkDifferences differences);
  }

  /**
   * Adds the chunks' tile sums to the totals in firm order, replicate by replicate, and hands the
   * per-firm differences to the sink in firm order, whatever order the chunks finish in.
   */
  private static final class Commits implements ChunkResults {
    final TileFold[][] folds; // [replicate][variant]
    final FirmDifferencesSink sink;
    final int[] nextTiles; // per replicate, the chunk whose tile sums are due
    final List<Map<Integer, double[][][]>> pendingTiles = new ArrayList<>();
    int nextDifferences;
    final Map<Integer, ChunkDifferences> pendingDifferences = new HashMap<>();

    Commits(int reps, double[][][] totals, FirmDifferencesSink sink) {
      this.folds = new TileFold[reps][];
      for (int r = 0; r < reps; r++) {
        folds[r] = new TileFold[totals[r].length];
        for (int v = 0; v < totals[r].length; v++) {
          folds[r][v] = new TileFold(totals[r][v]);
        }
      }
      this.sink = sink;
      this.nextTiles = new int[reps];
      for (int r = 0; r < reps; r++) {
        pendingTiles.add(new HashMap<>());
      }
    }

    @Override
    public synchronized void replicate(int r, int chunk, double[][][] slots) {
      pendingTiles.get(r).put(chunk, slots);
      for (double[][][] s = pendingTiles.get(r).remove(nextTiles[r]);
          s != null;
          s = pendingTiles.get(r).remove(nextTiles[r])) {
        for (int v = 0; v < s.length; v++) {
          for (double[] tile : s[v]) {
            folds[r][v].add(tile);
          }
        }
        nextTiles[r]++;
      }
    }

    /** Adds the last partial blocks, once every chunk is in. */
    void finish() {
      for (TileFold[] byVariant : folds) {
        for (TileFold f : byVariant) {
          f.finish();
        }
      }
    }

    @Override
    public synchronized void differences(int chunk, ChunkDifferences differences) {
      pendingDifferences.put(chunk, differences);
      for (ChunkDifferences d = pendingDifferences.remove(nextDifferences);
          d != null;
          d = pendingDifferences.remove(nextDifferences)) {
        d.feed(sink, false);
        nextDifferences++;
      }
    }
  }

  /**
   * Keeps a range's results for a {@link ScenarioPart}: its tile sums folded, in firm order, into
   * the range's contribution to each replicate's and variant's total ({@link TileFold.Part}: whole
   * blocks as one sum each), and every chunk's differences.
   */
  private static final class Kept implements ChunkResults {
    final TileFold.Part[][] folds; // [replicate][variant]
    final ChunkDifferences[] differences; // [chunk]
    final int[] nextChunk; // per replicate, the chunk whose tile sums are due
    final List<Map<Integer, double[][][]>> pending = new ArrayList<>();

    Kept(int reps, int chunks, long firstTile, int[] slots) {
      this.folds = new TileFold.Part[reps][slots.length];
      for (int r = 0; r < reps; r++) {
        for (int v = 0; v < slots.length; v++) {
          folds[r][v] = new TileFold.Part(firstTile, slots[v]);
        }
        pending.add(new HashMap<>());
      }
      this.differences = new ChunkDifferences[chunks];
      this.nextChunk = new int[reps];
    }

    @Override
    public synchronized void replicate(int r, int chunk, double[][][] s) {
      pending.get(r).put(chunk, s);
      for (double[][][] next = pending.get(r).remove(nextChunk[r]);
          next != null;
          next = pending.get(r).remove(nextChunk[r])) {
        for (int v = 0; v < next.length; v++) {
          for (double[] tile : next[v]) {
            folds[r][v].add(tile);
          }
        }
        nextChunk[r]++;
      }
    }

    @Override
    public synchronized void differences(int chunk, ChunkDifferences d) {
      differences[chunk] = d;
    }
  }
}
