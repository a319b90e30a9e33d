package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code firmsim train} end to end on a small generated panel: the model is written and loads, a
 * rerun reuses every fit, a forced rerun gives the same bytes, {@code --only} and {@code
 * --dry-run}, a non-converging fit fails the run while the other fits finish and are kept, and a
 * panel that fails a gate trains nothing and writes nothing to the model output.
 */
class TrainCommandTest {
  @TempDir Path tmp;
  private Path models;

  record Outcome(int code, String out, String err) {}

  static Outcome train(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    return new Outcome(code, out.toString(), err.toString());
  }

  @BeforeEach
  void paths() {
    models = tmp.resolve("models");
  }

  private Path config(String data, String extraTraining) throws IOException {
    String yaml =
        String.join(
            "\n",
            "data:",
            data,
            "model:",
            "  base: paper",
            "  output: { directory: " + models + ", name: small, version: \"1\" }",
            "training:",
            "  seed: 3",
            "  device: cpu",
            "  parallelism: 2",
            "  validationShare: 0.25",
            "  defaults: { maxIterations: 100, allowNonConverged: true }",
            "  equations: [T1, T7, T9, T12, T13, T14]",
            extraTraining,
            "gates:",
            "  minObservations: 30",
            "  minEvents: 10",
            "");
    Path f = tmp.resolve("config.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private static final String GENERATE =
      String.join(
          "\n",
          "  generate:",
          "    firms: 3000",
          "    years: 6",
          "    burnIn: 3",
          "    seed: 4",
          "    model: paper-with-level-noise");

  @Test
  void trainsReusesAndReproducesTheModel() throws IOException {
    Path cfg = config(GENERATE, "");
    Outcome dry = train(cfg.toString(), "--dry-run");
    assertEquals(0, dry.code(), dry.err());
    assertTrue(dry.out().startsWith("13 tasks in 4 stages"), dry.out());
    assertFalse(Files.exists(models.resolve("small-1")), "a dry run wrote something");

    Outcome first = train(cfg.toString());
    assertEquals(0, first.code(), first.out() + first.err());
    Path model = models.resolve("small-1/model.json");
    byte[] bytes = Files.readAllBytes(model);
    ModelSpecReader.read(model); // loads as a model
    assertTrue(Files.exists(models.resolve("small-1/report.json")));
    String report = Files.readString(models.resolve("small-1/report.md"));
    assertTrue(report.contains("| fit:DCA.level | SUCCEEDED"), report);
    // Provenance in both; run times only in the report, so the model file can be reproduced.
    String modelText = Files.readString(model);
    String reportJson = Files.readString(models.resolve("small-1/report.json"));
    assertTrue(modelText.contains("\"libraries\"") && modelText.contains("\"firmsim\""));
    assertFalse(modelText.contains("\"start\""), "the model file holds a run time");
    assertTrue(reportJson.contains("\"start\"") && reportJson.contains("\"validation\""));
    assertTrue(reportJson.contains("\"configSha256\""), reportJson);

    Outcome second = train(cfg.toString());
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("13 cached"), second.out());

    Outcome forced = train(cfg.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertTrue(forced.out().contains("0 cached"), forced.out());
    assertArrayEquals(bytes, Files.readAllBytes(model), "the model file changed between runs");

    Outcome simulated = SimulateRunner.simulate(model, tmp.resolve("sim"));
    assertEquals(0, simulated.code(), simulated.err());
  }

  /**
   * The model {@code train} writes says where it came from, and the provenance survives loading:
   * the loader {@code simulate --model} uses returns it, with firmsim's own build and the panel's
   * hash computed here independently.
   */
  @Test
  void provenanceSurvivesTrainAndLoading() throws Exception {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 1500, 4, 2, 8);
    Path csv = tmp.resolve("panel.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, csv, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    Outcome o = train(config("  panel: " + csv, "").toString(), "--force");
    assertEquals(0, o.code(), o.out() + o.err());
    Path model = models.resolve("small-1/model.json");
    Outcome simulated = SimulateRunner.simulate(model, tmp.resolve("sim"));
    assertEquals(0, simulated.code(), simulated.err());
    JsonNode p = ModelSpecReader.read(model).provenance().orElseThrow();
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(csv)));
    assertEquals(sha, p.at("/data/sha256").asText());
    assertEquals(panel.rows(), p.at("/data/rows/panel").asInt());
    assertEquals(3, p.at("/training/seed").asInt());
    assertEquals("cpu", p.at("/training/device").asText());
    assertEquals(BuildInfo.current().commit(), p.at("/firmsim/commit").asText());
    assertEquals(BuildInfo.current().version(), p.at("/firmsim/version").asText());
    assertEquals(System.getProperty("os.name"), p.at("/libraries/os").asText().split(" ")[0]);
    assertTrue(p.at("/libraries/java").asText().startsWith(System.getProperty("java.version")));
  }

