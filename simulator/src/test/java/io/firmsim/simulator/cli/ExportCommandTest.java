package io.firmsim.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.equations.EquationBlock;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.export.OnnxGraphs;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code firmsim export} end to end: the artifact is complete and verifies, provenance survives
 * export and loading (also through {@code simulate}), a damaged artifact or a bad model is refused
 * with exit 2 naming the file, a failed export leaves nothing, {@code --install} puts the artifact
 * into the repository, and a model given as an artifact simulates like the same model file.
 */
class ExportCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome run(Supplier<ArtifactExporter> exporter, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    if (exporter != null) {
      ((ExportCommand) cli.getSubcommands().get("export").getCommand()).exporter = exporter;
    }
    int code = Main.run(cli, new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  static Outcome firmsim(String... args) {
    return run(null, args);
  }

  /** A trained-like model: the paper model with provenance, a fit block and level noise on T7. */
  static ModelSpec trainedLike() {
    ObjectNode json = ModelSpecWriter.toJson(PaperModel.load());
    ObjectNode p = json.putObject("provenance");
    p.put("trainer", "fit-model");
    p.put("seed", 5);
    p.putObject("data").put("sha256", "ef".repeat(32)).put("rows", 777);
    json.putObject("fit").putArray("notEstimated");
    ((ObjectNode) json.get("equations").get(6).at("/submodels/level"))
        .putObject("residuals")
        .putObject("johnsonSu")
        .put("xi", 0.0)
        .put("lambda", 0.3)
        .put("gamma", 0.1)
        .put("delta", 2.0);
    return ModelSpecReader.parse(json, "trained-like");
  }

  private Path modelFile(ModelSpec spec) throws IOException {
    Path f = tmp.resolve("model.json");
    ModelSpecWriter.write(spec, f);
    return f;
  }

  @Test
  void exportsTheEmbeddedModelWholeWithoutTouchingTheRepository() throws IOException {
    Path out = tmp.resolve("paper-art");
    Path repo = tmp.resolve("repo");
    Outcome o = firmsim("export", "--out", out.toString(), "--models-dir", repo.toString());
    assertEquals(0, o.code(), o.err());
    Artifact a = ArtifactReader.open(out);
    assertEquals("paper", a.name());
    assertEquals("1", a.version());
    assertArrayEquals(ModelSpecWriter.bytes(PaperModel.load()), ModelSpecWriter.bytes(a.spec()));
    // model.json, the DJL parameters, 2 dtypes x 2 modes x (year + 24 equations); the metadata and
    // the output marker besides
    assertEquals(2 + 2 * 2 * 25, a.metadata().files().size());
    List<String> all = files(out);
    assertEquals(a.metadata().files().size() + 2, all.size(), all.toString());
    assertTrue(all.contains(OutputDirectory.MARKER));
    assertEquals(OutputDirectory.MARKER, ArtifactReader.OUTPUT_MARKER);
    assertFalse(Files.exists(repo), "the repository was written");
    assertTrue(o.out().contains("exported paper/1 to " + out.toAbsolutePath()), o.out());
  }

  @Test
  void provenanceSurvivesExportReexportAndLoading() throws IOException {
    ModelSpec spec = trainedLike();
    Path file = modelFile(spec);
    Path first = tmp.resolve("first");
    Outcome o =
        firmsim(
            "export",
            "--model",
            file.toString(),
            "--out",
            first.toString(),
            "--name",
            "small",
            "--version",
            "2",
            "--dtype",
            "float64");
    assertEquals(0, o.code(), o.err());
    Artifact a = ArtifactReader.open(first);
    assertEquals(spec.provenance(), a.spec().provenance());
    assertEquals(spec.fit(), a.spec().fit());
    assertEquals(spec.provenance().orElseThrow(), a.metadata().provenance());
    assertTrue(
        a.metadata().onnx().graphs().stream().allMatch(g -> g.dtype().equals("float64")),
        "--dtype float64 wrote float32 graphs");
    assertEquals(2 + 2 * 25, a.metadata().files().size());

    // An artifact exported again keeps its name, version and provenance.
    Path second = tmp.resolve("second");
    Outcome again = firmsim("export", "--model", first.toString(), "--out", second.toString());
    assertEquals(0, again.code(), again.err());
    Artifact b = ArtifactReader.open(second);
    assertEquals("small", b.name());
    assertEquals("2", b.version());
    assertEquals(spec.provenance(), b.provenance());
    assertArrayEquals(ModelSpecWriter.bytes(spec), ModelSpecWriter.bytes(b.spec()));
  }

  @Test
  void anArtifactSimulatesLikeItsModelFileAndTheRunRecordNamesIt() throws IOException {
    ModelSpec spec = trainedLike();
    Path file = modelFile(spec);
    Path art = tmp.resolve("art");
    assertEquals(0, firmsim("export", "--model", file.toString(), "--out", art.toString()).code());
    List<String> common =
        List.of("--firms", "64", "--years", "3", "--burn-in", "1", "--seed", "3", "--quiet");
    Outcome fromFile = simulate(common, "--model", file.toString(), "--out", tmp + "/a");
    Outcome fromArt = simulate(common, "--model", art.toString(), "--out", tmp + "/b");
    assertEquals(0, fromFile.code(), fromFile.err());
    assertEquals(0, fromArt.code(), fromArt.err());
    assertEquals(
        Files.readString(tmp.resolve("a/aggregates.csv")),
        Files.readString(tmp.resolve("b/aggregates.csv")));
    JsonNode record = new ObjectMapper().readTree(tmp.resolve("b/run.json").toFile());
    assertEquals("artifact", record.at("/model/source").asText());
    assertEquals(art.toAbsolutePath().toString(), record.at("/model/path").asText());
    assertEquals(64, record.at("/model/metadataSha256").asText().length());
  }

  @Test
  void aDamagedArtifactIsRefusedWithExit2NamingTheFile() throws IOException {
    Path art = tmp.resolve("art");
    assertEquals(0, firmsim("export", "--out", art.toString(), "--dtype", "float32").code());
    for (String name :
        List.of(
            "onnx/T05-sample-float32.onnx",
            "djl/year-0000.params",
            "metadata.json",
            "model.json")) {
      Path f = art.resolve(name);
      byte[] original = Files.readAllBytes(f);
      byte[] changed = original.clone();
      changed[changed.length - 3] ^= 0x10;
      Files.write(f, changed);
      Outcome sim =
          simulate(
              List.of("--firms", "10", "--years", "1"),
              "--model",
              art.toString(),
              "--out",
              tmp + "/s");
      assertEquals(2, sim.code(), name + ": " + sim.err());
      assertTrue(sim.err().contains(f.toAbsolutePath().normalize().toString()), sim.err());
      assertFalse(sim.err().contains("\tat "), "stack trace: " + sim.err());
      Outcome exp = firmsim("export", "--model", art.toString(), "--out", tmp + "/e");
      assertEquals(2, exp.code(), exp.err());
      assertTrue(exp.err().contains(f.toAbsolutePath().normalize().toString()), exp.err());
      Files.write(f, original);
    }
    Path extra = art.resolve("onnx/extra.onnx");
    Files.writeString(extra, "x");
    Outcome o = firmsim("export", "--model", art.toString(), "--out", tmp + "/e");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(extra.toAbsolutePath().normalize() + ": not listed"), o.err());
    assertFalse(Files.exists(tmp.resolve("e")));
    assertFalse(Files.exists(tmp.resolve("s")));
  }

  @Test
  void badModelsAndArgumentsExit2() throws IOException {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"name\": 1}");
    Path repo = tmp.resolve("repo");
    String out = tmp.resolve("o").toString();
    assertExit2(firmsim("export", "--model", bad.toString(), "--out", out), bad.toString());
    assertExit2(firmsim("export", "--model", tmp + "/none.json", "--out", out), tmp + "/none.json");
    assertExit2(
        firmsim("export", "--model", "nosuch", "--models-dir", repo.toString(), "--out", out),
        "no model 'nosuch'");
    assertExit2(firmsim("export", "--dtype", "float16", "--out", out), "--dtype");
    assertExit2(firmsim("export", "--name", "../x", "--out", out), "--name '../x'");
    assertExit2(firmsim("export", "--version", "", "--out", out), "--version ''");
    assertFalse(Files.exists(Path.of(out)));
  }

  @Test
  void anExistingOutputIsRefusedUnlessOverwritten() throws IOException {
    Path out = tmp.resolve("art");
    assertEquals(0, firmsim("export", "--out", out.toString(), "--dtype", "float32").code());
    assertExit2(firmsim("export", "--out", out.toString()), "--overwrite");
    Outcome o = firmsim("export", "--out", out.toString(), "--overwrite", "--dtype", "float64");
    assertEquals(0, o.code(), o.err());
    Artifact a = ArtifactReader.open(out);
    assertTrue(a.metadata().onnx().graphs().stream().allMatch(g -> g.dtype().equals("float64")));
  }

  @Test
  void aFailedExportLeavesNothingBehind() throws IOException {
    OnnxGraphs failing =
        new OnnxGraphs() {
          @Override
          public int opset() {
            return 17;
          }

          @Override
          public int irVersion() {
            return 8;
          }

          @Override
          public byte[] yearGraph(
              ModelSpec spec, ForwardMode mode, OnnxDType dtype, Map<String, String> props) {
            return new byte[] {1, 2, 3};
          }

          @Override
          public byte[] equationGraph(
              EquationBlock block, ForwardMode mode, OnnxDType dtype, Map<String, String> p) {
            if (block.spec().table() == 17) {
              throw new IllegalStateException("graph builder failed");
            }
            return new byte[] {4};
          }
        };
    Path out = tmp.resolve("art");
    Outcome o = run(() -> new ArtifactExporter(failing), "export", "--out", out.toString());
    assertEquals(1, o.code(), o.err());
    assertEquals(List.of(), files(tmp), "something was left: " + files(tmp));
  }

  @Test
  void installPutsTheArtifactIntoTheRepositoryOnce() throws IOException {
    Path repo = tmp.resolve("repo");
    Path file = modelFile(trainedLike());
    String[] args = {
      "export",
      "--model",
      file.toString(),
      "--name",
      "trained",
      "--version",
      "3",
      "--dtype",
      "float32",
      "--models-dir",
      repo.toString(),
      "--install",
      "--out",
      tmp + "/art"
    };
    Outcome o = firmsim(args);
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("installed as trained/3"), o.out());
    Outcome sim =
        simulate(
            List.of("--firms", "10", "--years", "1", "--quiet"),
            "--model",
            "trained",
            "--models-dir",
            repo.toString(),
            "--out",
            tmp + "/s");
    assertEquals(0, sim.code(), sim.err());
    args[args.length - 1] = tmp + "/art2";
    assertExit2(firmsim(args), "already holds trained/3");
    assertFalse(Files.exists(tmp.resolve("art2")));
  }

  @Test
  void paperByNameIsMaterializedInTheRepositoryAndSimulates() throws IOException {
    Path repo = tmp.resolve("repo");
    Outcome sim =
        simulate(
            List.of("--firms", "10", "--years", "1", "--quiet"),
            "--model",
            "paper",
            "--models-dir",
            repo.toString(),
            "--out",
            tmp + "/s");
    assertEquals(0, sim.code(), sim.err());
    Artifact paper = ArtifactReader.open(repo.resolve("paper/1"));
    assertArrayEquals(
        ModelSpecWriter.bytes(PaperModel.load()), ModelSpecWriter.bytes(paper.spec()));
    assertTrue(Files.isRegularFile(paper.file("onnx/year-sample-float32.onnx")));
  }

  private static void assertExit2(Outcome o, String expected) {
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains(expected), o.err());
    assertFalse(o.err().contains("\tat "), "stack trace: " + o.err());
  }

  private static Outcome simulate(List<String> common, String... more) {
    List<String> all = new ArrayList<>();
    all.add("simulate");
    all.addAll(common);
    all.addAll(List.of(more));
    return firmsim(all.toArray(new String[0]));
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !Files.isDirectory(p))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
