package io.firmsim.trainer.orchestrator.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.model.ForecasterSpecException;
import io.firmsim.trainer.forecast.train.LearningRateSchedule;
import io.firmsim.trainer.forecast.train.LossKind;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Device;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Ensemble;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Output;
import io.firmsim.trainer.orchestrator.config.ForecastConfig.Training;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

  private ForecastConfigReader() {}

  /**
   * Whether the file is a forecaster configuration: YAML whose top level is a mapping with the key
   * {@value #SECTION}. A file that cannot be read or parsed is not (the firm-model reader then
   * reports its problem).
   */
  public static boolean isForecastConfig(Path file) {
    return YamlDocument.hasTopLevelKey(file, SECTION);
  }

  /**
   * Reads and validates a configuration file.
   *
   * @throws ConfigException if the file cannot be read or breaks a rule of the class doc
   */
  public static ForecastConfig read(Path file) {
    return parse(YamlDocument.readText(file), file);
  }

  /**
   * Validates configuration text as if read from {@code file} (named in messages; relative paths
   * resolve against its folder).
   *
   * @throws ConfigException if the text breaks a rule of the class doc
   */
  public static ForecastConfig parse(String text, Path file) {
    return new Reading(YamlDocument.parse(text, file)).run();
  }

  /** One reading: the parsed file. */
  private static final class Reading {
    private final YamlDocument doc;

    Reading(YamlDocument doc) {
      this.doc = doc;
    }

    ForecastConfig run() {
      if (doc.isEmpty() || !doc.root().isObject()) {
        throw ConfigException.at(doc.name(), 1, null, "expected a mapping with the key 'forecast'");
      }
      YamlMapping top = doc.top("a mapping with the key 'forecast'");
      top.allow(SECTION);
      YamlMapping f = top.obj(SECTION, true);
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
      YamlMapping o = f.obj("output", true);
      o.allow("directory", "name", "version");
      Output output =
          new Output(
              o.path("directory"), o.artifactName("name", null), o.artifactName("version", "1"));
      ForecastConfig config =
          new ForecastConfig(
              doc.file(), series, frequency, horizon, period, model, training, ensemble, output);
      for (ForecastConfig.Member m : config.members()) {
        try {
          m.spec().build(horizon, m.seed());
        } catch (IllegalArgumentException e) {
          throw f.fail("model", "does not suit horizon " + horizon + ": " + e.getMessage());
        }
      }
      return config;
    }

    private ForecasterSpec model(YamlMapping f) {
      YamlMapping m = f.obj("model", true);
      try {
        return ForecasterSpec.fromJson(m.node());
      } catch (ForecasterSpecException e) {
        if (e.key() == null) {
          throw m.failHere(e.problem());
        }
        throw m.fail(e.key(), e.problem());
      }
    }

    private Training training(YamlMapping t) {
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
        JsonNode v = t.get("holdOut");
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

    private Ensemble ensemble(YamlMapping e, ForecasterSpec model) {
      if (e == null) {
        return new Ensemble(
            List.of(model.lookbackMultiple()), List.of(LossKind.SMAPE), List.of(1L));
      }
      e.allow("lookbackMultiples", "losses", "seeds");
      List<Integer> multiples = new ArrayList<>();
      List<LossKind> losses = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      if (e.has("lookbackMultiples")) {
        JsonNode list = e.list("lookbackMultiples", false);
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
        JsonNode list = e.list("losses", false);
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
        JsonNode list = e.list("seeds", false);
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
  }
}
