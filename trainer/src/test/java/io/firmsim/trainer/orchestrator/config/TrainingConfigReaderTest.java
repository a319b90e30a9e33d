package io.firmsim.trainer.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.trainer.orchestrator.config.TrainingConfig.Device;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Gates;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Generate;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.ModelRef;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.TaskSettings;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingConfigReaderTest {
  @TempDir Path dir;
  private Path file;

  /** A complete configuration; line numbers in the tests refer to it. */
  private static final String FULL =
      String.join(
          "\n",
          "data:", // 1
          "  panel: panel.csv", // 2
          "  macro: macro.csv", // 3
          "model:", // 4
          "  base: paper", // 5
          "  output: { directory: out/models, name: my-model, version: \"2\" }", // 6
          "training:", // 7
          "  seed: 7", // 8
          "  device: cpu", // 9
          "  parallelism: 4", // 10
          "  validationShare: 0.25", // 11
          "  defaults:", // 12
          "    maxIterations: 80", // 13
          "    parameterTolerance: 1.0e-9", // 14
          "  equations: [T7, EDEPMA, DLL]", // 15
          "  submodels:", // 16
          "    DCA.level:", // 17
          "      features: [CAt_1, dclt_1]", // 18
          "      maxIterations: 200", // 19
          "      allowNonConverged: true", // 20
          "    T8.prob: { earlyStoppingPatience: 3 }", // 21
          "gates:", // 22
          "  maxMissingShare: 0.01", // 23
          "  minEvents: 5", // 24
          "");

  private static final String GENERATE =
      String.join(
          "\n",
          "data:", // 1
          "  generate:", // 2
          "    firms: 200", // 3
          "    years: 4", // 4
          "model:", // 5
          "  output:", // 6
          "    directory: out", // 7
          "    name: m", // 8
          "");

  @BeforeEach
  void files() throws IOException {
    Files.writeString(dir.resolve("panel.csv"), "");
    Files.writeString(dir.resolve("macro.csv"), "");
    file = dir.resolve("config.yaml");
  }

  private TrainingConfig read(String yaml) throws IOException {
    Files.writeString(file, yaml);
    return TrainingConfigReader.read(file);
  }

  /** Asserts the text fails with a message holding every fragment. */
  private ConfigException fails(String yaml, String... fragments) throws IOException {
    Files.writeString(file, yaml);
    ConfigException e = assertThrows(ConfigException.class, () -> TrainingConfigReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
    return e;
  }

  private static String replace(String yaml, String from, String to) {
    assertTrue(yaml.contains(from), from);
    return yaml.replace(from, to);
  }

  @Test
  void readsEveryKey() throws IOException {
    TrainingConfig c = read(FULL);
    assertEquals(dir.resolve("panel.csv"), c.data().panel().orElseThrow());
    assertEquals(dir.resolve("macro.csv"), c.data().macro().orElseThrow());
    assertTrue(c.data().generate().isEmpty());
    assertEquals(ModelRef.builtin("paper"), c.model().base());
    assertEquals(dir.resolve("out/models"), c.model().output().directory());
    assertEquals("my-model", c.model().output().name());
    assertEquals("2", c.model().output().version());
    assertEquals(7, c.training().seed());
    assertEquals(Device.CPU, c.training().device());
    assertEquals(4, c.training().parallelism());
    assertEquals(0.25, c.training().validationShare());
    assertEquals(new TaskSettings(80, 1e-9, 1e-12, false, 0), c.training().defaults());
    assertEquals(List.of("EDEPMA", "DCA", "DLL"), c.training().equations()); // table order
    assertEquals(new TaskSettings(200, 1e-9, 1e-12, true, 0), c.training().settings("DCA.level"));
    assertEquals(new TaskSettings(80, 1e-9, 1e-12, false, 3), c.training().settings("DLL.prob"));
    assertEquals(c.training().defaults(), c.training().settings("EDEPMA.prob"));
    assertEquals(
        List.of(Feature.CAt_1, Feature.dclt_1), c.training().features("DCA.level").orElseThrow());
    assertTrue(c.training().features("DLL.prob").isEmpty());
    assertEquals(0.01, c.gates().maxMissingShare());
    assertEquals(5, c.gates().minEvents());
    assertEquals(Gates.DEFAULTS.minObservations(), c.gates().minObservations());
  }

  @Test
  void fillsDefaults() throws IOException {
    TrainingConfig c = read(GENERATE);
    Generate g = c.data().generate().orElseThrow();
    assertEquals(new Generate(200, 4, 5, 1, ModelRef.builtin("paper")), g);
    assertEquals("1", c.model().output().version());
    assertEquals(ModelSpec.TARGETS, c.training().equations());
    assertEquals(TaskSettings.DEFAULTS, c.training().defaults());
    assertEquals(Device.AUTO, c.training().device());
    assertEquals(Gates.DEFAULTS, c.gates());
    assertTrue(c.training().submodels().isEmpty());
  }

  @Test
  void unknownKeysAtEveryDepthNameTheirPathAndLine() throws IOException {
    fails(
        GENERATE + "trainig: {}\n",
        "config.yaml, line 9: unknown key 'trainig' at the top level",
        "(known: data, model, training, gates)",
        "did you mean 'training'?");
    fails(
        replace(GENERATE, "    firms: 200", "    fimrs: 200"),
        "config.yaml, line 3: unknown key 'fimrs' at data.generate "
            + "(known: firms, years, burnIn, seed, model) (did you mean 'firms'?)");
    fails(
        replace(FULL, "    maxIterations: 80", "    maxIter: 80"),
        "line 13: unknown key 'maxIter' at training.defaults");
    fails(
        replace(FULL, "      allowNonConverged: true", "      allowNonConvergd: true"),
        "line 20: unknown key 'allowNonConvergd' at training.submodels.DCA.level");
    fails(
        replace(FULL, "version: \"2\"", "versoin: \"2\""),
        "line 6: unknown key 'versoin' at model.output");
    ConfigException e =
        fails(
            replace(FULL, "  minEvents: 5", "  minEvent: 5"),
            "line 24: unknown key 'minEvent' at gates");
    assertEquals(24, e.line());
    assertEquals("gates.minEvent", e.path());
  }

  @Test
  void wrongTypesNameTheirPathAndLine() throws IOException {
    fails(
        replace(GENERATE, "firms: 200", "firms: many"),
        "config.yaml, line 3, at data.generate.firms: expected an integer, found 'many'");
    fails(
        replace(GENERATE, "firms: 200", "firms: \"200\""),
        "line 3, at data.generate.firms: expected an integer, found '200' (text: remove");
    fails(
        replace(GENERATE, "firms: 200", "firms: 2.5"),
        "line 3, at data.generate.firms: expected an integer, found 2.5");
    fails(
        replace(FULL, "      maxIterations: 200", "      maxIterations: [1]"),
        "line 19, at training.submodels.DCA.level.maxIterations: expected an integer, "
            + "found a list");
    fails(
        replace(FULL, "  seed: 7", "  seed: {a: 1}"),
        "line 8, at training.seed: expected an integer, found a mapping");
    fails(
        replace(FULL, "  device: cpu", "  device: tpu"),
        "line 9, at training.device: expected auto, cpu or gpu, found 'tpu'");
    fails(
        replace(FULL, "      allowNonConverged: true", "      allowNonConverged: 1"),
        "line 20, at training.submodels.DCA.level.allowNonConverged: expected true or false");
    fails(
        replace(FULL, "  equations: [T7, EDEPMA, DLL]", "  equations: T7"),
        "line 15, at training.equations: expected a list, found 'T7'");
    fails(
        replace(FULL, "    parameterTolerance: 1.0e-9", "    parameterTolerance: small"),
        "line 14, at training.defaults.parameterTolerance: expected a number, found 'small'");
    fails(
        replace(FULL, "data:\n  panel: panel.csv\n  macro: macro.csv\n", "data: panel.csv\n"),
        "line 1, at data: expected a mapping of keys to values, found 'panel.csv'");
  }

  @Test
  void outOfRangeValuesNameTheirPathAndLine() throws IOException {
    fails(
        replace(GENERATE, "firms: 200", "firms: 0"),
        "line 3, at data.generate.firms: expected an integer >= 1, found 0");
    fails(
        replace(GENERATE, "years: 4", "years: 1"),
        "line 4, at data.generate.years: expected an integer >= 2, found 1");
    fails(
        replace(FULL, "validationShare: 0.25", "validationShare: 1.0"),
        "line 11, at training.validationShare: expected a share in [0, 1), found 1.0");
    fails(
        replace(FULL, "maxMissingShare: 0.01", "maxMissingShare: -0.1"),
        "line 23, at gates.maxMissingShare: expected a share in [0, 1], found -0.1");
    fails(
        replace(FULL, "parameterTolerance: 1.0e-9", "parameterTolerance: 0"),
        "line 14, at training.defaults.parameterTolerance: expected a number > 0");
    fails(
        replace(FULL, "parallelism: 4", "parallelism: 0"),
        "line 10, at training.parallelism: expected an integer >= 1, found 0");
    fails(
        replace(FULL, "name: my-model", "name: ../evil"),
        "line 6, at model.output.name: expected letters, digits");
    fails(
        replace(FULL, "panel: panel.csv", "panel: nope.csv"),
        "line 2, at data.panel: no such file: ");
    Files.writeString(dir.resolve("panel.txt"), "");
    fails(
        replace(FULL, "panel: panel.csv", "panel: panel.txt"),
        "line 2, at data.panel: expected a .csv or .parquet panel file");
    fails(
        replace(GENERATE, "    years: 4", "    years: 4\n    model: papr"),
        "line 5, at data.generate.model: expected 'paper', 'paper-with-level-noise', a "
            + "model JSON file or a model artifact folder, found 'papr'");
  }

  @Test
  void missingRequiredKeysNameTheirPlace() throws IOException {
    fails(
        "model:\n  output: {directory: out, name: m}\n",
        "missing required key 'data' at the top level");
    fails(
        replace(GENERATE, "    firms: 200\n", ""),
        "config.yaml, line 2: missing required key 'firms' at data.generate");
    fails(
        replace(GENERATE, "    name: m\n", ""),
        "config.yaml, line 6: missing required key 'name' at model.output");
    fails(
        replace(GENERATE, "    firms: 200", "    firms:"),
        "line 3, at data.generate.firms: no value given");
  }

  @Test
  void exactlyOneOfPanelAndGenerate() throws IOException {
    fails(
        replace(GENERATE, "data:\n", "data:\n  panel: panel.csv\n"),
        "config.yaml, line 3, at data.generate: 'panel' and 'generate' exclude each other");
    fails(
        replace(FULL, "  panel: panel.csv\n", ""),
        "config.yaml, line 1, at data: give exactly one of 'panel'");
  }

  @Test
  void equationsSubmodelsAndFeaturesAreCheckedAgainstTheBaseModel() throws IOException {
    fails(
        replace(FULL, "[T7, EDEPMA, DLL]", "[T7, T25, DLL]"),
        "line 15, at training.equations[1]: unknown equation 'T25'",
        "T1 EDEPMA");
    fails(
        replace(FULL, "[T7, EDEPMA, DLL]", "[T7, DCA]"),
        "at training.equations[1]: equation DCA is listed twice");
    fails(
        replace(FULL, "    DCA.level:", "    DCA.prob:"),
        "line 17, at training.submodels.DCA.prob: equation DCA (method HS) has no submodel "
            + "'prob'; its submodels are level");
    fails(
        replace(FULL, "    T8.prob:", "    SMA.prob:"),
        "line 21, at training.submodels.SMA.prob: equation SMA is not among "
            + "training.equations");
    fails(
        replace(FULL, "    T8.prob:", "    DLL:"),
        "at training.submodels.DLL: expected a submodel key TARGET.submodel");
    fails(
        replace(
            FULL,
            "    T8.prob: { earlyStoppingPatience: 3 }",
            "    T7.level: { maxIterations: 3 }"),
        "at training.submodels.T7.level: names the same submodel as 'DCA.level'");
    fails(
        replace(FULL, "[CAt_1, dclt_1]", "[CAt_1, dclt1]"),
        "line 18, at training.submodels.DCA.level.features[1]: unknown feature 'dclt1' "
            + "(did you mean 'dclt_1'?)");
    fails(
        replace(FULL, "[CAt_1, dclt_1]", "[CAt_1, dcat]"),
        "at training.submodels.DCA.level.features[1]: feature dcat is computed from DCA");
    fails(
        replace(FULL, "[CAt_1, dclt_1]", "[]"),
        "at training.submodels.DCA.level.features: expected at least one feature");
  }

  @Test
  void malformedYamlAndRepeatedKeysReportTheLine() throws IOException {
    fails(replace(FULL, "  seed: 7", "  seed: [7"), "malformed YAML");
    fails(
        replace(FULL, "  device: cpu", "  device: cpu\n  seed: 8"),
        "config.yaml, line 10: malformed YAML: Duplicate field 'seed'");
    fails("", "empty configuration");
    fails("- a\n- b\n", "expected a mapping with keys data, model, training, gates");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> TrainingConfigReader.read(dir.resolve("absent.yaml")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void baseModelFileIsLoadedAndChecked() throws IOException {
    Files.writeString(dir.resolve("broken.json"), "{\"name\": 3}");
    fails(
        replace(FULL, "  base: paper", "  base: broken.json"),
        "line 5, at model.base: cannot load the base model");
  }

  @Test
  void baseModelMayBeAnArtifactFolderWhichIsVerified() throws IOException {
    Path art = Files.createDirectories(dir.resolve("art"));
    io.firmsim.models.export.ArtifactExporter.standard()
        .export(
            io.firmsim.zoo.PaperModel.load(),
            "paper",
            "1",
            java.util.Set.of(io.firmsim.models.onnx.OnnxDType.FLOAT64),
            art);
    TrainingConfig c = read(replace(FULL, "  base: paper", "  base: art"));
    assertEquals(ModelRef.file(art.resolve("model.json")), c.model().base());
    assertEquals(
        io.firmsim.zoo.PaperModel.load().equations().toString(),
        c.model().base().loadStructure().equations().toString());
    // A changed byte in the artifact's model file is refused, naming the file.
    Path model = art.resolve("model.json");
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length / 2] ^= 1;
    Files.write(model, bytes);
    fails(replace(FULL, "  base: paper", "  base: art"), "model.json");
  }

  @Test
  void canonicalFormIgnoresKeyOrderAndWrittenDefaults() throws IOException {
    TrainingConfig a = read(GENERATE);
    String reordered =
        String.join(
            "\n",
            "model:",
            "  output: {name: m, version: '1', directory: out}",
            "  base: paper",
            "gates: {enabled: true, outlierZ: 50}",
            "data:",
            "  generate: {years: 4, firms: 200, burnIn: 5, seed: 1, model: paper}",
            "training:",
            "  defaults: {maxIterations: 100}",
            "");
    TrainingConfig b = read(reordered);
    for (String s : TrainingConfig.SECTIONS) {
      assertEquals(a.canonical(s), b.canonical(s), s);
    }
    assertEquals(a.canonical(), b.canonical());
    TrainingConfig c = read(replace(GENERATE, "firms: 200", "firms: 201"));
    assertNotEquals(a.canonical("data"), c.canonical("data"));
    assertEquals(a.canonical("gates"), c.canonical("gates"));
    String gates = a.canonical("gates");
    assertTrue(gates.startsWith("{\"balanceTolerance\":1.0E-6,\"enabled\":true,"), gates);
    assertEquals(
        "[\"data\",\"gates\",\"model\",\"training\"]",
        a.tree().properties().stream()
            .map(x -> "\"" + x.getKey() + "\"")
            .toList()
            .toString()
            .replace(" ", ""));
    assertThrows(IllegalArgumentException.class, () -> a.section("other"));
  }
}
