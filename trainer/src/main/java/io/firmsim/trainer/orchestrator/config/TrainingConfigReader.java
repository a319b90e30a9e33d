package io.firmsim.trainer.orchestrator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = new ObjectMapper(YAML);
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
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
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file", -1, null, e);
    } catch (CharacterCodingException e) {
      throw new ConfigException(file + ": not UTF-8 text", -1, null, e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), -1, null, e);
    }
    return parse(text, file);
  }

  /**
   * Validates configuration text as if read from {@code file} (which names it in messages and whose
   * directory relative paths are resolved against; the file itself is not read).
   *
   * @throws ConfigException if the text breaks a rule of the class doc
   */
  public static TrainingConfig parse(String text, Path file) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(file, "file");
    return new Reading(file, text).run();
  }

  // ------------------------------------------------------------------ one reading

  /** The state of one reading: the file, its tree and the line of every key. */
  private static final class Reading {
    private final Path file;
    private final String name;
    private final Path baseDir;
    private final String text;
    private final Map<String, Integer> lines = new HashMap<>();

    Reading(Path file, String text) {
      this.file = file;
      this.name = file.toString();
      Path parent = file.toAbsolutePath().getParent();
      this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
      this.text = text;
    }

    TrainingConfig run() {
      JsonNode root;
      try {
        indexLines();
        root = MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
        throw new ConfigException(
            name
                + (line >= 1 ? ", line " + line : "")
                + ": malformed YAML: "
                + e.getOriginalMessage().strip(),
            line,
            null,
            e);
      } catch (IOException e) {
        throw new ConfigException(name + ": cannot read: " + e.getMessage(), -1, null, e);
      }
      if (root == null || root.isMissingNode() || root.isNull()) {
        throw ConfigException.at(
            name,
            -1,
            null,
            "empty configuration; expected a mapping with keys data, model, training, gates");
      }
      if (!root.isObject()) {
        throw ConfigException.at(
            name,
            1,
            null,
            "expected a mapping with keys data, model, training, gates, found " + found(root));
      }
      Obj top = new Obj((ObjectNode) root, "", "");
      top.allow("data", "model", "training", "gates");
      Data data = data(top.obj("data", true));
      Model model = model(top.obj("model", true));
      ModelSpec base = loadBase(top, model.base());
      Training training = training(top.obj("training", false), base);
      Gates gates = gates(top.obj("gates", false));
      return new TrainingConfig(file, data, model, training, gates);
    }

    /** The line of every key and list element, by JSON pointer. */
    private void indexLines() throws IOException {
      try (JsonParser p = YAML.createParser(text)) {
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
            continue;
          }
          lines.putIfAbsent(
              p.getParsingContext().pathAsPointer().toString(),
              p.currentTokenLocation().getLineNr());
        }
      }
    }

    // ---------------------------------------------------------------- sections

    private Data data(Obj d) {
      d.allow("panel", "generate", "macro");
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
              "expected a .csv or .parquet panel file, found '"
                  + d.node.get("panel").asText()
                  + "'");
        }
        panel = Optional.of(p);
      } else {
        Obj g = d.obj("generate", true);
        g.allow("firms", "years", "burnIn", "seed", "model");
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
                    firms, years, burnIn, g.longInteger("seed", 1L), g.model("model", true)));
      }
      Optional<Path> macro =
          d.has("macro") ? Optional.of(d.existingFile("macro")) : Optional.empty();
      return new Data(panel, generate, macro);
    }

    private Model model(Obj m) {
      m.allow("base", "output");
      ModelRef base = m.has("base") ? m.model("base", false) : ModelRef.builtin(ModelRef.PAPER);
      Obj o = m.obj("output", true);
      o.allow("directory", "name", "version");
      Path dir = o.path("directory");
      String name = o.safeName("name", null);
      String version = o.safeName("version", "1");
      return new Model(base, new Output(dir, name, version));
    }

    private ModelSpec loadBase(Obj top, ModelRef ref) {
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

    private Training training(Obj t, ModelSpec base) {
      if (t == null) {
        return new Training(
            1L, Device.AUTO, 1, 0.2, TaskSettings.DEFAULTS, targets(base), Map.of());
      }
      t.allow(
          "seed", "device", "parallelism", "validationShare", "defaults", "equations", "submodels");
      long seed = t.longInteger("seed", 1L);
      Device device = t.device("device");
      int parallelism = t.integer("parallelism", 1, 1, MAX_PARALLELISM);
      double validationShare = t.share("validationShare", 0.2, false);
      TaskSettings defaults = TaskSettings.DEFAULTS;
      Obj d = t.obj("defaults", false);
      if (d != null) {
        d.allow(SETTINGS_KEYS.toArray(String[]::new));
        SubmodelSettings s = settings(d, Optional.empty());
        defaults = s.over(TaskSettings.DEFAULTS);
      }
      List<String> equations = t.has("equations") ? equations(t, base) : targets(base);
      Map<String, SubmodelSettings> submodels = new TreeMap<>();
      Obj subs = t.obj("submodels", false);
      if (subs != null) {
        Map<String, String> keyOf = new HashMap<>();
        for (String key : subs.keys()) {
          String canonical = submodelKey(subs, key, base, equations);
          String before = keyOf.put(canonical, key);
          if (before != null) {
            throw subs.fail(key, "names the same submodel as '" + before + "' (" + canonical + ")");
          }
          Obj s = subs.obj(key, true);
          List<String> allowed = new ArrayList<>(SETTINGS_KEYS);
          allowed.add(0, "features");
          s.allow(allowed.toArray(String[]::new));
          String target = canonical.substring(0, canonical.indexOf('.'));
          Optional<List<Feature>> features =
              s.has("features") ? Optional.of(features(s, target)) : Optional.empty();
          submodels.put(canonical, settings(s, features));
        }
      }
      return new Training(
          seed, device, parallelism, validationShare, defaults, equations, submodels);
    }

    private SubmodelSettings settings(Obj s, Optional<List<Feature>> features) {
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

    private List<String> equations(Obj t, ModelSpec base) {
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

    private String submodelKey(Obj subs, String key, ModelSpec base, List<String> equations) {
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

    private List<Feature> features(Obj s, String target) {
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
                  + suggestion(n, Arrays.stream(Feature.values()).map(Enum::name).toList()));
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

    private Gates gates(Obj g) {
      if (g == null) {
        return Gates.DEFAULTS;
      }
      g.allow(
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

    // ---------------------------------------------------------------- a mapping in the tree

    /** A mapping of the tree with its dotted path and JSON pointer. */
    private final class Obj {
      final ObjectNode node;
      final String path;
      final String pointer;

      Obj(ObjectNode node, String path, String pointer) {
        this.node = node;
        this.path = path;
        this.pointer = pointer;
      }

      Obj child(String key) {
        return new Obj((ObjectNode) node.get(key), dotted(key), pointerOf(key));
      }

      List<String> keys() {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
      }

      boolean has(String key) {
        return node.has(key);
      }

      String dotted(String key) {
        return path.isEmpty() ? key : path + "." + key;
      }

      String pointerOf(String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
      }

      int lineOf(String key) {
        return lines.getOrDefault(pointerOf(key), lines.getOrDefault(pointer, -1));
      }

      String prefix(String key) {
        int line = lineOf(key);
        return name + (line >= 1 ? ", line " + line : "") + ", at " + dotted(key) + ": ";
      }

      ConfigException fail(String key, String problem) {
        return ConfigException.at(name, lineOf(key), dotted(key), problem);
      }

      ConfigException failElement(String key, int index, String problem) {
        int line = lines.getOrDefault(pointerOf(key) + "/" + index, lineOf(key));
        return ConfigException.at(name, line, dotted(key) + "[" + index + "]", problem);
      }

      ConfigException failHere(String problem) {
        return ConfigException.at(name, lines.getOrDefault(pointer, -1), path, problem);
      }

      /** Rejects the first key not among {@code known}. */
      void allow(String... known) {
        List<String> allowed = List.of(known);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          if (!allowed.contains(key)) {
            int line = lineOf(key);
            String where = path.isEmpty() ? "the top level" : path;
            throw new ConfigException(
                name
                    + (line >= 1 ? ", line " + line : "")
                    + ": unknown key '"
                    + key
                    + "' at "
                    + where
                    + " (known: "
                    + String.join(", ", allowed)
                    + ")"
                    + suggestion(key, allowed),
                line,
                dotted(key),
                null);
          }
        }
      }

      /** The value of a key that must be present. */
      JsonNode required(String key) {
        JsonNode v = node.get(key);
        if (v == null) {
          int line = lines.getOrDefault(pointer, -1);
          String where = path.isEmpty() ? "the top level" : path;
          throw new ConfigException(
              name
                  + (line >= 1 ? ", line " + line : "")
                  + ": missing required key '"
                  + key
                  + "' at "
                  + where,
              line,
              dotted(key),
              null);
        }
        if (v.isNull() || (v.isTextual() && v.asText().isBlank())) {
          throw fail(key, "no value given"); // 'key:' with nothing after it reads as ''
        }
        return v;
      }

      /** A nested mapping; null if absent and not required. */
      Obj obj(String key, boolean required) {
        if (!required && !node.has(key)) {
          return null;
        }
        JsonNode v = required(key);
        if (!v.isObject()) {
          throw fail(key, "expected a mapping of keys to values, found " + found(v));
        }
        return child(key);
      }

      Integer integer(String key, Integer dflt, int min, int max) {
        Integer v = integer(key, dflt, min);
        if (v > max) {
          throw fail(key, "expected an integer <= " + max + " (the limit), found " + v);
        }
        return v;
      }

      Integer integer(String key, Integer dflt, int min) {
        if (dflt != null && !node.has(key)) {
          return dflt;
        }
        JsonNode v = required(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
          throw fail(key, "expected an integer, found " + found(v) + quotedHint(v));
        }
        if (v.intValue() < min) {
          throw fail(key, "expected an integer >= " + min + ", found " + v.intValue());
        }
        return v.intValue();
      }

      long longInteger(String key, long dflt) {
        if (!node.has(key)) {
          return dflt;
        }
        JsonNode v = required(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
          throw fail(key, "expected an integer, found " + found(v) + quotedHint(v));
        }
        return v.longValue();
      }

      double number(String key) {
        JsonNode v = required(key);
        if (!v.isNumber()) {
          throw fail(key, "expected a number, found " + found(v) + quotedHint(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
          throw fail(key, "expected a finite number, found " + v.asText());
        }
        return d;
      }

      double positive(String key) {
        double d = number(key);
        if (!(d > 0)) {
          throw fail(key, "expected a number > 0, found " + d);
        }
        return d;
      }

      double nonNegative(String key, double dflt) {
        if (!node.has(key)) {
          return dflt;
        }
        double d = number(key);
        if (d < 0) {
          throw fail(key, "expected a number >= 0, found " + d);
        }
        return d;
      }

      double share(String key, double dflt, boolean oneAllowed) {
        if (!node.has(key)) {
          return dflt;
        }
        double d = number(key);
        if (d < 0 || d > 1 || (!oneAllowed && d == 1)) {
          throw fail(key, "expected a share in [0, 1" + (oneAllowed ? "]" : ")") + ", found " + d);
        }
        return d;
      }

      boolean bool(String key, boolean dflt) {
        if (!node.has(key)) {
          return dflt;
        }
        JsonNode v = required(key);
        if (!v.isBoolean()) {
          throw fail(key, "expected true or false, found " + found(v));
        }
        return v.booleanValue();
      }

      /** A scalar as text: strings, and numbers or booleans as written. */
      String text(String key) {
        JsonNode v = required(key);
        if (!v.isValueNode()) {
          throw fail(key, "expected a text value, found " + found(v));
        }
        String s = v.asText().strip();
        if (s.isEmpty()) {
          throw fail(key, "expected a text value, found an empty one");
        }
        return s;
      }

      List<String> textList(String key) {
        JsonNode v = required(key);
        if (!v.isArray()) {
          throw fail(key, "expected a list, found " + found(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
          JsonNode e = v.get(i);
          if (!e.isTextual() && !e.isNumber()) {
            throw failElement(key, i, "expected a name, found " + found(e));
          }
          out.add(e.asText().strip());
        }
        return out;
      }

      String safeName(String key, String dflt) {
        if (dflt != null && !node.has(key)) {
          return dflt;
        }
        String s = text(key);
        if (!SAFE_NAME.matcher(s).matches()) {
          throw fail(
              key,
              "expected letters, digits, '.', '_' or '-' (not starting with '.' or "
                  + "'-'), found '"
                  + s
                  + "'");
        }
        return s;
      }

      Path path(String key) {
        return baseDir.resolve(text(key)).normalize();
      }

      Path existingFile(String key) {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
          throw fail(key, (Files.exists(p) ? "not a regular file: " : "no such file: ") + p);
        }
        return p;
      }

      ModelRef model(String key, boolean noiseAllowed) {
        if (!node.has(key)) {
          return ModelRef.builtin(ModelRef.PAPER);
        }
        String s = text(key);
        boolean noise = noiseAllowed && s.equals(ModelRef.PAPER_WITH_LEVEL_NOISE);
        if (s.equals(ModelRef.PAPER) || noise) {
          return ModelRef.builtin(s);
        }
        Path p = baseDir.resolve(s).normalize();
        if (Files.isDirectory(p)) {
          // A model artifact (export): verified, then its model.json is the model file.
          try {
            ArtifactReader.open(p);
          } catch (ModelSpecException e) {
            throw fail(key, "cannot use the model artifact " + p + ": " + e.getMessage());
          }
          return ModelRef.file(p.resolve(ArtifactMetadata.MODEL_FILE));
        }
        if (!Files.isRegularFile(p)) {
          throw fail(
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

      Device device(String key) {
        if (!node.has(key)) {
          return Device.AUTO;
        }
        String s = text(key);
        for (Device d : Device.values()) {
          if (d.yamlName().equals(s)) {
            return d;
          }
        }
        throw fail(key, "expected auto, cpu or gpu, found '" + s + "'");
      }
    }
  }

  /** How a value is described in messages: text quoted, numbers as written, else its kind. */
  static String found(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "no value";
    }
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isTextual()) {
      String s = v.asText();
      return "'" + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
    }
    return v.asText();
  }

  /** A hint for text that would be a number without its quotes. */
  private static String quotedHint(JsonNode v) {
    if (v.isTextual()) {
      try {
        Double.parseDouble(v.asText().strip());
        return " (text: remove the quotes)";
      } catch (NumberFormatException e) {
        return "";
      }
    }
    return "";
  }

  /** " (did you mean 'x'?)" for a name close to one of {@code known}, else "". */
  static String suggestion(String name, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name.toLowerCase(), k.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(1, name.length() / 3)
        ? " (did you mean '" + best + "'?)"
        : "";
  }

  /** Levenshtein distance with adjacent transpositions counted as one edit. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
