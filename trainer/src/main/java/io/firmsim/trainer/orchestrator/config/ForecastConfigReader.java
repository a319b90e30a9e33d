package io.firmsim.trainer.orchestrator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.model.ForecasterSpecException;
import io.firmsim.trainer.forecast.train.LearningRateSchedule;
import io.firmsim.trainer.forecast.train.LossKind;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Device;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Ensemble;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Output;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Training;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a forecaster training configuration ({@code firmsim train CONFIG.yaml} whose top level is a
 * {@code forecast:} section) into a validated {@link ForecastConfig}. The schema, with defaults;
 * keys are case-sensitive camelCase and a key not listed is an error:
 *
 * <pre>
 * forecast:
 *   series: train.csv           # required; M4 (id,V1..) or long (series,time,value) layout
 *   frequency: yearly           # required; a label recorded in the artifact
 *   horizon: 6                  # required, &gt;= 1
 *   seasonalPeriod: 1           # default 1, &gt;= 1 (MASE's scale)
 *   model:                      # required; a ForecasterSpec: kind and its settings
 *     kind: nbeats-generic      #   nbeats-generic, nbeats-interpretable or lstm
 *     stacks: 30                #   ... the kind's settings, paper defaults (ForecasterSpec)
 *     lookbackMultiple: 2       #   used when ensemble.lookbackMultiples is absent
 *     scaling: none             #   none, last or max
 *   training:                   # optional
 *     steps: 1000               # &gt;= 1
 *     batchSize: 256            # &gt;= 1
 *     learningRate: 0.001       # &gt;= 0
 *     clipGradient: 1.0         # &gt;= 0, 0 = none
 *     validationEvery: 100      # &gt;= 1
 *     earlyStoppingPatience: 0  # &gt;= 0, 0 = none
 *     learningRateSchedule: constant  # constant or cosine (to 1% of learningRate at the end)
 *     holdOut: true             # hold out each series' last H points for validation; false:
 *                               #   train on every point, no validation (patience must be 0)
 *     historyLimit: 10          # &gt; 0, L_H in horizons
 *     device: cpu               # cpu or gpu
 *     parallelism: 1            # 1..1024 members trained at once
 *   ensemble:                   # optional; members = the Cartesian product
 *     lookbackMultiples: [2, 3] # default [model.lookbackMultiple]
 *     losses: [smape, mase]     # default [smape]; smape, mase, mae
 *     seeds: [1, 2]             # default [1]
 *   output:                     # required
 *     directory: out/models     #   required; the artifact is DIRECTORY/NAME/VERSION
 *     name: m3-yearly           #   required; letters, digits, . _ + -
 *     version: "1"              #   default "1"
 * </pre>
 *
 * <p>Guarantees as {@link TrainingConfigReader}: every problem is a {@link ConfigException} naming
 * the file, the line and the dotted YAML path ({@code forecast.model.width}); types are strict; a
 * repeated key, a key with no value and a repeated list element are errors. Stateless and
 * thread-safe.
 */
public final class ForecastConfigReader {
  /** The top-level key that marks a forecaster configuration. */
  public static final String SECTION = "forecast";

  /** The most members trained at once. */
  public static final int MAX_PARALLELISM = 1_024;

  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = new ObjectMapper(YAML);
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

  private ForecastConfigReader() {}

