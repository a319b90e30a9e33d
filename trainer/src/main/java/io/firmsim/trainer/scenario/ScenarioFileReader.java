package io.firmsim.trainer.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.model.ModelSource;
import io.firmsim.simulator.scenario.AlignmentTarget;
import io.firmsim.simulator.scenario.MacroPlan;
import io.firmsim.simulator.scenario.Magnitude;
import io.firmsim.simulator.scenario.PopulationPlan;
import io.firmsim.simulator.scenario.RecoverySettings;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.ScenarioPlan.FirmDifferences;
import io.firmsim.simulator.scenario.ScenarioPlan.RunSettings;
import io.firmsim.simulator.scenario.Selection;
import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.trainer.orchestrator.config.ConfigException;
import io.firmsim.trainer.orchestrator.config.YamlDocument;
import io.firmsim.trainer.orchestrator.config.YamlMapping;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.ModelRepository;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a stress-scenario file ({@code firmsim scenario run FILE.yaml}) into a validated {@link
 * ScenarioPlan}. The format, every key's default and every refusal are in docs/SCENARIOS.md, "The
 * scenario file"; {@code examples/scenarios/stress.yaml} is a commented example.
 *
 * <p>Guarantees: every problem is a {@link ConfigException} (exit 2) whose message names the file,
 * the line and the key path ({@code stress.yaml, line 14, at scenarios[1].shocks[0].magnitude:
 * expected a number or a mapping with one of uniform, normal, found 'big'}); one problem is
 * reported, the first met in the order of docs/SCENARIOS.md's tables. Unknown keys are refused with
 * the known ones listed, repeated keys are refused, types are strict ({@link YamlMapping}).
 * Relative paths (model, population file, macro files and folders) resolve against the scenario
 * file's folder and must exist when the file is read. Alignment targets and tax changes are checked
 * against the model when the reader can load it (the embedded paper model, {@code paper}, a model
 * file or folder); for another repository name those checks are left to the run, which resolves the
 * name. No record constructor's {@link IllegalArgumentException} escapes: values are checked first,
 * and a constructor's refusal is reported at the key path of what it builds.
 *
 * <p>Stateless and thread-safe.
 */
public final class ScenarioFileReader {
  /** The most simulated years. */
  public static final int MAX_YEARS = 1_000;

  /** The most replicates. */
  public static final int MAX_REPLICATES = 10_000;

  /** The earliest and latest start year. */
  public static final int MIN_START_YEAR = 1;

  public static final int MAX_START_YEAR = 9_999;

  /** Default burn-in of a generated population (as {@code simulate}'s for generated firms). */
  public static final int DEFAULT_BURN_IN = 5;

  /** The baseline's name when the file gives none. */
  public static final String DEFAULT_BASELINE = "baseline";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final String NAME_RULE =
      "a name of letters, digits, '.', '_' or '-' (starting with a letter or digit)";
  private static final Pattern TABLE = Pattern.compile("T([0-9]{1,2})");

  private static final List<String> TOP_KEYS =
      List.of(
          "model",
          "population",
          "startYear",
          "years",
          "replicates",
          "seed",
          "run",
          "recovery",
          "output",
          "alignment",
          "baseline",
          "scenarios");
  private static final List<String> SHOCK_KEYS =
      List.of("kind", "start", "duration", "who", "magnitude");

  private ScenarioFileReader() {}

  /**
   * Reads and validates a scenario file.
   *
   * @throws ConfigException if the file cannot be read or breaks a rule of docs/SCENARIOS.md
   */
  public static ScenarioPlan read(Path file) {
    return parse(YamlDocument.readText(file), file);
  }

  /**
   * Validates scenario text as if read from {@code file}, which names it in messages and whose
   * folder relative paths resolve against (the file itself is not read).
   *
   * @throws ConfigException if the text breaks a rule of docs/SCENARIOS.md
   */
  public static ScenarioPlan parse(String text, Path file) {
    return new Reading(YamlDocument.parse(text, file)).run();
  }

