package io.firmsim.trainer.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.scenario.AlignmentTarget;
import io.firmsim.simulator.scenario.MacroPlan;
import io.firmsim.simulator.scenario.Magnitude;
import io.firmsim.simulator.scenario.PopulationPlan;
import io.firmsim.simulator.scenario.RecoverySettings;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.ScenarioPlan.FirmDifferences;
import io.firmsim.simulator.scenario.Selection;
import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.trainer.orchestrator.config.ConfigException;
import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioFileReaderTest {
  @TempDir Path dir;

  /** The shipped example, read from the repository (the tests run in the module's folder). */
  private static final Path EXAMPLE = Path.of("..", "examples", "scenarios", "stress.yaml");

  // Line numbers matter: the error tests below name them.
  private static final String BASE =
      String.join(
          "\n",
          "population:", // 1
          "  generated: {firms: 100, burnIn: 2}", // 2
          "startYear: 2000", // 3
          "years: 5", // 4
          "scenarios:", // 5
          "  - name: first", // 6
          "    shocks:", // 7
          "      - kind: demand", // 8
          "        start: 2001", // 9
          "        magnitude: 0.3", // 10
          "  - name: second", // 11
          "    shocks:", // 12
          "      - kind: impairment", // 13
          "        asset: BU", // 14
          "        start: 2002", // 15
          "        duration: 2", // 16
          "        magnitude: 0.2", // 17
          "");

  private ScenarioPlan read(String text) throws IOException {
    Path f = dir.resolve("stress.yaml");
    Files.writeString(f, text);
    return ScenarioFileReader.read(f);
  }

  /** Reading fails with the given line and key path, and the message says all of {@code parts}. */
  private ConfigException fails(String text, int line, String path, String... parts) {
    ConfigException e = assertThrows(ConfigException.class, () -> read(text));
    String m = e.getMessage();
    assertTrue(m.startsWith(dir.resolve("stress.yaml") + ", line " + line), m);
    assertEquals(line, e.line(), m);
    assertEquals(path, e.path(), m);
    for (String p : parts) {
      assertTrue(m.contains(p), "expected '" + p + "' in: " + m);
    }
    return e;
  }

  private static String replace(String text, String from, String to) {
    assertTrue(text.contains(from), from);
    return text.replace(from, to);
  }

  @Test
  void theExampleReadsIntoTheDocumentedPlan() {
    assertTrue(Files.isRegularFile(EXAMPLE), "run from the trainer module: " + EXAMPLE);
    ScenarioPlan p = ScenarioFileReader.read(EXAMPLE);
    assertNull(p.model());
    assertEquals(new PopulationPlan.Generated(10_000, 10), p.population());
    assertEquals(2000, p.startYear());
    assertEquals(2009, p.endYear());
    assertEquals(5, p.replicates());
    assertEquals(42L, p.seed());
    assertEquals(Backend.DJL, p.run().backend());
    assertEquals(Precision.FLOAT64, p.run().precision());
    assertEquals(ForwardMode.SAMPLE, p.run().mode());
    assertNull(p.run().chunkSize());
    assertEquals(RecoverySettings.defaults(), p.recovery());
    assertEquals(FirmDifferences.FINAL, p.firmDifferences());
    assertEquals(
        List.of(new AlignmentTarget(8, "prob", new TreeMap<>(Map.of(2002, 0.30, 2003, 0.30)))),
        p.alignment());
    assertEquals(new Variant("baseline", new MacroPlan.Zero(), List.of()), p.baseline());
    assertEquals(
        List.of("demand-crash", "rate-spike", "credit-crunch", "tax-hike"),
        p.scenarios().stream().map(Variant::name).toList());

    Variant crash = p.scenarios().get(0);
    assertEquals(new MacroPlan.Zero(), crash.macro()); // the baseline's
    assertEquals(
        new Shock(
            ShockKind.DEMAND,
            null,
            2002,
            2,
            new Selection(0.5, Map.of(), List.of(1, 2, 3)),
            new Magnitude.Fixed(0.3),
            0),
        crash.shocks().get(0));
    assertEquals(
        new Shock(
            ShockKind.COST_OF_DEBT,
            ShockKind.DebtCostTarget.FE,
            2002,
            1,
            new Selection(0.1, Map.of(), List.of()),
            new Magnitude.Uniform(0.1, 0.5),
            0),
        crash.shocks().get(1));

    Variant spike = p.scenarios().get(1);
    assertEquals(new MacroPlan.Zero(), spike.macro()); // the baseline's
    Shock realr = spike.shocks().get(0);
    assertEquals(ShockKind.DebtCostTarget.REALR, realr.target());
    assertEquals(Selection.all(), realr.who());
    assertEquals(2005, realr.endYear());

    Variant crunch = p.scenarios().get(2);
    assertEquals(ShockKind.Asset.MA, crunch.shocks().get(0).target());
    assertEquals(Map.of("Public", 1.0), crunch.shocks().get(0).who().characteristics());
    assertEquals(new Magnitude.Normal(0.2, 0.05), crunch.shocks().get(0).magnitude());
    assertEquals(ShockKind.CREDIT_CRUNCH, crunch.shocks().get(1).kind());
    assertEquals(0.1, crunch.shocks().get(1).callIn());

    Shock tax = p.scenarios().get(3).shocks().get(0);
    assertEquals(ShockKind.TaxTarget.TAX_RATE, tax.target());
    assertEquals(2009, tax.endYear());

    // Every shock kind is used.
    assertEquals(
        List.of(ShockKind.values()),
        p.scenarios().stream()
            .flatMap(v -> v.shocks().stream())
            .map(Shock::kind)
            .distinct()
            .sorted()
            .toList());
  }

  @Test
  void absentKeysTakeTheirDefaults() throws IOException {
    ScenarioPlan p = read(BASE);
    assertEquals(1, p.replicates());
    assertEquals(1L, p.seed());
    assertEquals(ScenarioPlan.RunSettings.defaults(), p.run());
    assertEquals(FirmDifferences.FINAL, p.firmDifferences());
    assertTrue(p.alignment().isEmpty());
    assertEquals("baseline", p.baseline().name());
    Shock s = p.scenarios().get(0).shocks().get(0);
    assertEquals(1, s.duration());
    assertEquals(Selection.all(), s.who());
    assertEquals(new PopulationPlan.Generated(100, 2), p.population());
    assertEquals(
        ScenarioFileReader.DEFAULT_BURN_IN,
        ((PopulationPlan.Generated)
                read(replace(BASE, "{firms: 100, burnIn: 2}", "{firms: 100}")).population())
            .burnIn());
  }

  @Test
  void relativePathsResolveAgainstTheFilesFolder() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("inputs/paths"));
    Files.writeString(dir.resolve("inputs/firms.csv"), "firm_id\n1\n");
    Files.writeString(dir.resolve("inputs/macro.csv"), "year,dgnp,realr\n2000,0,0\n");
    String text =
        replace(
                BASE,
                "  generated: {firms: 100, burnIn: 2}",
                "  file: inputs/firms.csv\nbaseline: {macro: {file: inputs/macro.csv}}")
            + "  - name: third\n    macro: {paths: inputs/paths}\n";
    ScenarioPlan p = read(text);
    assertEquals(new PopulationPlan.File(dir.resolve("inputs/firms.csv")), p.population());
    assertEquals(new MacroPlan.File(dir.resolve("inputs/macro.csv")), p.baseline().macro());
    assertEquals(p.baseline().macro(), p.scenarios().get(0).macro());
    assertEquals(new MacroPlan.Paths(sub), p.scenarios().get(2).macro());
    // The working directory plays no part: a missing file names its resolved path.
    fails(
        replace(text, "file: inputs/firms.csv", "file: firms.csv"),
        2,
        "population.file",
        "no such file: " + dir.resolve("firms.csv"));
  }

  @Test
  void unknownKeysAreRefusedWithTheKnownOnes() {
    fails(
        BASE + "replicate: 3\n",
        18,
        "replicate",
        "line 18, at replicate: unknown key 'replicate' at the top level",
        "(known: model, population, startYear",
        "did you mean 'replicates'?");
    fails(
        replace(BASE, "        asset: BU", "        target: BU"),
        14,
        "scenarios[1].shocks[0].target",
        "unknown key 'target' at scenarios[1].shocks[0]",
        "(known: kind, start, duration, who, magnitude, asset)");
    fails(
        replace(
            BASE, "        magnitude: 0.3", "        who: {shares: 0.5}\n        magnitude: 0.3"),
        10,
        "scenarios[0].shocks[0].who.shares",
        "known: share, sizeDeciles, characteristics");
    fails(
        replace(BASE, "        magnitude: 0.3", "        callIn: 0.1\n        magnitude: 0.3"),
        10,
        "scenarios[0].shocks[0].callIn",
        "unknown key 'callIn'");
  }

  @Test
  void missingKeysAreNamed() {
    fails(
        replace(BASE, "        start: 2001\n", ""),
        8,
        "scenarios[0].shocks[0].start",
        "missing required key 'start' at scenarios[0].shocks[0]");
    fails(
        replace(BASE, "        asset: BU\n", ""),
        13,
        "scenarios[1].shocks[0].asset",
        "missing required key 'asset'");
    ConfigException e =
        assertThrows(ConfigException.class, () -> read(replace(BASE, "years: 5\n", "")));
    assertTrue(
        e.getMessage().contains("missing required key 'years' at the top level"), e.getMessage());
    assertEquals("years", e.path());
  }

  @Test
  void wrongTypesAreRefused() {
    fails(
        replace(BASE, "magnitude: 0.2", "magnitude: big"),
        17,
        "scenarios[1].shocks[0].magnitude",
        "expected a number or a mapping with one of uniform, normal, found 'big'");
    fails(
        replace(BASE, "magnitude: 0.2", "magnitude: {beta: [1, 2]}"),
        17,
        "scenarios[1].shocks[0].magnitude.beta",
        "known: uniform, normal");
    fails(replace(BASE, "years: 5", "years: \"5\""), 4, "years", "remove the quotes");
    fails(replace(BASE, "years: 5", "years: 5.5"), 4, "years", "expected an integer");
    fails(
        replace(BASE, "        start: 2002", "        start: [2002]"),
        15,
        "scenarios[1].shocks[0].start",
        "expected an integer, found a list");
    fails(
        replace(BASE, "kind: demand", "kind: demmand"),
        8,
        "scenarios[0].shocks[0].kind",
        "expected one of demand, costOfDebt, impairment, creditCrunch, taxChange",
        "did you mean 'demand'?");
    fails(
        BASE + "baseline: {macro: constant}\n",
        18,
        "baseline.macro",
        "expected zero or a mapping with one of constant, file, paths, found 'constant'");
    fails(
        BASE + "baseline: {macro: {}}\n",
        18,
        "baseline.macro",
        "expected zero or a mapping with one of constant, file, paths, found an empty mapping");
    fails(
        BASE + "baseline: {macro: {constant: {dgnp: 0}}}\n",
        18,
        "baseline.macro.constant.realr",
        "missing required key 'realr'");
    fails(
        BASE.substring(0, BASE.indexOf("  - name: second")) + "  - second\n",
        11,
        "scenarios[1]",
        "expected a mapping of keys to values, found 'second'");
  }

  @Test
  void magnitudesOutOfRangeAreRefused() {
    fails(
        replace(BASE, "magnitude: 0.3", "magnitude: 1.5"),
        10,
        "scenarios[0].shocks[0].magnitude",
        "expected <= 1, found 1.5");
    fails(
        replace(BASE, "magnitude: 0.2", "magnitude: -0.1"),
        17,
        "scenarios[1].shocks[0].magnitude",
        "expected a share in [0, 1], found -0.1");
    fails(
        replace(BASE, "magnitude: 0.2", "magnitude: {uniform: [0.5, 0.1]}"),
        17,
        "scenarios[1].shocks[0].magnitude.uniform",
        "expected low <= high");
    fails(
        replace(BASE, "magnitude: 0.2", "magnitude: {normal: {mean: 0.2, sd: -1}}"),
        17,
        "scenarios[1].shocks[0].magnitude.normal.sd",
        "expected a standard deviation >= 0");
    // A drawn magnitude may reach outside the range: the engine clamps draws.
    read0(replace(BASE, "magnitude: 0.2", "magnitude: {uniform: [-0.5, 1.5]}"));
    String cost = "kind: costOfDebt\n        target: fe";
    fails(
        replace(BASE, "kind: demand", cost).replace("magnitude: 0.3", "magnitude: -1.5"),
        11,
        "scenarios[0].shocks[0].magnitude",
        "expected >= -1");
    read0(replace(BASE, "kind: demand", cost).replace("magnitude: 0.3", "magnitude: -1"));
    // The paper's tax rate is 0.28: the shocked rate must stay in [0, 1).
    String tax = "kind: taxChange\n        target: taxRate";
    read0(replace(BASE, "kind: demand", tax).replace("magnitude: 0.3", "magnitude: 0.71"));
    fails(
        replace(BASE, "kind: demand", tax).replace("magnitude: 0.3", "magnitude: 0.72"),
        11,
        "scenarios[0].shocks[0].magnitude",
        "tax rate 0.28");
    fails(
        replace(BASE, "kind: demand", tax).replace("magnitude: 0.3", "magnitude: -0.29"),
        11,
        "scenarios[0].shocks[0].magnitude",
        "outside [0, 1)");
    fails(
        replace(BASE, "kind: demand", "kind: creditCrunch\n        callIn: 1.2"),
        9,
        "scenarios[0].shocks[0].callIn",
        "expected a share in [0, 1]");
    fails(
        replace(BASE, "magnitude: 0.3", "who: {share: 0}\n        magnitude: 0.3"),
        10,
        "scenarios[0].shocks[0].who.share",
        "expected a share in (0, 1]");
    fails(
        replace(BASE, "magnitude: 0.3", "who: {sizeDeciles: [1, 11]}\n        magnitude: 0.3"),
        10,
        "scenarios[0].shocks[0].who.sizeDeciles[1]",
        "expected a decile 1 to 10");
    fails(
        replace(
            BASE, "magnitude: 0.3", "who: {characteristics: {Public: 2}}\n        magnitude: 0.3"),
        10,
        "scenarios[0].shocks[0].who.characteristics.Public",
        "expected 0 or 1");
  }

  private void read0(String text) {
    try {
      read(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shocksOutsideTheRunAreRefused() {
    fails(
        replace(BASE, "start: 2001", "start: 1999"),
        9,
        "scenarios[0].shocks[0].start",
        "which runs from 2000 to 2004, found 1999");
    fails(
        replace(BASE, "start: 2002", "start: 2005"),
        15,
        "scenarios[1].shocks[0].start",
        "found 2005");
    read0(replace(BASE, "duration: 2", "duration: 3")); // 2002-2004: the last year is in
    fails(
        replace(BASE, "duration: 2", "duration: 4"),
        16,
        "scenarios[1].shocks[0].duration",
        "last to 2005, after the run's last year 2004");
    fails(
        replace(BASE, "duration: 2", "duration: 0"),
        16,
        "scenarios[1].shocks[0].duration",
        "expected an integer >= 1");
  }

  @Test
  void realrShocksMustHitEveryFirm() {
    String realr = "kind: costOfDebt\n        target: realr";
    ScenarioPlan p = read1(replace(BASE, "kind: demand", realr));
    assertEquals(ShockKind.DebtCostTarget.REALR, p.scenarios().get(0).shocks().get(0).target());
    fails(
        replace(BASE, "kind: demand", realr)
            .replace("magnitude: 0.3", "who: {share: 0.5}\n        magnitude: 0.3"),
        11,
        "scenarios[0].shocks[0].who",
        "hits every firm");
    fails(
        replace(BASE, "kind: demand", realr)
            .replace("magnitude: 0.3", "who: {sizeDeciles: [10]}\n        magnitude: 0.3"),
        11,
        "scenarios[0].shocks[0].who",
        "leave 'who' out");
  }

  private ScenarioPlan read1(String text) {
    try {
      return read(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void scenarioNamesAreUniqueAndNotTheBaselines() {
    fails(
        replace(BASE, "name: second", "name: first"),
        11,
        "scenarios[1].name",
        "'first' is used twice (scenarios[0])");
    fails(
        replace(BASE, "name: second", "name: baseline"),
        11,
        "scenarios[1].name",
        "the baseline's name");
    fails(BASE + "baseline: {name: second}\n", 11, "scenarios[1].name", "the baseline's name");
    fails(
        replace(BASE, "name: second", "name: 'two words'"),
        11,
        "scenarios[1].name",
        "expected a name of letters, digits");
    fails(
        BASE.substring(0, BASE.indexOf("scenarios:")) + "scenarios: []\n",
        5,
        "scenarios",
        "expected a non-empty list, found an empty list");
  }

  @Test
  void alignmentNamesAProbabilitySubmodelOfTheModel() {
    String align =
        BASE
            + "alignment:\n" // 18
            + "  - equation: T8\n" // 19
            + "    submodel: prob\n" // 20
            + "    rates: {2001: 0.3, 2004: 0.2}\n"; // 21
    ScenarioPlan p = read1(align);
    assertEquals(new TreeMap<>(Map.of(2001, 0.3, 2004, 0.2)), p.alignment().get(0).rates());
    assertEquals(
        8, read1(align.replace("equation: T8", "equation: DLL")).alignment().get(0).table());
    fails(
        align.replace("equation: T8", "equation: T25"),
        19,
        "alignment[0].equation",
        "expected an equation T1 to T24");
    fails(
        align.replace("equation: T8", "equation: T7"),
        19,
        "alignment[0].equation",
        "T7 DCA (method HS) has no probability submodel");
    fails(
        align.replace("submodel: prob", "submodel: level"),
        20,
        "alignment[0].submodel",
        "probability submodel of equation T8 DLL (method LLN): prob, found 'level'");
    fails(
        align.replace("equation: T8", "equation: T2"),
        19,
        "alignment[0].equation",
        "T2 SMA (method MUNO): the ordinal submodel 'prob' cannot be aligned");
    fails(
        align.replace("equation: T8", "equation: T6"),
        20,
        "alignment[0].submodel",
        "prob_pos, prob_neg, found 'prob'");
    fails(
        align.replace("2004: 0.2", "2005: 0.2"), 21, "alignment[0].rates.2005", "outside the run");
    fails(
        align.replace("2004: 0.2", "2004: 1.0"),
        21,
        "alignment[0].rates.2004",
        "expected a rate in (0, 1)");
    fails(
        align + "  - {equation: T8, submodel: prob, rates: {2002: 0.5}}\n",
        22,
        "alignment[1].submodel",
        "aligned twice");
  }

  @Test
  void malformedYamlAndDuplicateKeysNameTheLine() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> read(replace(BASE, "years: 5", "years: [5")));
    assertTrue(e.getMessage().contains("malformed YAML"), e.getMessage());
    assertTrue(e.line() >= 4, e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                read(
                    replace(
                        BASE, "        start: 2001", "        start: 2001\n        start: 2002")));
    assertTrue(e.getMessage().contains("Duplicate field 'start'"), e.getMessage());
    assertEquals(10, e.line(), e.getMessage());
    e = assertThrows(ConfigException.class, () -> read(""));
    assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class, () -> ScenarioFileReader.read(dir.resolve("none.yaml")));
    assertTrue(e.getMessage().endsWith("none.yaml: no such file"), e.getMessage());
  }

  @Test
  void modelsAreResolvedAgainstTheFilesFolder() {
    fails(
        "model: missing.json\n" + BASE,
        1,
        "model",
        "no such model file or folder: " + dir.resolve("missing.json"));
    assertEquals("paper", read1("model: paper\n" + BASE).model());
    // A repository name the reader cannot resolve is kept for the run.
    assertEquals("my-model/2", read1("model: my-model/2\n" + BASE).model());
  }

  @Test
  void aModelFileIsCheckedAgainst() throws IOException {
    String json;
    try (var in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(
        dir.resolve("models/high-tax.json"),
        replace(json, "\"tax_rate\": 0.28", "\"tax_rate\": 0.5"));
    String tax =
        "model: models/high-tax.json\n"
            + replace(BASE, "kind: demand", "kind: taxChange\n        target: taxRate");
    ScenarioPlan p = read1(tax.replace("magnitude: 0.3", "magnitude: 0.49"));
    assertEquals(dir.resolve("models/high-tax.json").toString(), p.model());
    // 0.5 + 0.5 = 1 is out, although the paper's 0.28 + 0.5 would do.
    fails(
        tax.replace("magnitude: 0.3", "magnitude: 0.5"),
        12,
        "scenarios[0].shocks[0].magnitude",
        "tax rate 0.5 raised by m would be 1.0");
    Files.writeString(dir.resolve("models/broken.json"), "{}");
    fails("model: models/broken.json\n" + BASE, 1, "model", "cannot use the model");
  }
}