  /** A failed rerun leaves the previous complete model and its reports as they were. */
  @Test
  void failedRerunKeepsThePreviousModelAndReports() throws IOException {
    Outcome first = train(config(GENERATE, "").toString());
    assertEquals(0, first.code(), first.err());
    Path folder = models.resolve("small-1");
    byte[] model = Files.readAllBytes(folder.resolve("model.json"));
    byte[] report = Files.readAllBytes(folder.resolve("report.json"));
    Path failing =
        config(
            GENERATE,
            String.join(
                "\n",
                "  submodels:",
                "    OIBD.level: { maxIterations: 1, allowNonConverged: false }"));
    Outcome o = train(failing.toString());
    assertEquals(3, o.code(), o.out());
    assertArrayEquals(model, Files.readAllBytes(folder.resolve("model.json")));
    assertArrayEquals(report, Files.readAllBytes(folder.resolve("report.json")));
    Path lastRun = models.resolve(".firmsim-state/small-1/last-run/report.md");
    assertTrue(Files.readString(lastRun).contains("fit:OIBD.level | FAILED"));
  }

  /** An unusable output folder is refused before any work, with nothing written anywhere. */
  @Test
  void unusableOutputFolderIsRefusedBeforeAnyWork() throws IOException {
    Files.createDirectories(models);
    Files.writeString(models.resolve("small-1"), "a file");
    Outcome file = train(config(GENERATE, "").toString());
    assertEquals(2, file.code(), file.err());
    assertTrue(file.err().contains("small-1") && file.err().contains("is a file"), file.err());
    assertEquals("", file.out());
    Files.delete(models.resolve("small-1"));
    Path mine = Files.createDirectories(models.resolve("small-1"));
    Files.writeString(mine.resolve("notes.txt"), "mine");
    Outcome foreign = train(config(GENERATE, "").toString());
    assertEquals(2, foreign.code(), foreign.err());
    assertTrue(foreign.err().contains("not a firmsim output"), foreign.err());
    try (var listing = Files.list(models)) {
      assertEquals(List.of(mine), listing.toList(), "something was written");
    }
    try (var listing = Files.list(mine)) {
      assertEquals(1, listing.count());
    }
  }

  /** A YAML size beyond what can be held is refused naming the YAML path and the limit. */
  @Test
  void oversizedGeneratedPanelIsRefusedNamingTheLimit() throws IOException {
    Outcome o = train(config(GENERATE.replace("firms: 3000", "firms: 2000000000"), "").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("data.generate.firms"), o.err());
    assertTrue(o.err().contains("50000000"), o.err());
    Outcome product =
        train(config(GENERATE.replace("firms: 3000", "firms: 40000000"), "").toString());
    assertEquals(2, product.code(), product.err());
    assertTrue(product.err().contains("data.generate.years"), product.err());
    assertTrue(product.err().contains("limit of 50000000 firm-years"), product.err());
    assertFalse(Files.exists(models));
  }