  /**
   * Whether the file is a forecaster configuration: YAML whose top level is a mapping with the key
   * {@value #SECTION}. A file that cannot be read or parsed is not (the firm-model reader then
   * reports its problem).
   */
  public static boolean isForecastConfig(Path file) {
    try {
      JsonNode root = MAPPER.readTree(Files.readString(file));
      return root != null && root.isObject() && root.has(SECTION);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException if the file cannot be read or breaks a rule of the class doc
   */
  public static ForecastConfig read(Path file) {
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
   * Validates configuration text as if read from {@code file} (named in messages; relative paths
   * resolve against its folder).
   *
   * @throws ConfigException if the text breaks a rule of the class doc
   */
  public static ForecastConfig parse(String text, Path file) {
    return new Reading(file, text).run();
  }

  /** One reading: the file, its tree and the line of every key. */
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

    ForecastConfig run() {
      JsonNode root;
      try {
        try (JsonParser p = YAML.createParser(text)) {
          JsonToken t;
          while ((t = p.nextToken()) != null) {
            if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
              lines.putIfAbsent(
                  p.getParsingContext().pathAsPointer().toString(),
                  p.currentTokenLocation().getLineNr());
            }
          }
        }
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
      if (root == null || !root.isObject()) {
        throw ConfigException.at(name, 1, null, "expected a mapping with the key 'forecast'");
      }
      Obj top = new Obj((ObjectNode) root, "", "");
      top.allow(SECTION);
      Obj f = top.obj(SECTION, true);
      f.allow(
          "series",
          "frequency",
          "horizon",
          "seasonalPeriod",
          "model",
          "training",
          "ensemble",
          "output");
      Path series = f.existingFile("series");
      String frequency = f.text("frequency");
      int horizon = f.integer("horizon", null, 1, Integer.MAX_VALUE);
      int period = f.integer("seasonalPeriod", 1, 1, Integer.MAX_VALUE);
      ForecasterSpec model = model(f);
      Training training = training(f.obj("training", false));
      Ensemble ensemble = ensemble(f.obj("ensemble", false), model);
      Obj o = f.obj("output", true);
      o.allow("directory", "name", "version");
      Output output =
          new Output(
              baseDir.resolve(o.text("directory")).normalize(),
              o.safeName("name", null),
              o.safeName("version", "1"));
      ForecastConfig config =
          new ForecastConfig(
              file, series, frequency, horizon, period, model, training, ensemble, output);
      for (ForecastConfig.Member m : config.members()) {
        try {
          m.spec().build(horizon, m.seed());
        } catch (IllegalArgumentException e) {
          throw f.fail("model", "does not suit horizon " + horizon + ": " + e.getMessage());
        }
      }
      return config;
    }

    private ForecasterSpec model(Obj f) {
      Obj m = f.obj("model", true);
      try {
        return ForecasterSpec.fromJson(m.node);
      } catch (ForecasterSpecException e) {
        if (e.key() == null) {
          throw m.failHere(e.problem());
        }
        throw m.fail(e.key(), e.problem());
      }
    }

    private Training training(Obj t) {
      Training d = Training.DEFAULTS;
      if (t == null) {
        return d;
      }
      t.allow(
          "steps",
          "batchSize",
          "learningRate",
          "learningRateSchedule",
          "clipGradient",
          "validationEvery",
          "earlyStoppingPatience",
          "holdOut",
          "historyLimit",
          "device",
          "parallelism");
      Device device = d.device();
      if (t.has("device")) {
        String s = t.text("device");
        device =
            switch (s) {
              case "cpu" -> Device.CPU;
              case "gpu" -> Device.GPU;
              default -> throw t.fail("device", "expected cpu or gpu, found '" + s + "'");
            };
      }
      LearningRateSchedule schedule = d.learningRateSchedule();
      if (t.has("learningRateSchedule")) {
        String v = t.text("learningRateSchedule");
        try {
          schedule = LearningRateSchedule.parse(v);
        } catch (IllegalArgumentException ex) {
          throw t.fail("learningRateSchedule", "expected constant or cosine, found '" + v + "'");
        }
      }
      boolean holdOut = d.holdOut();
      if (t.has("holdOut")) {
        JsonNode v = t.node.get("holdOut");
        if (!v.isBoolean()) {
          throw t.fail("holdOut", "expected true or false, found " + v);
        }
        holdOut = v.booleanValue();
      }
      int patience =
          t.integer("earlyStoppingPatience", d.earlyStoppingPatience(), 0, Integer.MAX_VALUE);
      if (!holdOut && patience > 0) {
        throw t.fail(
            "earlyStoppingPatience",
            "early stopping needs the validation hold-out; set holdOut: true or patience 0");
      }
      return new Training(
          t.integer("steps", d.steps(), 1, Integer.MAX_VALUE),
          t.integer("batchSize", d.batchSize(), 1, Integer.MAX_VALUE),
          t.number("learningRate", d.learningRate(), 0, false),
          schedule,
          t.number("clipGradient", d.clipGradient(), 0, false),
          t.integer("validationEvery", d.validationEvery(), 1, Integer.MAX_VALUE),
          patience,
          holdOut,
          t.number("historyLimit", d.historyLimit(), 0, true),
          device,
          t.integer("parallelism", d.parallelism(), 1, MAX_PARALLELISM));
    }

    private Ensemble ensemble(Obj e, ForecasterSpec model) {
      if (e == null) {
        return new Ensemble(
            List.of(model.lookbackMultiple()), List.of(LossKind.SMAPE), List.of(1L));
      }
      e.allow("lookbackMultiples", "losses", "seeds");
      List<Integer> multiples = new ArrayList<>();
      List<LossKind> losses = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      if (e.has("lookbackMultiples")) {
        JsonNode list = e.list("lookbackMultiples");
        for (int i = 0; i < list.size(); i++) {
          JsonNode v = list.get(i);
          if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            throw e.failElement("lookbackMultiples", i, "expected an integer >= 1, found " + v);
          }
          if (multiples.contains(v.intValue())) {
            throw e.failElement("lookbackMultiples", i, v + " is listed twice");
          }
          multiples.add(v.intValue());
        }
      } else {
        multiples.add(model.lookbackMultiple());
      }
      if (e.has("losses")) {
        JsonNode list = e.list("losses");
        for (int i = 0; i < list.size(); i++) {
          JsonNode v = list.get(i);
          LossKind k;
          try {
            if (!v.isTextual()) {
              throw new IllegalArgumentException("expected smape, mase, mae or mape, found " + v);
            }
            k = LossKind.parse(v.asText());
          } catch (IllegalArgumentException ex) {
            throw e.failElement("losses", i, ex.getMessage());
          }
          if (losses.contains(k)) {
            throw e.failElement("losses", i, v.asText() + " is listed twice");
          }
          losses.add(k);
        }
      } else {
        losses.add(LossKind.SMAPE);
      }
      if (e.has("seeds")) {
        JsonNode list = e.list("seeds");
        for (int i = 0; i < list.size(); i++) {
          JsonNode v = list.get(i);
          if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw e.failElement("seeds", i, "expected an integer, found " + v);
          }
          if (seeds.contains(v.longValue())) {
            throw e.failElement("seeds", i, v + " is listed twice");
          }
          seeds.add(v.longValue());
        }
      } else {
        seeds.add(1L);
      }
      return new Ensemble(multiples, losses, seeds);
    }

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

      void allow(String... known) {
        List<String> allowed = List.of(known);
        Set<String> seen = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          seen.add(key);
          if (!allowed.contains(key)) {
            int line = lineOf(key);
            String where = path.isEmpty() ? "the top level" : path;
            throw new ConfigException(
                name
                    + (line >= 1 ? ", line " + line : "")
                    + ", at "
                    + dotted(key)
                    + ": unknown key '"
                    + key
                    + "' at "
                    + where
                    + " (known: "
                    + String.join(", ", allowed)
                    + ")"
                    + TrainingConfigReader.suggestion(key, allowed),
                line,
                dotted(key),
                null);
          }
        }
      }

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
          throw fail(key, "no value given");
        }
        return v;
      }

      Obj obj(String key, boolean required) {
        if (!required && !node.has(key)) {
          return null;
        }
        JsonNode v = required(key);
        if (!v.isObject()) {
          throw fail(
              key, "expected a mapping of keys to values, found " + TrainingConfigReader.found(v));
        }
        return new Obj((ObjectNode) v, dotted(key), pointerOf(key));
      }

      JsonNode list(String key) {
        JsonNode v = required(key);
        if (!v.isArray() || v.isEmpty()) {
          throw fail(key, "expected a non-empty list, found " + TrainingConfigReader.found(v));
        }
        return v;
      }

      Integer integer(String key, Integer dflt, int min, int max) {
        if (dflt != null && !node.has(key)) {
          return dflt;
        }
        JsonNode v = required(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
          throw fail(key, "expected an integer, found " + TrainingConfigReader.found(v));
        }
        if (v.intValue() < min || v.intValue() > max) {
          throw fail(
              key,
              "expected an integer >= "
                  + min
                  + (max < Integer.MAX_VALUE ? " and <= " + max : "")
                  + ", found "
                  + v.intValue());
        }
        return v.intValue();
      }

      double number(String key, double dflt, double min, boolean strict) {
        if (!node.has(key)) {
          return dflt;
        }
        JsonNode v = required(key);
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
          throw fail(key, "expected a finite number, found " + TrainingConfigReader.found(v));
        }
        double d = v.doubleValue();
        if (strict ? !(d > min) : !(d >= min)) {
          throw fail(key, "expected a number " + (strict ? "> " : ">= ") + min + ", found " + d);
        }
        return d;
      }

      String text(String key) {
        JsonNode v = required(key);
        if (!v.isValueNode()) {
          throw fail(key, "expected a text value, found " + TrainingConfigReader.found(v));
        }
        return v.asText().strip();
      }

      String safeName(String key, String dflt) {
        if (dflt != null && !node.has(key)) {
          return dflt;
        }
        String s = text(key);
        if (!SAFE_NAME.matcher(s).matches()) {
          throw fail(
              key,
              "expected a letter or digit, then letters, digits, '.', '_', '+' or '-', found '"
                  + s
                  + "'");
        }
        return s;
      }

      Path existingFile(String key) {
        Path p = baseDir.resolve(text(key)).normalize();
        if (!Files.isRegularFile(p)) {
          throw fail(key, (Files.exists(p) ? "not a regular file: " : "no such file: ") + p);
        }
        return p;
      }
    }
  }
}
