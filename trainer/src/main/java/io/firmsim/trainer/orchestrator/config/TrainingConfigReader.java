package io.firmsim.trainer.orchestrator.config;

import io.firmsim.trainer.orchestrator.config.TrainingConfig.Data;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Device;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Gates;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Generate;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Model;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.ModelRef;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Output;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.SubmodelSettings;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.TaskSettings;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Training;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import io.firmsim.zoo.vocabulary.Feature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a training configuration file ({@code firmsim train CONFIG.yaml}) into a validated {@link
 * TrainingConfig}. The schema, with defaults; keys are case-sensitive camelCase, and a key not
 * listed here is an error:
 *
 * <pre>
 * data:                         # required
 *   panel: panel.csv            # a firm-year panel file, .csv or .parquet; or instead:
 *   generate:                   # a synthetic panel simulated on the fly (exactly one of the two)
 *     firms: 20000              #   required, &gt;= 1; firms x years &lt;= 50,000,000
 *     years: 11                 #   required, recorded years, 2..1000
 *     burnIn: 5                 #   default 5, 0..1000
 *     seed: 1                   #   default 1
 *     model: paper              #   default paper; paper, paper-with-level-noise or a model JSON
 *   macro: macro.csv            # optional macro path; default dgnp = realr = 0
 * model:                        # required
 *   base: paper                 # default paper; or a model JSON file or artifact folder: the structure refitted
 *   output:                     # required
 *     directory: out/models     #   required
 *     name: my-model            #   required; letters, digits, . _ -
 *     version: "1"              #   default "1"; same characters
 * training:                     # optional
 *   seed: 1                     # default 1
 *   device: auto                # default auto; auto, cpu or gpu
 *   parallelism: 1              # default 1, 1..1024: submodel fits at once
 *   validationShare: 0.2        # default 0.2, in [0, 1): share of firms held out
 *   defaults:                   # settings of every fit
 *     maxIterations: 100        #   default 100, &gt;= 1
 *     parameterTolerance: 1e-10 #   default 1e-10, &gt; 0
 *     objectiveTolerance: 1e-12 #   default 1e-12, &gt; 0
 *     allowNonConverged: false  #   default false
 *     earlyStoppingPatience: 0  #   default 0 (off), &gt;= 0
 *   equations: [T1, DCA]        # default all of the base model's; Tk or target names
 *   submodels:                  # optional overrides, keyed TARGET.submodel (or Tk.submodel)
 *     DCA.level:                #   a submodel of a selected equation
 *       features: [CAt_1, dclt_1]  # replaces the base model's list; Feature names
 *       maxIterations: 200      #   and any key of training.defaults
 * gates:                        # optional; see TrainingConfig.Gates
 *   enabled: true
 *   maxMissingShare: 0.0        # [0, 1]
 *   balanceTolerance: 1.0e-6    # &gt;= 0
 *   negativeTolerance: 1.0e-6   # &gt;= 0
 *   minObservations: 50         # &gt;= 0
 *   minEvents: 20               # &gt;= 0
 *   outlierZ: 50                # &gt; 0
 *   maxOutlierShare: 0.05       # [0, 1]
 * </pre>
 *
 * <p>Relative paths are resolved against the directory of the configuration file, so a run does not
 * depend on the working directory; {@code data.panel}, {@code data.macro} and model JSON files must
 * exist when the file is read. Output directories need not.
 *
 * <p>Guarantees: every problem is a {@link ConfigException} whose message names the file and, where
 * there is one, the line and the dotted YAML path ({@code
 * training.submodels.DCA.level.maxIterations}); the first problem in schema order is reported.
 * Types are strict: an integer key takes a YAML integer (not {@code "12"}, not {@code 1.5}), a
 * number key any finite YAML number, a boolean key {@code true} or {@code false}, a text key a
 * scalar; a key with no value is an error, as is a repeated key. Equation names, submodel keys and
 * feature names are checked against the base model and {@link Feature}. Stateless and thread-safe.
 */
public final class TrainingConfigReader {
  /**
   * The most firm-years a generated panel may have: its state and flow arrays are held in memory
   * and indexed by int (rows x 40 columns below 2^31).
   */
  public static final int MAX_GENERATED_ROWS = 50_000_000;

  /** The most reported or burn-in years of a generated panel. */
  public static final int MAX_YEARS = 1_000;

  /** The most fits run at once. */
  public static final int MAX_PARALLELISM = 1_024;

  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
  private static final String SAFE_NAME_RULE =
      "letters, digits, '.', '_' or '-' (not starting with '.' or '-')";
  private static final Pattern EQUATION_NUMBER = Pattern.compile("T([0-9]{1,2})");