  /** {@code fit-model} is a preset of {@code train}: with equal settings, the same bytes. */
  @Test
  void trainAndFitModelWriteTheSameModel() throws IOException {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 2000, 4, 3, 8);
    Path csv = tmp.resolve("panel.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, csv, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    Path yaml = tmp.resolve("all.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "data:",
            "  panel: " + csv,
            "model:",
            "  output: { directory: " + models + ", name: same, version: \"1\" }",
            "training:",
            "  seed: 1",
            "  device: cpu",
            "  parallelism: 2",
            "  validationShare: 0",
            "  defaults: { maxIterations: 100, allowNonConverged: true }",
            "gates: { enabled: false }",
            ""));
    Outcome t = train(yaml.toString());
    assertEquals(0, t.code(), t.out() + t.err());
    Path refit = tmp.resolve("refit.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "fit-model",
            "--panel",
            csv.toString(),
            "--out",
            refit.toString(),
            "--name",
            "same-1",
            "--device",
            "cpu",
            "--no-gates");
    assertTrue(code == 0 || code == 3, "exit " + code + ": " + err);
    assertArrayEquals(
        Files.readAllBytes(models.resolve("same-1/model.json")), Files.readAllBytes(refit));
  }

  @Test
  void onlyTrainsTheSelectedEquation() throws IOException {
    Path cfg = config(GENERATE, "");
    Outcome o = train(cfg.toString(), "--only", "T7");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("fit:DCA.level"), o.out());
    assertFalse(o.out().contains("fit:EDEPMA.prob"), o.out());
    assertFalse(o.out().contains("assemble:model"), o.out());
  }

  @Test
  void nonConvergingFitFailsTheRunWhileOtherFitsFinish() throws IOException {
    Path cfg =
        config(
            GENERATE,
            String.join(
                "\n",
                "  submodels:",
                "    OIBD.level: { maxIterations: 1, allowNonConverged: false }"));
    Outcome o = train(cfg.toString());
    assertEquals(3, o.code(), o.out());
    assertTrue(o.out().contains("fit:OIBD.level FAILED"), o.out());
    assertTrue(o.out().contains("fit:DCA.level SUCCEEDED"), o.out());
    assertTrue(o.out().contains("assemble:model BLOCKED"), o.out());
    assertFalse(Files.exists(models.resolve("small-1/model.json")));
    // The finished fits are kept: a rerun that allows the failure reuses them.
    Path relaxed =
        config(
            GENERATE,
            String.join(
                "\n",
                "  submodels:",
                "    OIBD.level: { maxIterations: 1, allowNonConverged: true }"));
    Outcome again = train(relaxed.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("9 cached"), again.out());
  }

  @Test
  void panelFailingAGateTrainsNothingAndWritesNothing() throws IOException {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 500, 4, 2, 8);
    Path csv = tmp.resolve("panel.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, csv, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    // Break the balance identity of one row: URE of data line 10.
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    int col = List.of(lines.get(0).split(",")).indexOf(StateVariable.URE.name());
    String[] cells = lines.get(9).split(",");
    cells[col] = "1.0E15";
    lines.set(9, String.join(",", cells));
    Files.write(csv, lines);
    Path cfg = config("  panel: " + csv, "");
    Outcome o = train(cfg.toString());
    assertEquals(3, o.code(), o.out());
    assertTrue(o.err().contains("BalanceIdentity") || o.err().contains("balance"), o.err());
    assertTrue(o.err().contains("10"), "example row not named: " + o.err());
    assertFalse(o.out().contains("fit:DCA.level SUCCEEDED"), o.out());
    assertFalse(Files.exists(models.resolve("small-1")), "the model folder was written");
  }

  @Test
  void trainsOnAParquetPanel() throws IOException {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 2000, 5, 2, 8);
    Path file = tmp.resolve("panel.parquet");
    try (PanelWriter w = PanelWriter.open(PanelFormat.PARQUET, file, false)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    Outcome o = train(config("  panel: " + file, "").toString(), "--only", "T7");
    assertEquals(0, o.code(), o.out() + o.err());
    assertTrue(o.out().contains("fit:DCA.level SUCCEEDED"), o.out());
  }

  /** Runs {@code simulate --model} through the same command line. */
  static final class SimulateRunner {
    static Outcome simulate(Path model, Path out) {
      StringWriter o = new StringWriter();
      StringWriter e = new StringWriter();
      int code =
          Main.run(
              new PrintWriter(o),
              new PrintWriter(e),
              "simulate",
              "--model",
              model.toString(),
              "--firms",
              "200",
              "--years",
              "3",
              "--out",
              out.toString());
      return new Outcome(code, o.toString(), e.toString());
    }
  }
}