  /** The model a file names: the plan's value and, when the reader can load it, its spec. */
  private record ModelChoice(String value, ModelSpec spec) {}

  /** The state of one reading. */
  private static final class Reading {
    private final YamlDocument doc;
    private int startYear;
    private int endYear;
    private ModelChoice model;

    Reading(YamlDocument doc) {
      this.doc = doc;
    }

    ScenarioPlan run() {
      YamlMapping top = doc.top("a mapping with keys " + String.join(", ", TOP_KEYS));
      top.allow(TOP_KEYS.toArray(String[]::new));
      model = model(top);
      PopulationPlan population = population(top.obj("population", true));
      startYear = top.integer("startYear", null, MIN_START_YEAR, MAX_START_YEAR);
      int years = top.integer("years", null, 1, MAX_YEARS);
      endYear = startYear + years - 1;
      int replicates = top.integer("replicates", 1, 1, MAX_REPLICATES);
      long seed = top.longInteger("seed", 1L);
      RunSettings run = run(top.obj("run", false));
      RecoverySettings recovery = recovery(top.obj("recovery", false));
      FirmDifferences differences = output(top.obj("output", false));
      List<AlignmentTarget> alignment = alignment(top);
      Variant baseline = baseline(top.obj("baseline", false));
      List<Variant> scenarios = scenarios(top, baseline);
      try {
        return new ScenarioPlan(
            doc.file(),
            model.value(),
            population,
            startYear,
            years,
            replicates,
            seed,
            baseline,
            scenarios,
            alignment,
            recovery,
            run,
            differences);
      } catch (IllegalArgumentException e) {
        throw top.failHere(e.getMessage());
      }
    }

    // ---------------------------------------------------------------- model and population

    private ModelChoice model(YamlMapping top) {
      if (!top.has("model")) {
        return new ModelChoice(null, PaperModel.load());
      }
      String s = top.text("model");
      Path p = doc.baseDir().resolve(s).normalize();
      if (Files.exists(p)) {
        try {
          return new ModelChoice(p.toString(), ModelSource.resolve(p.toString(), null).spec());
        } catch (BadInputException | ModelSpecException e) {
          throw top.fail("model", "cannot use the model " + p + ": " + e.getMessage());
        }
      }
      if (s.equals("paper")) {
        return new ModelChoice(s, PaperModel.load());
      }
      if (s.endsWith(".json") || !ModelRepository.isReference(s)) {
        throw top.fail(
            "model",
            "no such model file or folder: "
                + p
                + " (a repository model is named NAME or NAME/VERSION)");
      }
      return new ModelChoice(s, null);
    }

    private PopulationPlan population(YamlMapping p) {
      p.allow("generated", "file", "calibrated");
      List<String> given = p.keys();
      if (given.size() != 1) {
        throw p.failHere(
            "expected exactly one of generated, file, calibrated, found "
                + (given.isEmpty() ? "none" : String.join(", ", given)));
      }
      switch (given.get(0)) {
        case "generated" -> {
          YamlMapping g = p.obj("generated", true);
          g.allow("firms", "burnIn");
          return new PopulationPlan.Generated(
              g.integer("firms", null, 1), g.integer("burnIn", DEFAULT_BURN_IN, 0, MAX_YEARS));
        }
        case "calibrated" -> {
          YamlMapping c = p.obj("calibrated", true);
          c.allow("firms");
          return new PopulationPlan.Calibrated(c.integer("firms", null, 1));
        }
        default -> {
          return new PopulationPlan.File(p.existingFile("file"));
        }
      }
    }

    // ---------------------------------------------------------------- run, recovery, output

    private static RunSettings run(YamlMapping r) {
      RunSettings d = RunSettings.defaults();
      if (r == null) {
        return d;
      }
      r.allow("backend", "precision", "mode", "chunkSize", "workers");
      Backend backend =
          Backend.valueOf(upper(r.choice("backend", lower(d.backend()), List.of("djl", "onnx"))));
      Precision precision =
          Precision.valueOf(
              upper(r.choice("precision", lower(d.precision()), List.of("float64", "float32"))));
      ForwardMode mode =
          ForwardMode.valueOf(upper(r.choice("mode", lower(d.mode()), List.of("sample", "mean"))));
      Integer chunkSize = r.has("chunkSize") ? r.integer("chunkSize", null, 1) : null;
      int workers = r.integer("workers", d.workers(), 1, 4_096);
      return new RunSettings(backend, precision, mode, chunkSize, workers);
    }