  private static final List<String> SETTINGS_KEYS =
      List.of(
          "maxIterations",
          "parameterTolerance",
          "objectiveTolerance",
          "allowNonConverged",
          "earlyStoppingPatience");

  private TrainingConfigReader() {}

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException if the file cannot be read or breaks a rule of the class doc
   */
  public static TrainingConfig read(Path file) {
    return parse(YamlDocument.readText(file), file);
  }

  /**
   * Validates configuration text as if read from {@code file} (which names it in messages and whose
   * directory relative paths are resolved against; the file itself is not read).
   *
   * @throws ConfigException if the text breaks a rule of the class doc
   */
  public static TrainingConfig parse(String text, Path file) {
    return new Reading(YamlDocument.parse(text, file)).run();
  }

  // ------------------------------------------------------------------ one reading

  /** The state of one reading: the parsed file. */
  private static final class Reading {
    private final YamlDocument doc;

    Reading(YamlDocument doc) {
      this.doc = doc;
    }

    TrainingConfig run() {
      if (doc.isEmpty()) {
        throw ConfigException.at(
            doc.name(),
            -1,
            null,
            "empty configuration; expected a mapping with keys data, model, training, gates");
      }
      YamlMapping top = doc.top("a mapping with keys data, model, training, gates");
      top.allowNamingParent("data", "model", "training", "gates");
      Data data = data(top.obj("data", true));
      Model model = model(top.obj("model", true));
      ModelSpec base = loadBase(top, model.base());
      Training training = training(top.obj("training", false), base);
      Gates gates = gates(top.obj("gates", false));
      return new TrainingConfig(doc.file(), data, model, training, gates);
    }

    // ---------------------------------------------------------------- sections

    private Data data(YamlMapping d) {
      d.allowNamingParent("panel", "generate", "macro");
      boolean hasPanel = d.has("panel");
      boolean hasGenerate = d.has("generate");
      if (hasPanel == hasGenerate) {
        if (hasPanel) {
          throw d.fail(
              "generate",
              "'panel' and 'generate' exclude each other: give a panel file or a simulation");
        }
        throw d.failHere(
            "give exactly one of 'panel' (a panel file, .csv or .parquet) and "
                + "'generate' (a synthetic panel)");
      }
      Optional<Path> panel = Optional.empty();
      Optional<Generate> generate = Optional.empty();
      if (hasPanel) {
        Path p = d.existingFile("panel");
        String lower = p.getFileName().toString().toLowerCase();
        if (!lower.endsWith(".csv") && !lower.endsWith(".parquet")) {
          throw d.fail(
              "panel",
              "expected a .csv or .parquet panel file, found '" + d.get("panel").asText() + "'");
        }
        panel = Optional.of(p);
      } else {
        YamlMapping g = d.obj("generate", true);
        g.allowNamingParent("firms", "years", "burnIn", "seed", "model");
        int firms = g.integer("firms", null, 1, MAX_GENERATED_ROWS);
        int years = g.integer("years", null, 2, MAX_YEARS);
        int burnIn = g.integer("burnIn", 5, 0, MAX_YEARS);
        if ((long) firms * years > MAX_GENERATED_ROWS) {
          throw g.fail(
              "years",
              firms
                  + " firms x "
                  + years
                  + " years = "
                  + (long) firms * years
                  + " firm-years is above the limit of "
                  + MAX_GENERATED_ROWS
                  + " firm-years for a generated panel (it is held in memory); generate fewer"
                  + " firms or years");
        }
        generate =
            Optional.of(
                new Generate(
                    firms, years, burnIn, g.longInteger("seed", 1L), model(g, "model", true)));
      }
      Optional<Path> macro =
          d.has("macro") ? Optional.of(d.existingFile("macro")) : Optional.empty();
      return new Data(panel, generate, macro);
    }

    private Model model(YamlMapping m) {
      m.allowNamingParent("base", "output");
      ModelRef base = m.has("base") ? model(m, "base", false) : ModelRef.builtin(ModelRef.PAPER);
      YamlMapping o = m.obj("output", true);
      o.allowNamingParent("directory", "name", "version");
      Path dir = o.path("directory");
      String name = o.name("name", null, SAFE_NAME, SAFE_NAME_RULE);
      String version = o.name("version", "1", SAFE_NAME, SAFE_NAME_RULE);
      return new Model(base, new Output(dir, name, version));
    }

    private ModelSpec loadBase(YamlMapping top, ModelRef ref) {
      try {
        return ref.loadStructure();
      } catch (ModelSpecException e) {
        throw new ConfigException(
            top.child("model").prefix("base") + "cannot load the base model: " + e.getMessage(),
            top.child("model").lineOf("base"),
            "model.base",
            e);
      }
    }

