package io.firmsim.simulator.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.backend.Threading;
import io.firmsim.simulator.bands.AggregateBands;
import io.firmsim.simulator.cluster.ClusterJob;
import io.firmsim.simulator.cluster.ClusterOutcome;
import io.firmsim.simulator.cluster.ClusterRunner;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.simulator.macro.MacroPathSet;
import io.firmsim.simulator.model.ModelSource;
import io.firmsim.simulator.model.ResolvedModel;
import io.firmsim.simulator.output.AggregatesCsvWriter;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.simulator.output.OutputWriteException;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationCsvReader;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code firmsim simulate}: rolls a population of firms forward and writes the results. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Simulates a population of firms year by year with the Shahnazarian (2004) model.",
      "Writes DIR/aggregates.csv and, if asked, DIR/panel.csv or DIR/panel.parquet; the last line "
          + "reports the loop's speed.",
      "With --macro-paths: DIR/paths/NAME/aggregates.csv per macro path and "
          + "DIR/aggregates-bands.csv (mean, 5/50/95% quantiles across paths)."
    })
public final class SimulateCommand implements Callable<Integer> {
  /** Stepped firm-years from which a progress bar is shown. */
  private static final long PROGRESS_FROM = 2_000_000L;

  /**
   * Most simulated years (reported plus burn-in): the per-year aggregates are held in memory, and
   * no question about firms needs more than a few hundred years.
   */
  static final int MAX_SIMULATED_YEARS = 10_000;

  /** Most firms: population indexes are {@code int}, with room for a chunk beyond the last firm. */
  static final int MAX_FIRMS = 2_000_000_000;

  /**
   * Largest chunk: a chunk's state and flows live on the device and on the host at once (about 0.5
   * KB per firm in float64, more with a panel, for every year of the chunk).
   */
  static final int MAX_CHUNK_SIZE = 1 << 22;

  /** Largest first reported year in magnitude, so that every year number is far from overflow. */
  static final int MAX_START_YEAR = 1_000_000;

  /**
   * Most firm-years stepped (firms times simulated years): beyond it a run takes weeks at the
   * measured speed (docs/BENCHMARKS.md), so it is more likely a typo than a plan.
   */
  static final long MAX_FIRM_YEARS = 1_000_000_000_000L;

  /** Opens the panel writer; a test replaces it to inject an I/O failure (a full disk). */
  interface PanelOpener {
    PanelWriter open(PanelFormat format, Path file, boolean float32) throws IOException;
  }