    private static String lower(Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
      return s.toUpperCase(Locale.ROOT);
    }

    private RecoverySettings recovery(YamlMapping r) {
      RecoverySettings d = RecoverySettings.defaults();
      if (r == null) {
        return d;
      }
      r.allow("tolerance", "horizons");
      double tolerance = r.nonNegative("tolerance", d.tolerance());
      List<Integer> horizons = d.horizons();
      if (r.has("horizons")) {
        JsonNode list = r.list("horizons", false);
        horizons = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          JsonNode v = list.get(i);
          if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw r.failElement(
                "horizons", i, "expected a number of years >= 0, found " + YamlDocument.found(v));
          }
          if (i > 0 && v.intValue() <= horizons.get(i - 1)) {
            throw r.failElement(
                "horizons",
                i,
                "horizons must ascend, found " + v.intValue() + " after " + horizons.get(i - 1));
          }
          horizons.add(v.intValue());
        }
      }
      return new RecoverySettings(tolerance, horizons);
    }

    private static FirmDifferences output(YamlMapping o) {
      if (o == null) {
        return FirmDifferences.FINAL;
      }
      o.allow("firmDifferences");
      return FirmDifferences.valueOf(
          upper(o.choice("firmDifferences", "final", List.of("none", "final", "all"))));
    }

    // ---------------------------------------------------------------- alignment

    private List<AlignmentTarget> alignment(YamlMapping top) {
      if (!top.has("alignment")) {
        return List.of();
      }
      JsonNode list = top.list("alignment", true);
      List<AlignmentTarget> out = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        YamlMapping a = top.element("alignment", i);
        a.allow("equation", "submodel", "rates");
        int table = table(a);
        String target = ModelSpec.TARGETS.get(table - 1);
        String submodel = submodel(a, table, target);
        if (!seen.add(table + "." + submodel)) {
          throw a.fail("submodel", "T" + table + " " + submodel + " is aligned twice");
        }
        YamlMapping r = a.obj("rates", true);
        List<String> years = r.keys();
        if (years.isEmpty()) {
          throw a.fail("rates", "expected at least one year: rate");
        }
        Map<Integer, Double> rates = new TreeMap<>();
        for (String y : years) {
          int year;
          try {
            year = Integer.parseInt(y.strip());
          } catch (NumberFormatException e) {
            throw r.fail(y, "expected a year as the key, found '" + y + "'");
          }
          if (year < startYear || year > endYear) {
            throw r.fail(y, "year " + year + " is outside the run, " + runYears());
          }
          double rate = r.number(y);
          if (!(rate > 0 && rate < 1)) {
            throw r.fail(y, "expected a rate in (0, 1), found " + rate);
          }
          if (rates.put(year, rate) != null) {
            throw r.fail(y, "year " + year + " is given twice");
          }
        }
        try {
          out.add(new AlignmentTarget(table, submodel, new TreeMap<>(rates)));
        } catch (IllegalArgumentException e) {
          throw a.failHere(e.getMessage());
        }
      }
      return out;
    }

    private int table(YamlMapping a) {
      String s = a.text("equation");
      Matcher m = TABLE.matcher(s);
      int k = m.matches() ? Integer.parseInt(m.group(1)) : ModelSpec.TARGETS.indexOf(s) + 1;
      if (k < 1 || k > ModelSpec.TARGETS.size()) {
        throw a.fail(
            "equation",
            "expected an equation T1 to T"
                + ModelSpec.TARGETS.size()
                + " (or its target name, e.g. DLL), found '"
                + s
                + "'");
      }
      return k;
    }

    private String submodel(YamlMapping a, int table, String target) {
      String s = a.text("submodel");
      List<String> probs;
      String which;
      if (model.spec() != null) {
        EquationSpec e = model.spec().equation(target);
        probs = e.method().submodels().stream().filter(n -> n.startsWith("prob")).toList();
        which = "equation T" + table + " " + target + " (method " + e.method() + ")";
        if (e.method() == io.firmsim.zoo.modelspec.Method.MUNO) {
          // An ordinal model's two thresholds share one predictor: no single event rate to hold.
          throw a.fail(
              "equation",
              which
                  + ": the ordinal submodel 'prob' cannot be aligned (binary LLG, LLN, LSG only)");
        }
      } else {
        probs = List.of("prob", "prob_pos", "prob_neg");
        which = "a probability submodel";
      }
      if (probs.isEmpty()) {
        throw a.fail("equation", which + " has no probability submodel to align");
      }
      if (!probs.contains(s)) {
        throw a.fail(
            "submodel",
            "expected a probability submodel of "
                + which
                + ": "
                + String.join(", ", probs)
                + ", found '"
                + s
                + "'");
      }
      return s;
    }

    // ---------------------------------------------------------------- variants

    private Variant baseline(YamlMapping b) {
      if (b == null) {
        return new Variant(DEFAULT_BASELINE, new MacroPlan.Zero(), List.of());
      }
      b.allow("name", "macro");
      String name = b.name("name", DEFAULT_BASELINE, NAME, NAME_RULE);
      MacroPlan macro = b.has("macro") ? macro(b) : new MacroPlan.Zero();
      return new Variant(name, macro, List.of());
    }

    private List<Variant> scenarios(YamlMapping top, Variant baseline) {
      JsonNode list = top.list("scenarios", false);
      List<Variant> out = new ArrayList<>();
      Map<String, Integer> names = new LinkedHashMap<>();
      for (int i = 0; i < list.size(); i++) {
        YamlMapping s = top.element("scenarios", i);
        s.allow("name", "macro", "shocks");
        String name = s.name("name", null, NAME, NAME_RULE);
        if (name.equals(baseline.name())) {
          throw s.fail("name", "'" + name + "' is the baseline's name; give the scenario another");
        }
        Integer before = names.put(name, i);
        if (before != null) {
          throw s.fail(
              "name", "scenario name '" + name + "' is used twice (scenarios[" + before + "])");
        }
        MacroPlan macro = s.has("macro") ? macro(s) : baseline.macro();
        List<Shock> shocks = new ArrayList<>();
        if (s.has("shocks")) {
          JsonNode sl = s.list("shocks", true);
          for (int j = 0; j < sl.size(); j++) {
            shocks.add(shock(s.element("shocks", j)));
          }
        }
        out.add(new Variant(name, macro, shocks));
      }
      return out;
    }

    private MacroPlan macro(YamlMapping v) {
      JsonNode n = v.required("macro");
      String expected = "expected zero or a mapping with one of constant, file, paths, found ";
      if (n.isTextual()) {
        if (n.asText().strip().equals("zero")) {
          return new MacroPlan.Zero();
        }
        throw v.fail("macro", expected + YamlDocument.found(n));
      }
      if (!n.isObject()) {
        throw v.fail("macro", expected + YamlDocument.found(n));
      }
      YamlMapping m = v.obj("macro", true);
      m.allow("constant", "file", "paths");
      if (m.keys().size() != 1) {
        throw v.fail(
            "macro",
            expected + (m.keys().isEmpty() ? "an empty mapping" : String.join(", ", m.keys())));
      }
      switch (m.keys().get(0)) {
        case "constant" -> {
          YamlMapping c = m.obj("constant", true);
          c.allow("dgnp", "realr");
          return new MacroPlan.Constant(c.number("dgnp"), c.number("realr"));
        }
        case "file" -> {
          return new MacroPlan.File(m.existingFile("file"));
        }
        default -> {
          return new MacroPlan.Paths(m.existingDirectory("paths"));
        }
      }
    }

    // ---------------------------------------------------------------- shocks

    private Shock shock(YamlMapping s) {
      String label = s.text("kind");
      ShockKind kind = ShockKind.fromLabel(label);
      List<String> labels = Arrays.stream(ShockKind.values()).map(ShockKind::label).toList();
      if (kind == null) {
        throw s.fail(
            "kind",
            "expected one of "
                + String.join(", ", labels)
                + ", found '"
                + label
                + "'"
                + YamlDocument.suggestion(label, labels));
      }
      List<String> allowed = new ArrayList<>(SHOCK_KEYS);
      switch (kind) {
        case COST_OF_DEBT, TAX_CHANGE -> allowed.add("target");
        case IMPAIRMENT -> allowed.add("asset");
        case CREDIT_CRUNCH -> allowed.add("callIn");
        default -> {}
      }
      s.allow(allowed.toArray(String[]::new));
      Enum<?> target =
          switch (kind) {
            case COST_OF_DEBT ->
                s.choice("target", null, List.of("fe", "realr")).equals("fe")
                    ? ShockKind.DebtCostTarget.FE
                    : ShockKind.DebtCostTarget.REALR;
            case IMPAIRMENT ->
                ShockKind.Asset.valueOf(s.choice("asset", null, List.of("MA", "BU", "OFA")));
            case TAX_CHANGE ->
                s.choice("target", null, List.of("taxRate", "allocationRate")).equals("taxRate")
                    ? ShockKind.TaxTarget.TAX_RATE
                    : ShockKind.TaxTarget.ALLOCATION_RATE;
            default -> null;
          };
      int start = s.integer("start", null, Integer.MIN_VALUE);
      if (start < startYear || start > endYear) {
        throw s.fail("start", "expected a year of the run, " + runYears() + ", found " + start);
      }
      int duration = s.integer("duration", 1, 1);
      if ((long) start + duration - 1 > endYear) {
        throw s.fail(
            "duration",
            "the shock would last to "
                + ((long) start + duration - 1)
                + ", after the run's last year "
                + endYear);
      }
      Selection who = s.has("who") ? selection(s.obj("who", true)) : Selection.all();
      if (target == ShockKind.DebtCostTarget.REALR && !who.equals(Selection.all())) {
        throw s.fail(
            "who",
            "a costOfDebt shock on realr raises the interest rate of the whole economy, so it"
                + " hits every firm: leave 'who' out (or use target: fe for a selection)");
      }
      Magnitude magnitude = magnitude(s);
      if (magnitude instanceof Magnitude.Fixed f) {
        checkRange(s, kind, target, f.value());
      }
      double callIn = kind == ShockKind.CREDIT_CRUNCH ? s.share("callIn", 0, true) : 0;
      try {
        return new Shock(kind, target, start, duration, who, magnitude, callIn);
      } catch (IllegalArgumentException e) {
        throw s.failHere(e.getMessage());
      }
    }

    private String runYears() {
      return startYear == endYear
          ? "which is " + startYear
          : "which runs from " + startYear + " to " + endYear;
    }

    private Selection selection(YamlMapping w) {
      w.allow("share", "sizeDeciles", "characteristics");
      double share = 1;
      if (w.has("share")) {
        share = w.number("share");
        if (!(share > 0 && share <= 1)) {
          throw w.fail("share", "expected a share in (0, 1], found " + share);
        }
      }
      List<Integer> deciles = new ArrayList<>();
      if (w.has("sizeDeciles")) {
        JsonNode list = w.list("sizeDeciles", false);
        for (int i = 0; i < list.size(); i++) {
          JsonNode v = list.get(i);
          if (!v.isIntegralNumber() || v.intValue() < 1 || v.intValue() > 10) {
            throw w.failElement(
                "sizeDeciles", i, "expected a decile 1 to 10, found " + YamlDocument.found(v));
          }
          if (deciles.contains(v.intValue())) {
            throw w.failElement("sizeDeciles", i, "decile " + v.intValue() + " is listed twice");
          }
          deciles.add(v.intValue());
        }
      }
      Map<String, Double> characteristics = new LinkedHashMap<>();
      YamlMapping c = w.obj("characteristics", false);
      if (c != null) {
        c.allow(Selection.CHARACTERISTICS.toArray(String[]::new));
        for (Iterator<String> it = c.node().fieldNames(); it.hasNext(); ) {
          String key = it.next();
          double v = c.number(key);
          if (v != 0 && v != 1) {
            throw c.fail(key, "expected 0 or 1, found " + c.get(key).asText());
          }
          characteristics.put(key, v);
        }
      }
      try {
        return new Selection(share, characteristics, deciles);
      } catch (IllegalArgumentException e) {
        throw w.failHere(e.getMessage());
      }
    }

    private static Magnitude magnitude(YamlMapping s) {
      JsonNode n = s.required("magnitude");
      String expected = "expected a number or a mapping with one of uniform, normal, found ";
      if (n.isNumber()) {
        double v = s.number("magnitude");
        return new Magnitude.Fixed(v);
      }
      if (!n.isObject()) {
        throw s.fail("magnitude", expected + YamlDocument.found(n));
      }
      YamlMapping m = s.obj("magnitude", true);
      m.allow("uniform", "normal");
      if (m.keys().size() != 1) {
        throw s.fail(
            "magnitude",
            expected + (m.keys().isEmpty() ? "an empty mapping" : String.join(", ", m.keys())));
      }
      if (m.has("uniform")) {
        JsonNode list = m.list("uniform", false);
        if (list.size() != 2) {
          throw m.fail("uniform", "expected a list [low, high], found " + list.size() + " values");
        }
        double[] b = new double[2];
        for (int i = 0; i < 2; i++) {
          JsonNode v = list.get(i);
          if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw m.failElement("uniform", i, "expected a number, found " + YamlDocument.found(v));
          }
          b[i] = v.doubleValue();
        }
        if (b[0] > b[1]) {
          throw m.fail("uniform", "expected low <= high, found [" + b[0] + ", " + b[1] + "]");
        }
        return new Magnitude.Uniform(b[0], b[1]);
      }
      YamlMapping d = m.obj("normal", true);
      d.allow("mean", "sd");
      double mean = d.number("mean");
      double sd = d.number("sd");
      if (sd < 0) {
        throw d.fail("sd", "expected a standard deviation >= 0, found " + sd);
      }
      return new Magnitude.Normal(mean, sd);
    }

    /** The fixed ranges of docs/SCENARIOS.md; drawn values are clamped by the engine instead. */
    private void checkRange(YamlMapping s, ShockKind kind, Enum<?> target, double m) {
      String problem =
          switch (kind) {
            case DEMAND ->
                m <= 1 ? null : "a demand shock loses at most all of OIBD: expected <= 1";
            case COST_OF_DEBT ->
                target == ShockKind.DebtCostTarget.FE && m < -1
                    ? "financial expenses scaled by 1 + m cannot turn negative: expected >= -1"
                    : null;
            case IMPAIRMENT, CREDIT_CRUNCH ->
                m >= 0 && m <= 1 ? null : "expected a share in [0, 1]";
            case TAX_CHANGE -> taxProblem((ShockKind.TaxTarget) target, m);
          };
      if (problem != null) {
        throw s.fail("magnitude", problem + ", found " + m);
      }
    }

    private String taxProblem(ShockKind.TaxTarget target, double m) {
      if (model.spec() == null) {
        return null; // a repository model: its rates are known only when the run resolves it
      }
      boolean tax = target == ShockKind.TaxTarget.TAX_RATE;
      double rate =
          tax ? model.spec().constants().taxRate() : model.spec().constants().allocationRate();
      double shocked = rate + m;
      if (shocked >= 0 && shocked < 1) {
        return null;
      }
      return "the model's "
          + (tax ? "tax rate " : "allocation rate ")
          + rate
          + " raised by m would be "
          + shocked
          + ", outside [0, 1): expected m in ["
          + (-rate)
          + ", "
          + (1 - rate)
          + ")";
    }
  }
}