    private Training training(YamlMapping t, ModelSpec base) {
      if (t == null) {
        return new Training(
            1L, Device.AUTO, 1, 0.2, TaskSettings.DEFAULTS, targets(base), Map.of());
      }
      t.allowNamingParent(
          "seed", "device", "parallelism", "validationShare", "defaults", "equations", "submodels");
      long seed = t.longInteger("seed", 1L);
      Device device = device(t, "device");
      int parallelism = t.integer("parallelism", 1, 1, MAX_PARALLELISM);
      double validationShare = t.share("validationShare", 0.2, false);
      TaskSettings defaults = TaskSettings.DEFAULTS;
      YamlMapping d = t.obj("defaults", false);
      if (d != null) {
        d.allowNamingParent(SETTINGS_KEYS.toArray(String[]::new));
        SubmodelSettings s = settings(d, Optional.empty());
        defaults = s.over(TaskSettings.DEFAULTS);
      }
      List<String> equations = t.has("equations") ? equations(t, base) : targets(base);
      Map<String, SubmodelSettings> submodels = new TreeMap<>();
      YamlMapping subs = t.obj("submodels", false);
      if (subs != null) {
        Map<String, String> keyOf = new HashMap<>();
        for (String key : subs.keys()) {
          String canonical = submodelKey(subs, key, base, equations);
          String before = keyOf.put(canonical, key);
          if (before != null) {
            throw subs.fail(key, "names the same submodel as '" + before + "' (" + canonical + ")");
          }
          YamlMapping s = subs.obj(key, true);
          List<String> allowed = new ArrayList<>(SETTINGS_KEYS);
          allowed.add(0, "features");
          s.allowNamingParent(allowed.toArray(String[]::new));
          String target = canonical.substring(0, canonical.indexOf('.'));
          Optional<List<Feature>> features =
              s.has("features") ? Optional.of(features(s, target)) : Optional.empty();
          submodels.put(canonical, settings(s, features));
        }
      }
      return new Training(
          seed, device, parallelism, validationShare, defaults, equations, submodels);
    }

    private SubmodelSettings settings(YamlMapping s, Optional<List<Feature>> features) {
      return new SubmodelSettings(
          features,
          s.has("maxIterations")
              ? Optional.of(s.integer("maxIterations", null, 1))
              : Optional.empty(),
          s.has("parameterTolerance")
              ? Optional.of(s.positive("parameterTolerance"))
              : Optional.empty(),
          s.has("objectiveTolerance")
              ? Optional.of(s.positive("objectiveTolerance"))
              : Optional.empty(),
          s.has("allowNonConverged")
              ? Optional.of(s.bool("allowNonConverged", false))
              : Optional.empty(),
          s.has("earlyStoppingPatience")
              ? Optional.of(s.integer("earlyStoppingPatience", null, 0))
              : Optional.empty());
    }

    private static List<String> targets(ModelSpec base) {
      return base.equations().stream().map(EquationSpec::target).toList();
    }

    private List<String> equations(YamlMapping t, ModelSpec base) {
      List<String> names = t.textList("equations");
      if (names.isEmpty()) {
        throw t.fail("equations", "expected at least one equation (leave the key out for all)");
      }
      Set<String> chosen = new LinkedHashSet<>();
      for (int i = 0; i < names.size(); i++) {
        String target = equationTarget(names.get(i), base);
        if (target == null) {
          throw t.failElement(
              "equations",
              i,
              "unknown equation '"
                  + names.get(i)
                  + "'; the base model's equations are "
                  + describeEquations(base));
        }
        if (!chosen.add(target)) {
          throw t.failElement("equations", i, "equation " + target + " is listed twice");
        }
      }
      return targets(base).stream().filter(chosen::contains).toList();
    }

    /** The target of {@code Tk} or of a target name, if the base model has that equation. */
    private static String equationTarget(String name, ModelSpec base) {
      var m = EQUATION_NUMBER.matcher(name);
      String target = name;
      if (m.matches()) {
        int k = Integer.parseInt(m.group(1));
        if (k < 1 || k > ModelSpec.TARGETS.size()) {
          return null;
        }
        target = ModelSpec.TARGETS.get(k - 1);
      }
      for (EquationSpec e : base.equations()) {
        if (e.target().equals(target)) {
          return target;
        }
      }
      return null;
    }

    private static String describeEquations(ModelSpec base) {
      return base.equations().stream()
          .map(e -> "T" + e.table() + " " + e.target())
          .collect(Collectors.joining(", "));
    }

