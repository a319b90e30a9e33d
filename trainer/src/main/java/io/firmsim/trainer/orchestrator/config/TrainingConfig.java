package io.firmsim.trainer.orchestrator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.vocabulary.Feature;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration of one {@code firmsim train CONFIG.yaml} run, as read and validated by {@link
 * TrainingConfigReader}: where the panel comes from, which model structure is refitted and where
 * the result goes, the settings of the fits, and the thresholds of the data-quality gates. Every
 * default is filled in, every path is resolved (against the directory of the configuration file),
 * every equation is named by its target; the records hold no YAML.
 *
 * <p>All records are immutable (lists and maps are copied in) and compare by value. {@link
 * #section} and {@link #canonical} render a section, or the whole configuration, as JSON with
 * sorted keys and every default written out, so that two files that mean the same run (keys in
 * another order, a default written or left out) hash the same.
 *
 * @param source the configuration file it was read from
 * @param data where the firm-year panel comes from
 * @param model the structure to refit and where the trained model goes
 * @param training the settings of the fits
 * @param gates the thresholds of the data-quality gates
 */
public record TrainingConfig(Path source, Data data, Model model, Training training, Gates gates) {

  /** The section names of the file, in file order: the arguments {@link #section} accepts. */
  public static final List<String> SECTIONS = List.of("data", "model", "training", "gates");

  public TrainingConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(gates, "gates");
  }

  // ------------------------------------------------------------------ data

  /**
   * Where the panel comes from: exactly one of {@code panel} (a file) and {@code generate} (a
   * synthetic panel simulated on the fly) is present.
   *
   * @param panel a firm-year panel file, CSV or Parquet ({@code .parquet}), resolved
   * @param generate the simulation that produces a synthetic panel
   * @param macro the macro path the panel's years ran under (CSV), resolved; absent: the default
   *     scenario ({@code dgnp = realr = 0})
   */
  public record Data(Optional<Path> panel, Optional<Generate> generate, Optional<Path> macro) {
    public Data {
      Objects.requireNonNull(panel, "panel");
      Objects.requireNonNull(generate, "generate");
      Objects.requireNonNull(macro, "macro");
      if (panel.isPresent() == generate.isPresent()) {
        throw new IllegalArgumentException("exactly one of panel and generate must be given");
      }
    }

    /** Whether the panel file is Parquet (by its extension, {@code .parquet}); false for CSV. */
    public boolean parquet() {
      return panel
          .map(p -> p.getFileName().toString().toLowerCase().endsWith(".parquet"))
          .orElse(false);
    }
  }

  /**
   * A synthetic panel: {@code firms} start-up firms simulated for {@code burnIn} unrecorded years
   * and then {@code years} recorded ones.
   *
   * @param firms number of firms, positive
   * @param years recorded years, at least 2 (a fit needs a firm's previous year)
   * @param burnIn years simulated before recording, non-negative
   * @param seed seed of the population and the simulation
   * @param model the data-generating model
   */
  public record Generate(int firms, int years, int burnIn, long seed, ModelRef model) {
    public Generate {
      Objects.requireNonNull(model, "model");
    }
  }

  /**
   * A model: one of the built-in ones ({@code paper}, {@code paper-with-level-noise}) or a model
   * JSON file. Exactly one of {@code builtin} and {@code file} is non-null.
   *
   * @param builtin name of a built-in model, or null
   * @param file a model JSON file (resolved), or null
   */
  public record ModelRef(String builtin, Path file) {
    /** The paper model, MODEL.md. */
    public static final String PAPER = "paper";

    /** The paper model with stated level noise ({@code StatedLevelNoise}). */
    public static final String PAPER_WITH_LEVEL_NOISE = "paper-with-level-noise";

    public ModelRef {
      if ((builtin == null) == (file == null)) {
        throw new IllegalArgumentException("exactly one of builtin and file must be given");
      }
    }

    /** The built-in model of this name. */
    public static ModelRef builtin(String name) {
      return new ModelRef(name, null);
    }

    /** The model in this JSON file. */
    public static ModelRef file(Path file) {
      return new ModelRef(null, file);
    }

    /**
     * Loads the model's structure. Both built-in models have the paper's structure (the level noise
     * changes no equation, submodel or feature), so either loads as the paper model; callers that
     * need the noise itself build it with {@code StatedLevelNoise}.
     *
     * @throws io.firmsim.zoo.modelspec.ModelSpecException if a model file cannot be read or is
     *     invalid
     */
    public ModelSpec loadStructure() {
      return file == null ? PaperModel.load() : ModelSpecReader.read(file);
    }

    @Override
    public String toString() {
      return builtin != null ? builtin : file.toString();
    }
  }

  // ------------------------------------------------------------------ model

  /**
   * The structure to refit and where the trained model goes.
   *
   * @param base the model whose equations, submodels and feature lists are refitted
   * @param output where the trained model is written
   */
  public record Model(ModelRef base, Output output) {
    public Model {
      Objects.requireNonNull(base, "base");
      Objects.requireNonNull(output, "output");
    }
  }

  /**
   * Where the trained model is written: {@code directory/name/version} (the orchestrator's layout).
   * Name and version are safe as file names: letters, digits, {@code . _ -}, not starting with a
   * dot.
   *
   * @param directory the output directory, resolved
   * @param name the model's name
   * @param version the model's version (default {@code "1"})
   */
  public record Output(Path directory, String name, String version) {
    public Output {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
    }
  }

  // ------------------------------------------------------------------ training

  /** Where the fits run. */
  public enum Device {
    /** A GPU if one is usable, else the CPU. */
    AUTO,
    CPU,
    GPU;

    /** The spelling in configuration files: lower case. */
    public String yamlName() {
      return name().toLowerCase();
    }
  }

  /**
   * Settings of the fits.
   *
   * @param seed seed of the validation split and of anything random in training
   * @param device where the fits run
   * @param parallelism submodel fits run at once, positive
   * @param validationShare share of firms held out for validation, in [0, 1): firms are assigned by
   *     a hash of their id and the seed, so all years of a firm fall on one side
   * @param defaults settings of every fit unless a submodel overrides them
   * @param equations the equations to fit, as targets in table order (T1 first); all of the base
   *     model's by default
   * @param submodels per-submodel overrides keyed {@code TARGET.submodel} (e.g. {@code DCA.level}),
   *     in key order; every key names a submodel of a selected equation
   */
  public record Training(
      long seed,
      Device device,
      int parallelism,
      double validationShare,
      TaskSettings defaults,
      List<String> equations,
      Map<String, SubmodelSettings> submodels) {
    public Training {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(defaults, "defaults");
      equations = List.copyOf(equations);
      submodels = Collections.unmodifiableMap(new TreeMap<>(submodels));
    }

    /** The effective settings of a submodel ({@code TARGET.submodel}): defaults plus overrides. */
    public TaskSettings settings(String submodelKey) {
      SubmodelSettings s = submodels.get(submodelKey);
      return s == null ? defaults : s.over(defaults);
    }

    /** The feature list that replaces the base model's for a submodel, if one is configured. */
    public Optional<List<Feature>> features(String submodelKey) {
      SubmodelSettings s = submodels.get(submodelKey);
      return s == null ? Optional.empty() : s.features();
    }
  }

  /**
   * Settings of one fit.
   *
   * @param maxIterations iterations before a fit gives up, positive
   * @param parameterTolerance on the largest standardized parameter change, positive
   * @param objectiveTolerance on the relative objective change, positive
   * @param allowNonConverged whether a fit that did not converge is kept (else the run fails)
   * @param earlyStoppingPatience for iterative fits with a validation set: iterations without
   *     improvement of the validation objective before stopping; 0 disables early stopping
   */
  public record TaskSettings(
      int maxIterations,
      double parameterTolerance,
      double objectiveTolerance,
      boolean allowNonConverged,
      int earlyStoppingPatience) {
    /** The defaults: those of {@link FitOptions#DEFAULTS}, non-converged fits refused. */
    public static final TaskSettings DEFAULTS =
        new TaskSettings(
            FitOptions.DEFAULTS.maxIterations(),
            FitOptions.DEFAULTS.parameterTolerance(),
            FitOptions.DEFAULTS.objectiveTolerance(),
            false,
            0);

    /** The convergence settings as the estimators take them. */
    public FitOptions fitOptions() {
      return new FitOptions(maxIterations, parameterTolerance, objectiveTolerance);
    }
  }

  /**
   * Overrides for one submodel; an empty field keeps the default.
   *
   * @param features the submodel's features instead of the base model's, non-empty, no repeats
   */
  public record SubmodelSettings(
      Optional<List<Feature>> features,
      Optional<Integer> maxIterations,
      Optional<Double> parameterTolerance,
      Optional<Double> objectiveTolerance,
      Optional<Boolean> allowNonConverged,
      Optional<Integer> earlyStoppingPatience) {
    public SubmodelSettings {
      features = features.map(List::copyOf);
      Objects.requireNonNull(maxIterations, "maxIterations");
      Objects.requireNonNull(parameterTolerance, "parameterTolerance");
      Objects.requireNonNull(objectiveTolerance, "objectiveTolerance");
      Objects.requireNonNull(allowNonConverged, "allowNonConverged");
      Objects.requireNonNull(earlyStoppingPatience, "earlyStoppingPatience");
    }

    /** These overrides applied to {@code defaults}. */
    public TaskSettings over(TaskSettings defaults) {
      return new TaskSettings(
          maxIterations.orElse(defaults.maxIterations()),
          parameterTolerance.orElse(defaults.parameterTolerance()),
          objectiveTolerance.orElse(defaults.objectiveTolerance()),
          allowNonConverged.orElse(defaults.allowNonConverged()),
          earlyStoppingPatience.orElse(defaults.earlyStoppingPatience()));
    }
  }

  // ------------------------------------------------------------------ gates

  /**
   * Thresholds of the data-quality gates run before any fit (see {@code
   * io.firmsim.trainer.orchestrator.gates.QualityGates}).
   *
   * @param enabled whether the gates run at all (default true)
   * @param maxMissingShare largest share of empty, non-numeric or non-finite cells a column may
   *     have, in [0, 1] (default 0)
   * @param balanceTolerance a row breaks the balance identity when {@code |assets - liabilities| >
   *     balanceTolerance * max(1, assets)}, non-negative (default 1e-6, MODEL.md section 1)
   * @param negativeTolerance a non-negative stock is negative when below {@code -negativeTolerance
   *     * max(1, assets)}, non-negative (default 1e-6)
   * @param minObservations fewest rows a submodel's subsample may have (default 50)
   * @param minEvents fewest rows each outcome of a binary or ordinal submodel may have (default 20)
   * @param outlierZ robust z above which a value is counted as extreme, positive (default 50)
   * @param maxOutlierShare largest share of extreme values a column may have, in [0, 1] (default
   *     0.05: firm data are heavy-tailed, and a panel simulated with the paper model has about 1%
   *     of its {@code RR} values beyond a robust z of 50, all of them legitimate)
   */
  public record Gates(
      boolean enabled,
      double maxMissingShare,
      double balanceTolerance,
      double negativeTolerance,
      int minObservations,
      int minEvents,
      double outlierZ,
      double maxOutlierShare) {
    /** The defaults of the class doc. */
    public static final Gates DEFAULTS = new Gates(true, 0.0, 1e-6, 1e-6, 50, 20, 50, 0.05);
  }

  // ------------------------------------------------------------------ canonical form

  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * A section ({@code data}, {@code model}, {@code training} or {@code gates}) as a JSON tree with
   * the keys of the YAML schema, in sorted order at every level, and every default written out.
   * Paths are their resolved string form; numbers keep their type (integers as integers).
   *
   * @throws IllegalArgumentException for another section name
   */
  public JsonNode section(String name) {
    return switch (name) {
      case "data" -> sorted(dataNode());
      case "model" -> sorted(modelNode());
      case "training" -> sorted(trainingNode());
      case "gates" -> sorted(gatesNode());
      default ->
          throw new IllegalArgumentException(
              "unknown section '" + name + "'; sections are " + SECTIONS);
    };
  }

  /** The whole configuration as one sorted JSON tree: an object of the four sections. */
  public JsonNode tree() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (String s : SECTIONS) {
      root.set(s, section(s));
    }
    return sorted(root);
  }

  /** {@link #section} as compact JSON text: the same text for the same meaning, for hashing. */
  public String canonical(String name) {
    return write(section(name));
  }

  /** {@link #tree} as compact JSON text, for hashing. */
  public String canonical() {
    return write(tree());
  }

  private static String write(JsonNode node) {
    try {
      return CANONICAL.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of plain nodes always serialises
    }
  }

  /** A deep copy of a tree with every object's keys in sorted order. */
  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Map<String, JsonNode> fields = new TreeMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
      fields.forEach((k, v) -> out.set(k, sorted(v)));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(v -> out.add(sorted(v)));
      return out;
    }
    return node;
  }

  private ObjectNode dataNode() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    data.panel().ifPresent(p -> n.put("panel", p.toString()));
    data.generate()
        .ifPresent(
            g -> {
              ObjectNode o = n.putObject("generate");
              o.put("firms", g.firms()).put("years", g.years()).put("burnIn", g.burnIn());
              o.put("seed", g.seed()).put("model", g.model().toString());
            });
    data.macro().ifPresent(p -> n.put("macro", p.toString()));
    return n;
  }

  private ObjectNode modelNode() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("base", model.base().toString());
    ObjectNode o = n.putObject("output");
    o.put("directory", model.output().directory().toString());
    o.put("name", model.output().name()).put("version", model.output().version());
    return n;
  }

  private ObjectNode trainingNode() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("seed", training.seed()).put("device", training.device().yamlName());
    n.put("parallelism", training.parallelism());
    n.put("validationShare", training.validationShare());
    n.set("defaults", settingsNode(training.defaults()));
    ArrayNode eq = n.putArray("equations");
    training.equations().forEach(eq::add);
    ObjectNode subs = n.putObject("submodels");
    training
        .submodels()
        .forEach(
            (key, s) -> {
              ObjectNode o = subs.putObject(key);
              s.features()
                  .ifPresent(
                      fs -> {
                        ArrayNode a = o.putArray("features");
                        fs.forEach(f -> a.add(f.name()));
                      });
              s.maxIterations().ifPresent(v -> o.put("maxIterations", v));
              s.parameterTolerance().ifPresent(v -> o.put("parameterTolerance", v));
              s.objectiveTolerance().ifPresent(v -> o.put("objectiveTolerance", v));
              s.allowNonConverged().ifPresent(v -> o.put("allowNonConverged", v));
              s.earlyStoppingPatience().ifPresent(v -> o.put("earlyStoppingPatience", v));
            });
    return n;
  }

  private static ObjectNode settingsNode(TaskSettings t) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("maxIterations", t.maxIterations());
    o.put("parameterTolerance", t.parameterTolerance());
    o.put("objectiveTolerance", t.objectiveTolerance());
    o.put("allowNonConverged", t.allowNonConverged());
    o.put("earlyStoppingPatience", t.earlyStoppingPatience());
    return o;
  }

  private ObjectNode gatesNode() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("enabled", gates.enabled());
    o.put("maxMissingShare", gates.maxMissingShare());
    o.put("balanceTolerance", gates.balanceTolerance());
    o.put("negativeTolerance", gates.negativeTolerance());
    o.put("minObservations", gates.minObservations());
    o.put("minEvents", gates.minEvents());
    o.put("outlierZ", gates.outlierZ());
    o.put("maxOutlierShare", gates.maxOutlierShare());
    return o;
  }
}
