package io.firmsim.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.firmsim.simulator.cli.RunFailedException;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.trainer.forecast.scenario.AnnualMacroHistory;
import io.firmsim.trainer.forecast.scenario.ForecasterLoader;
import io.firmsim.trainer.forecast.scenario.MacroScenarioGenerator;
import io.firmsim.trainer.forecast.scenario.MacroScenarios;
import io.firmsim.zoo.BuildInfo;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim scenario macro}: K sampled annual macro paths from a forecaster and the annual
 * history of real GDP growth and the real interest rate ({@link AnnualMacroHistory}), by the joint
 * block bootstrap of rolling-origin forecast errors of {@link MacroScenarioGenerator}, written as
 * files the simulator reads with {@code simulate --macro-paths DIR}.
 *
 * <p>Output, staged and moved into place whole ({@link OutputDirectory}): {@code pNN.csv} per path
 * ({@code year,dgnp,realr} for the years {@code --start-year .. +N-1}, numbers zero-padded so the
 * files sort in path order), {@code dgnp} the change of a GNP level that starts at {@code
 * --gnp-base} and grows by the path's growth ({@link MacroScenarios#dgnp}), {@code realr} the
 * path's rate / 100; and {@value #MANIFEST} (format, forecaster, history file and its SHA-256,
 * seed, method, origins, mapping, point forecast, each path's origin).
 *
 * <p>Exit codes: 0 written; 2 bad input (arguments, the history file with its row and column, a
 * history too short for the origins, a model that cannot be loaded, an {@code --out} that exists
 * and is not empty); 3 a forecaster that returns values that are not finite or of the wrong shape.
 */
@Command(
    name = "macro",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Samples K annual macro paths (year,dgnp,realr) from a forecaster by a joint block"
            + " bootstrap of rolling-origin forecast errors.")
public final class ScenarioMacroCommand implements Callable<Integer> {
  /** Name of the description file in the output folder. */
  public static final String MANIFEST = "scenarios.json";

  /** Format name written in {@value #MANIFEST}. */
  public static final String FORMAT = "firmsim-macro-scenarios";

  /** Format version written in {@value #MANIFEST}. */
  public static final int FORMAT_VERSION = 1;