    private String submodelKey(
        YamlMapping subs, String key, ModelSpec base, List<String> equations) {
      int dot = key.indexOf('.');
      if (dot <= 0 || dot == key.length() - 1) {
        throw subs.fail(
            key, "expected a submodel key TARGET.submodel (e.g. DCA.level), found '" + key + "'");
      }
      String eq = key.substring(0, dot);
      String sub = key.substring(dot + 1);
      String target = equationTarget(eq, base);
      if (target == null) {
        throw subs.fail(
            key,
            "unknown equation '"
                + eq
                + "' in submodel key '"
                + key
                + "'; the base model's equations are "
                + describeEquations(base));
      }
      if (!equations.contains(target)) {
        throw subs.fail(
            key, "equation " + target + " is not among training.equations " + equations);
      }
      EquationSpec e = base.equation(target);
      if (!e.method().submodels().contains(sub)) {
        throw subs.fail(
            key,
            "equation "
                + target
                + " (method "
                + e.method()
                + ") has no "
                + "submodel '"
                + sub
                + "'; its submodels are "
                + String.join(", ", e.method().submodels()));
      }
      return target + "." + sub;
    }

    private List<Feature> features(YamlMapping s, String target) {
      List<String> names = s.textList("features");
      if (names.isEmpty()) {
        throw s.fail("features", "expected at least one feature");
      }
      List<Feature> out = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        Feature f = Feature.byName(n).orElse(null);
        if (f == null) {
          throw s.failElement(
              "features",
              i,
              "unknown feature '"
                  + n
                  + "'"
                  + YamlDocument.suggestion(
                      n, Arrays.stream(Feature.values()).map(Enum::name).toList()));
        }
        if (out.contains(f)) {
          throw s.failElement("features", i, "feature " + n + " is listed twice");
        }
        if (f.sources().contains(target)) {
          throw s.failElement(
              "features",
              i,
              "feature "
                  + n
                  + " is computed from "
                  + target
                  + ", the value this equation predicts");
        }
        out.add(f);
      }
      return out;
    }

    private Gates gates(YamlMapping g) {
      if (g == null) {
        return Gates.DEFAULTS;
      }
      g.allowNamingParent(
          "enabled",
          "maxMissingShare",
          "balanceTolerance",
          "negativeTolerance",
          "minObservations",
          "minEvents",
          "outlierZ",
          "maxOutlierShare");
      Gates d = Gates.DEFAULTS;
      return new Gates(
          g.bool("enabled", d.enabled()),
          g.share("maxMissingShare", d.maxMissingShare(), true),
          g.nonNegative("balanceTolerance", d.balanceTolerance()),
          g.nonNegative("negativeTolerance", d.negativeTolerance()),
          g.integer("minObservations", d.minObservations(), 0),
          g.integer("minEvents", d.minEvents(), 0),
          g.has("outlierZ") ? g.positive("outlierZ") : d.outlierZ(),
          g.share("maxOutlierShare", d.maxOutlierShare(), true));
    }

    // ---------------------------------------------------------------- values

    private ModelRef model(YamlMapping m, String key, boolean noiseAllowed) {
      if (!m.has(key)) {
        return ModelRef.builtin(ModelRef.PAPER);
      }
      String s = m.text(key);
      boolean noise = noiseAllowed && s.equals(ModelRef.PAPER_WITH_LEVEL_NOISE);
      if (s.equals(ModelRef.PAPER) || noise) {
        return ModelRef.builtin(s);
      }
      Path p = doc.baseDir().resolve(s).normalize();
      if (Files.isDirectory(p)) {
        // A model artifact (export): verified, then its model.json is the model file.
        try {
          ArtifactReader.open(p);
        } catch (ModelSpecException e) {
          throw m.fail(key, "cannot use the model artifact " + p + ": " + e.getMessage());
        }
        return ModelRef.file(p.resolve(ArtifactMetadata.MODEL_FILE));
      }
      if (!Files.isRegularFile(p)) {
        throw m.fail(
            key,
            "expected '"
                + ModelRef.PAPER
                + "'"
                + (noiseAllowed ? ", '" + ModelRef.PAPER_WITH_LEVEL_NOISE + "'" : "")
                + ", a model JSON file or a model artifact folder, found '"
                + s
                + "' (no such file: "
                + p
                + ")");
      }
      return ModelRef.file(p);
    }

    private Device device(YamlMapping m, String key) {
      if (!m.has(key)) {
        return Device.AUTO;
      }
      String s = m.text(key);
      for (Device d : Device.values()) {
        if (d.yamlName().equals(s)) {
          return d;
        }
      }
      throw m.fail(key, "expected auto, cpu or gpu, found '" + s + "'");
    }
  }
}