  PanelOpener panelOpener = PanelWriter::open;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--firms",
      description = "Start-up firms to generate (default: ${DEFAULT-VALUE}).")
  Integer firms;

  @Option(
      names = "--market-firms",
      paramLabel = "N",
      description =
          "Firms a market holds, for generated firms' marketw = (K / mean K) / N "
              + "(default: 4000).")
  Integer marketFirms;

  @Option(
      names = "--years",
      defaultValue = "10",
      description = "Years to report (default: ${DEFAULT-VALUE}).")
  int years;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--mode",
      defaultValue = "sample",
      description = "sample (random draws) or mean (expected values) (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--dtype",
      defaultValue = "float64",
      description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--population",
      paramLabel = "FILE.csv",
      description = "Population to start from (firm_id and the state columns), instead of --firms.")
  Path population;

  @Option(
      names = "--population-year",
      paramLabel = "YEAR",
      description = "When --population is a panel holding several years: the year to start from.")
  Integer populationYear;

  @Option(
      names = "--burn-in",
      paramLabel = "YEARS",
      description =
          "Years simulated and discarded before the reported ones (default: 5 for "
              + "generated firms, 0 for --population).")
  Integer burnIn;

  @Option(
      names = "--start-year",
      defaultValue = "1",
      description = "Number of the first reported year (default: ${DEFAULT-VALUE}).")
  int startYear;

  @Option(
      names = "--macro",
      paramLabel = "FILE.csv",
      description = "Macro path: year,dgnp,realr (default: zeros).")
  Path macro;

  @Option(
      names = "--macro-paths",
      paramLabel = "PATHS",
      description =
          "Folder of macro paths (every *.csv in the --macro format, by name): the same "
              + "population and draws under each; writes (--out) DIR/paths/NAME/aggregates.csv and "
              + "DIR/aggregates-bands.csv (mean, type-7 5/50/95% quantiles across paths).")
  Path macroPaths;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "A model file (FILE.json), an artifact folder, or a repository model NAME or "
              + "NAME/VERSION (default: the embedded paper model).")
  String model;

  @Option(
      names = "--models-dir",
      paramLabel = "DIR",
      description = "Model repository (default: $FIRMSIM_MODELS, else ~/.firmsim/models).")
  Path modelsDir;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
  Path out;

  @Option(
      names = "--overwrite",
      description =
          "Replace DIR if it holds a previous firmsim output (as a whole: nothing of it is kept). "
              + "Without it, an existing non-empty DIR is refused.")
  boolean overwrite;

  @Option(
      names = "--panel",
      defaultValue = "none",
      description = "Per-firm panel: csv, parquet or none (default: ${DEFAULT-VALUE}).")
  String panel;

  @Option(
      names = "--chunk-size",
      paramLabel = "FIRMS",
      description =
          "Firms per device batch, rounded up to a multiple of 512 (default on CPU: djl "
              + "32768, onnx 8192 in float32 and 4096 in float64; on a GPU 131072 in float32, "
              + "65536 in float64; with a panel, smaller so that the workers' chunks fit in "
              + "memory). Results do not depend on it.")
  Integer chunkSize;

  @Option(
      names = "--backend",
      defaultValue = "djl",
      description =
          "djl (DJL's PyTorch engine, eager) or onnx (the exported year graph in ONNX Runtime) "
              + "(default: ${DEFAULT-VALUE}). Results agree within the float tolerance.")
  String backend;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Chunks simulated at once, each by its own thread (default: one per core on "
              + "CPU, 1 on a GPU). Results do not depend on it.")
  Integer workers;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "CPU threads of the tensor engine per worker (default: the cores divided among "
              + "the workers). Results do not depend on it.")
  Integer threads;

  @Option(
      names = "--spark",
      paramLabel = "MASTER",
      description =
          "Run on Apache Spark, split by firm ranges: local[N] (this machine, N cores), "
              + "spark://HOST:PORT, yarn, k8s://..., or 'submit' under spark-submit. Same panel "
              + "and aggregates as without it (docs/SCALE_OUT.md); --out may then be any Hadoop "
              + "path (hdfs://, s3a://) and --panel is parquet or none.")
  String spark;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description =
          "With --spark: about N firm ranges (tasks), each whole chunks or tiles of 512 firms "
              + "(default: twice Spark's default parallelism).")
  Integer partitions;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Instant started = Instant.now();
    ForwardMode forwardMode = parse(ForwardMode.class, "--mode", mode, "sample|mean");
    Precision precision = parsePrecision();
    DeviceChoice deviceChoice = parse(DeviceChoice.class, "--device", device, "auto|cpu|gpu");
    Backend backendChoice = parse(Backend.class, "--backend", backend, "djl|onnx");
    String panelText = panel.toLowerCase(Locale.ROOT);
    if (!panelText.equals("none") && !panelText.equals("csv") && !panelText.equals("parquet")) {
      throw new BadInputException("--panel must be csv, parquet or none, found '" + panel + "'");
    }
    if (macro != null && macroPaths != null) {
      throw new BadInputException("give either --macro or --macro-paths, not both");
    }
    if (macroPaths != null && !panelText.equals("none")) {
      throw new BadInputException(
          "--panel is not available with --macro-paths (one panel per path): run --macro FILE"
              + " with the same --seed for the panel of one path");
    }
    if (firms != null && population != null) {
      throw new BadInputException("give either --firms or --population, not both");
    }
    checkSizes();
    if (marketFirms != null && (marketFirms < 1 || population != null)) {
      throw new BadInputException(
          population != null
              ? "--market-firms applies to generated firms, not to --population"
              : "--market-firms must be at least 1, found " + marketFirms);
    }
    if (populationYear != null && population == null) {
      throw new BadInputException("--population-year needs --population");
    }
    ClusterRunner cluster = null;
    if (spark != null) {
      if (panelText.equals("csv")) {
        throw new BadInputException(
            "--panel csv is not available with --spark: use --panel parquet (one file per year"
                + " and range, docs/SCALE_OUT.md)");
      }
      if (macroPaths != null) {
        throw new BadInputException("--macro-paths is not available with --spark");
      }
      if (partitions != null && partitions < 1) {
        throw new BadInputException("--partitions must be at least 1, found " + partitions);
      }
      cluster = ClusterRunner.require();
    } else if (partitions != null) {
      throw new BadInputException("--partitions needs --spark");
    }
    // Before any work: a run must not end, hours later, unable to write its result.
    if (cluster == null) {
      OutputDirectory.check(out, overwrite);
    }
    // Read by DJL's PyTorch engine when it loads, which happens after this point; the intra-op
    // threads per worker are set when the simulation starts, once the device is known.
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    if (threads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
    }

    ResolvedModel resolvedModel = ModelSource.resolve(model, modelsDir);
    ModelSpec spec = resolvedModel.spec();
    PopulationSource source;
    int burn;
    if (population != null && clusterReadsPopulation()) {
      source = null; // the cluster runner reads it
      burn = burnIn == null ? 0 : burnIn;
    } else if (population != null) {
      // a float64 run needs the identity to float64 rounding: re-balance rows within the file
      // tolerance (a float32 panel, say); a float32 run continues from the values as written
      Population read =
          PopulationCsvReader.read(population, populationYear, precision == Precision.FLOAT64);
      if (read.rebalanced() > 0) {
        spec()
            .commandLine()
            .getOut()
            .println(
                "re-balanced "
                    + read.rebalanced()
                    + " of "
                    + read.size()
                    + " firms of "
                    + population
                    + ": balance-identity gap within the file tolerance moved into URE");
      }
      source = PopulationSource.of(read);
      burn = burnIn == null ? 0 : burnIn;
    } else {
      source =
          new StartupPopulation(
              seed,
              firms == null ? 1000 : firms,
              spec.constants(),
              marketFirms == null ? StartupPopulation.DEFAULT_MARKET_FIRMS : marketFirms);
      burn = burnIn == null ? 5 : burnIn;
    }
    long stepped = source == null ? 0 : checkFirmYears(source.size(), years + burn);
    MacroPath macroPath =
        macro == null ? MacroPath.zeros() : MacroPathReader.read(macro, startYear, years);
    MacroPathSet pathSet =
        macroPaths == null ? null : MacroPathSet.read(macroPaths, startYear, years);
    Device resolvedDevice = resolve(deviceChoice);
    Threading threading = Threading.choose(backendChoice, workers, threads, resolvedDevice.isGpu());
    int chunk =
        chunkSize != null
            ? chunkSize
            : defaultChunkSize(
                SimulationConfig.defaultChunkSize(backendChoice, precision, resolvedDevice.isGpu()),
                !panelText.equals("none"),
                years + burn,
                threading.workers());
    SimulationConfig.Builder configBuilder =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(years)
            .optMode(forwardMode)
            .optPrecision(precision)
            .optDevice(deviceChoice)
            .optBurnIn(burn)
            .optStartYear(startYear)
            .optSeed(seed)
            .optMacro(macroPath)
            .optChunkSize(chunk)
            .optBackend(backendChoice)
            .optWorkers(threading.workers())
            .optThreads(threading.threads());
    SimulationConfig config = configBuilder.build();
    RunRecord record =
        new RunRecord(commandLine(), started)
            .settings(seed, forwardMode, precision, deviceChoice, resolvedDevice)
            .backend(backendChoice.optionName(), threading.workers(), threading.threads())
            .sizes(source == null ? 0 : source.size(), years, burn, startYear, chunk, panelText)
            .inputs(
                resolvedModel.jsonFile().orElse(null),
                source == null ? null : population,
                populationYear,
                macro);
    resolvedModel.recordEntry().ifPresent(record::model);
    if (pathSet != null) {
      record.macroPaths(pathSet);
      long[] total = runPaths(configBuilder, pathSet, source, record, stepped);
      PrintWriter o = spec().commandLine().getOut();
      double seconds = total[1] / 1e9;
      o.printf(
          Locale.ROOT,
          "simulated %d firm-years under %d macro paths in %.3f s (%.0f firm-years/s)%n",
          total[0],
          pathSet.size(),
          seconds,
          total[0] / seconds);
      o.flush();
      return 0;
    }

    if (cluster != null) {
      return runOnCluster(cluster, config, source, record, panelText);
    }
    SimulationResult result;
    try (OutputDirectory dir = OutputDirectory.begin(out, overwrite, "simulate")) {
      String writing = "";
      try {
        PanelWriter panelWriter = null;
        if (panelText.equals("csv")) {
          writing = "panel.csv";
          panelWriter = panelOpener.open(PanelFormat.CSV, dir.file(writing), isFloat32(precision));
        } else if (panelText.equals("parquet")) {
          writing = "panel.parquet";
          panelWriter =
              panelOpener.open(PanelFormat.PARQUET, dir.file(writing), isFloat32(precision));
        }
        try (PanelWriter w = panelWriter;
            ProgressBar bar = progressBar(stepped)) {
          LongConsumer progress = bar == null ? null : bar::stepBy;
          result = new Simulator(config).run(source, w, progress);
        }
        writing = "aggregates.csv";
        AggregatesCsvWriter.write(dir.file(writing), result);
        writing = RunRecord.FILE;
        record.finish(result, Instant.now()).write(dir.file(writing));
        writing = "";
        dir.commit();
      } catch (IOException e) {
        throw new OutputWriteException(dir.target().resolve(writing), e);
      } catch (UncheckedIOException e) {
        // The simulator reports a failed panel write this way.
        throw new OutputWriteException(dir.target().resolve(writing), e.getCause());
      }
    }
    PrintWriter o = spec().commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "simulated %d firm-years in %.3f s (%.0f firm-years/s)%n",
        result.firmYearsStepped(),
        result.loopSeconds(),
        result.firmYearsPerSecond());
    o.flush();
    return 0;
  }

  /**
   * {@code --spark}: the same run split by firm ranges on a cluster ({@link ClusterRunner}), whose
   * output folder holds the panel parts and the same aggregates.csv and run.json.
   */
  private int runOnCluster(
      ClusterRunner cluster,
      SimulationConfig config,
      PopulationSource source,
      RunRecord record,
      String panelText)
      throws IOException {
    String master = spark.equals("submit") ? null : spark;
    // The text as given: a Path would fold hdfs://host/... into hdfs:/host/...
    String outText = rawValue("--out");
    ClusterJob job =
        new ClusterJob(
            master,
            config,
            source instanceof StartupPopulation ? (StartupPopulation) source : null,
            source instanceof StartupPopulation || source == null
                ? null
                : source.slice(0, source.size()),
            source == null
                ? new ClusterJob.PopulationFile(rawValue("--population"), populationYear)
                : null,
            panelText.equals("parquet"),
            outText.isEmpty() ? out.toString() : outText,
            overwrite,
            partitions,
            (result, facts, folder) -> {
              AggregatesCsvWriter.write(folder.resolve("aggregates.csv"), result);
              if (source == null) {
                record.clusterPopulation(rawValue("--population"), populationYear, result.firms());
              }
              record
                  .cluster(facts)
                  .finish(result.firmYearsStepped(), facts.wallSeconds(), Instant.now())
                  .write(folder.resolve(RunRecord.FILE));
            });
    ClusterOutcome outcome = cluster.simulate(job);
    PrintWriter o = spec().commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "simulated %d firm-years on %s in %d ranges in %.3f s (%.0f firm-years/s) into %s%n",
        outcome.result().firmYearsStepped(),
        outcome.facts().master(),
        outcome.facts().partitions(),
        outcome.facts().wallSeconds(),
        outcome.result().firmYearsStepped() / outcome.facts().wallSeconds(),
        outcome.out());
    o.flush();
    return 0;
  }

  /** An option's text as given ("" when not given): a Path folds hdfs://host/... into hdfs:/... */
  private String rawValue(String option) {
    CommandLine.ParseResult parsed = spec().commandLine().getParseResult();
    return parsed != null && parsed.hasMatchedOption(option)
        ? parsed.matchedOption(option).stringValues().get(0)
        : "";
  }

  /**
   * Whether {@code --population} is for the cluster runner to read: a URI of another file system
   * than the local one (hdfs://, s3a://, ...), or Parquet.
   */
  private boolean clusterReadsPopulation() {
    String text = rawValue("--population");
    return spark != null
        && (text.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*") && !text.startsWith("file:")
            || text.endsWith(".parquet")
            || java.nio.file.Files.isDirectory(population));
  }

  /**
   * Simulates {@code source} under every path of {@code pathSet} with the settings of {@code
   * config} otherwise unchanged (same seed: the same firm draws), writes each path's aggregates,
   * the bands across paths and the run record into one staged output folder, and commits it.
   *
   * @return the firm-years stepped and the loop's nanoseconds, summed over the paths
   */
  private long[] runPaths(
      SimulationConfig.Builder config,
      MacroPathSet pathSet,
      PopulationSource source,
      RunRecord record,
      long steppedPerPath)
      throws IOException {
    long firmYears = 0;
    double loopSeconds = 0;
    try (OutputDirectory dir = OutputDirectory.begin(out, overwrite, "simulate")) {
      String writing = "";
      try {
        List<SimulationResult> results = new ArrayList<>();
        try (ProgressBar bar = progressBar(steppedPerPath * pathSet.size())) {
          LongConsumer progress = bar == null ? null : bar::stepBy;
          for (MacroPathSet.Entry e : pathSet.entries()) {
            SimulationConfig pathConfig = config.optMacro(e.path()).build();
            SimulationResult r = new Simulator(pathConfig).run(source, null, progress);
            writing = "paths/" + e.name() + "/aggregates.csv";
            Files.createDirectories(dir.file("paths/" + e.name()));
            AggregatesCsvWriter.write(dir.file(writing), r);
            firmYears += r.firmYearsStepped();
            loopSeconds += r.loopSeconds();
            results.add(r);
          }
        }
        writing = AggregateBands.FILE;
        AggregateBands.of(results).write(dir.file(writing));
        writing = RunRecord.FILE;
        record.finish(firmYears, loopSeconds, Instant.now()).write(dir.file(writing));
        writing = "";
        dir.commit();
      } catch (IOException e) {
        throw new OutputWriteException(dir.target().resolve(writing), e);
      } catch (UncheckedIOException e) {
        throw new OutputWriteException(dir.target().resolve(writing), e.getCause());
      }
    }
    return new long[] {firmYears, Math.round(loopSeconds * 1e9)};
  }

  /**
   * Refuses, naming the limit, sizes that cannot work: too many years, firms or firm-years, a start
   * year whose year numbers would overflow, a chunk too large for memory.
   */
  private void checkSizes() {
    if (firms != null && firms < 1) {
      throw new BadInputException("--firms must be at least 1, found " + firms);
    }
    if (firms != null && firms > MAX_FIRMS) {
      throw new BadInputException(
          String.format(Locale.ROOT, "--firms must be at most %,d, found %,d", MAX_FIRMS, firms));
    }
    if (years < 1) {
      throw new BadInputException("--years must be at least 1, found " + years);
    }
    if (burnIn != null && burnIn < 0) {
      throw new BadInputException("--burn-in must be 0 or more, found " + burnIn);
    }
    long simulated = (long) years + (burnIn == null ? 5 : burnIn);
    if (simulated > MAX_SIMULATED_YEARS) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "--years plus --burn-in must be at most %,d years, found %,d + %,d",
              MAX_SIMULATED_YEARS,
              years,
              burnIn == null ? 5 : burnIn));
    }
    if (Math.abs((long) startYear) > MAX_START_YEAR) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "--start-year must be between -%,d and %,d, found %,d",
              MAX_START_YEAR,
              MAX_START_YEAR,
              startYear));
    }
    if (chunkSize != null && chunkSize < 1) {
      throw new BadInputException("--chunk-size must be at least 1, found " + chunkSize);
    }
    if (chunkSize != null && chunkSize > MAX_CHUNK_SIZE) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "--chunk-size must be at most %,d firms, found %,d",
              MAX_CHUNK_SIZE,
              chunkSize));
    }
    if (threads != null && (threads < 1 || threads > SimulationConfig.MAX_WORKERS)) {
      throw new BadInputException(
          "--threads must be between 1 and " + SimulationConfig.MAX_WORKERS + ", found " + threads);
    }
    if (workers != null && (workers < 1 || workers > SimulationConfig.MAX_WORKERS)) {
      throw new BadInputException(
          "--workers must be between 1 and " + SimulationConfig.MAX_WORKERS + ", found " + workers);
    }
    if (population == null) {
      checkFirmYears(firms == null ? 1000 : firms, simulated);
    }
  }

  /** The firm-years to step, refused beyond {@link #MAX_FIRM_YEARS}. */
  private static long checkFirmYears(long firms, long simulatedYears) {
    long firmYears = firms * simulatedYears;
    if (firmYears > MAX_FIRM_YEARS) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "%,d firms over %,d years (--years plus --burn-in) are %,d firm-years, more than"
                  + " the limit of %,d",
              firms,
              simulatedYears,
              firmYears,
              MAX_FIRM_YEARS));
    }
    return firmYears;
  }

  /** The program's name and its arguments as given, e.g. {@code firmsim simulate --firms 10}. */
  private List<String> commandLine() {
    List<String> line = new ArrayList<>();
    line.add(spec.root().name());
    line.addAll(spec.commandLine().getParseResult().originalArgs());
    return line;
  }

  /** The device the simulator will run on; a GPU that is not there is bad input. */
  private static Device resolve(DeviceChoice choice) {
    try {
      return choice.resolve(Engine.getEngine("PyTorch"));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  private static boolean isFloat32(Precision precision) {
    return precision == Precision.FLOAT32;
  }

  private CommandLine.Model.CommandSpec spec() {
    return spec;
  }

  private ProgressBar progressBar(long total) {
    if (quiet || total < PROGRESS_FROM) {
      return null;
    }
    return new ProgressBarBuilder()
        .setTaskName("simulate")
        .setInitialMax(total)
        .setUnit(" firm-years", 1)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .build();
  }

  /**
   * With a panel every simulated year of a chunk (burn-in included) is kept on the host until the
   * chunk ends: keep chunks to about 4 million firm-years (1.6 GB in float64).
   */
  private static int defaultChunkSize(
      int chunk, boolean withPanel, int simulatedYears, int workers) {
    if (!withPanel) {
      return chunk;
    }
    // Each worker holds its chunk's years: the 4 million firm-years are shared among them.
    return Math.max(1024, Math.min(chunk, 4_000_000 / workers / Math.max(1, simulatedYears)));
  }

  private Precision parsePrecision() {
    switch (dtype.toLowerCase(Locale.ROOT)) {
      case "float32":
        return Precision.FLOAT32;
      case "float64":
        return Precision.FLOAT64;
      default:
        throw new BadInputException("--dtype must be float32 or float64, found '" + dtype + "'");
    }
  }

  private static <E extends Enum<E>> E parse(
      Class<E> type, String option, String text, String allowed) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(option + " must be " + allowed + ", found '" + text + "'");
    }
  }
}