  /**
   * Default GNP level of the year before the first scenario year: 2.0e12 SEK, a round figure for
   * Sweden's nominal GNP around 1999-2000, the period of the paper's data (docs/FORECASTING.md).
   */
  public static final double DEFAULT_GNP_BASE = 2.0e12;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final ForecasterLoader loader;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME|DIR",
      description = "The forecaster: a model name or an artifact folder.")
  String model;

  @Option(
      names = "--models-dir",
      paramLabel = "DIR",
      description = "Where model names are looked up.")
  Path modelsDir;

  @Option(
      names = "--history",
      required = true,
      paramLabel = "FILE.csv",
      description = "Annual history: year,gdp_growth_pct,realr_pct (scenario history writes one).")
  Path history;

  @Option(names = "--years", required = true, paramLabel = "N", description = "Years per path.")
  int years;

  @Option(names = "--paths", required = true, paramLabel = "K", description = "Number of paths.")
  int paths;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder (must not exist or be empty).")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the origin draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start-year",
      paramLabel = "Y",
      description = "First year of the paths (default: the history's last year + 1).")
  Integer startYear;

  @Option(
      names = "--gnp-base",
      paramLabel = "SEK",
      defaultValue = "2.0e12",
      description =
          "GNP level (SEK) of the year before the first path year (default: ${DEFAULT-VALUE},"
              + " Swedish nominal GNP around 2000).")
  double gnpBase;

  @Option(
      names = "--min-origins",
      paramLabel = "M",
      defaultValue = "" + MacroScenarioGenerator.DEFAULT_MIN_ORIGINS,
      description = "Fewest rolling origins accepted (default: ${DEFAULT-VALUE}).")
  int minOrigins;

  @Option(names = "--overwrite", description = "Replace a previous firmsim output at --out.")
  boolean overwrite;

  /** The command with the loader of forecaster artifacts. */
  public ScenarioMacroCommand(ForecasterLoader loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  public Integer call() throws Exception {
    if (years < 1) {
      throw new BadInputException("--years must be at least 1, found " + years);
    }
    if (paths < 1) {
      throw new BadInputException("--paths must be at least 1, found " + paths);
    }
    if (minOrigins < 1) {
      throw new BadInputException("--min-origins must be at least 1, found " + minOrigins);
    }
    if (!(gnpBase > 0) || !Double.isFinite(gnpBase)) {
      throw new BadInputException("--gnp-base must be a positive number of SEK, found " + gnpBase);
    }
    OutputDirectory.check(out, overwrite);
    AnnualMacroHistory h = AnnualMacroHistory.read(history);
    String historySha = io.firmsim.zoo.Hashing.sha256(history);
    int first = startYear != null ? startYear : h.lastYear() + 1;
    if ((long) first + years - 1 > Integer.MAX_VALUE) {
      throw new BadInputException(
          "--start-year " + first + " with --years " + years + " runs past the largest year");
    }
    Optional<Path> dir = Optional.ofNullable(modelsDir);
    MacroScenarios s;
    int lookback;
    int horizon;
    Map<String, String> provenance = loader.provenance(model, dir);
    try (Forecaster f = loader.load(model, dir)) {
      lookback = f.lookback();
      horizon = f.horizon();
      MacroScenarioGenerator g;
      try {
        g =
            MacroScenarioGenerator.builder()
                .setForecaster(f)
                .setHistory(h)
                .setYears(years)
                .setPaths(paths)
                .optSeed(seed)
                .optMinOrigins(minOrigins)
                .build();
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--model " + model + ": " + e.getMessage(), e);
      }
      try {
        s = g.generate();
      } catch (IllegalArgumentException e) {
        throw new BadInputException(history + ": " + e.getMessage(), e);
      } catch (IllegalStateException e) {
        throw new RunFailedException("--model " + model + ": " + e.getMessage(), e);
      }
    }

    int width = Math.max(2, Integer.toString(paths).length());
    List<Map<String, Object>> files = new ArrayList<>();
    int[] originYears = s.originYears();
    try (OutputDirectory o = OutputDirectory.begin(out, overwrite, "scenario macro")) {
      for (int k = 0; k < paths; k++) {
        String name = String.format(Locale.ROOT, "p%0" + width + "d.csv", k + 1);
        double[] dgnp = MacroScenarios.dgnp(gnpBase, s.growthPct(k));
        double[] realr = s.realrPct(k);
        try (BufferedWriter w = Files.newBufferedWriter(o.file(name), StandardCharsets.UTF_8)) {
          w.write(String.join(",", MacroPathReader.COLUMNS));
          w.write('\n');
          for (int y = 0; y < years; y++) {
            w.write((first + y) + "," + dgnp[y] + "," + realr[y] / 100 + "\n");
          }
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("file", name);
        e.put("originYear", originYears[s.pathOrigin(k)]);
        files.add(e);
      }
      Files.writeString(
          o.file(MANIFEST),
          JSON.writeValueAsString(
              manifest(h, historySha, first, s, lookback, horizon, provenance, files)),
          StandardCharsets.UTF_8);
      o.commit();
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "firmsim: %d paths of %d years (%d..%d) from %d rolling origins (%d..%d) in %s%n",
            paths,
            years,
            first,
            first + years - 1,
            s.origins(),
            originYears[0],
            originYears[originYears.length - 1],
            out);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private Map<String, Object> manifest(
      AnnualMacroHistory h,
      String historySha,
      int first,
      MacroScenarios s,
      int lookback,
      int horizon,
      Map<String, String> provenance,
      List<Map<String, Object>> files) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("formatVersion", FORMAT_VERSION);
    m.put("firmsimVersion", BuildInfo.current().codeVersion());
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("model", model);
    f.put("modelsDir", modelsDir == null ? null : modelsDir.toString());
    f.put("lookback", lookback);
    f.put("horizon", horizon);
    provenance.forEach(f::putIfAbsent); // what the loader reports; never replaces the above
    m.put("forecaster", f);
    Map<String, Object> hist = new LinkedHashMap<>();
    hist.put("file", history.toString());
    hist.put("sha256", historySha);
    hist.put("firstYear", h.firstYear());
    hist.put("lastYear", h.lastYear());
    m.put("history", hist);
    m.put("seed", seed);
    m.put("years", years);
    m.put("paths", paths);
    m.put("startYear", first);
    Map<String, Object> method = new LinkedHashMap<>();
    method.put("name", "rolling-origin-joint-block-bootstrap");
    method.put(
        "description",
        "path = point forecast + the forecast errors (actual - forecast, both variables, all"
            + " horizons) of one rolling origin drawn uniformly; forecasts beyond the horizon are"
            + " recursive");
    method.put("recursive", years > horizon);
    method.put("origins", s.origins());
    int[] oy = s.originYears();
    method.put("firstOriginYear", oy[0]);
    method.put("lastOriginYear", oy[oy.length - 1]);
    method.put("minOrigins", minOrigins);
    method.put("originDraw", "path k: new SplittableRandom(seed), k-th split(), nextInt(origins)");
    m.put("method", method);
    Map<String, Object> mapping = new LinkedHashMap<>();
    mapping.put("gnpBase", gnpBase);
    mapping.put(
        "dgnp",
        "L_{y-1} * gdp_growth_pct_y / 100, L_y = L_{y-1} + dgnp_y, L_{startYear-1} = gnpBase"
            + " (SEK)");
    mapping.put("realr", "realr_pct_y / 100");
    m.put("mapping", mapping);
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("gdpGrowthPct", s.pointGrowthPct());
    point.put("realrPct", s.pointRealrPct());
    m.put("pointForecast", point);
    m.put("files", files);
    return m;
  }
}
