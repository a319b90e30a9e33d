package io.firmsim.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * What {@code simulate} writes and where it refuses to: output locations checked before any work,
 * {@code --overwrite}, sizes refused naming their limit, a write that fails half-way, and the run
 * record {@code run.json}.
 */
class SimulateOutputsTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  private static Outcome run(SimulateCommand command, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    int code =
        Main.run(cli, new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
    return new Outcome(code, out.toString(), err.toString());
  }

  private static Outcome simulate(List<String> args) {
    return run(new SimulateCommand(), args);
  }

  /** Every file and folder below {@code root} with its content (folders: "<dir>"). */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(root)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> !p.equals(root)).toList()) {
        m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "<dir>" : Files.readString(p));
      }
    }
    return m;
  }

  // ------------------------------------------------------------------ output locations

  interface Location {
    /** Prepares the location below {@code tmp} and returns the --out argument. */
    Path prepare(Path tmp) throws IOException;
  }

  static Stream<Arguments> refusedLocations() {
    return Stream.of(
        Arguments.of(
            "a file",
            (Location) t -> Files.writeString(t.resolve("out.txt"), "mine"),
            false,
            "exists and is a file"),
        Arguments.of("the root", (Location) t -> Path.of("/"), false, "is the root"),
        Arguments.of(
            "an unwritable location",
            (Location) t -> Path.of("/proc/firmsim-x"),
            false,
            "cannot write in /proc"),
        Arguments.of(
            "below a file",
            (Location) t -> Files.writeString(t.resolve("f"), "mine").resolve("out"),
            false,
            "is not a folder"),
        Arguments.of(
            "a non-empty folder",
            (Location)
                t -> {
                  Path d = Files.createDirectory(t.resolve("out"));
                  Files.writeString(d.resolve("notes.txt"), "keep me");
                  return d;
                },
            false,
            "exists and is not empty"),
        Arguments.of(
            "a non-empty folder that is not a firmsim output, with --overwrite",
            (Location)
                t -> {
                  Path d = Files.createDirectory(t.resolve("out"));
                  Files.writeString(d.resolve("notes.txt"), "keep me");
                  return d;
                },
            true,
            "is not a firmsim output"),
        Arguments.of(
            "a folder holding a folder named aggregates.csv",
            (Location)
                t -> {
                  Path d = Files.createDirectory(t.resolve("out"));
                  Files.createDirectory(d.resolve("aggregates.csv"));
                  return d;
                },
            false,
            "exists and is not empty"),
        Arguments.of(
            "a folder holding a folder named aggregates.csv, with --overwrite",
            (Location)
                t -> {
                  Path d = Files.createDirectory(t.resolve("out"));
                  Files.createDirectory(d.resolve("aggregates.csv"));
                  return d;
                },
            true,
            "is not a firmsim output"));
  }

  /**
   * Each unusable location is refused with exit 2 and its path named, nothing is written, and the
   * check comes before any work: the model file given does not exist, and the error is about the
   * output, not the model.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedLocations")
  void unusableOutputIsRefusedBeforeAnyWorkWithNothingWritten(
      String label, Location location, boolean overwrite, String expected) throws IOException {
    Path out = location.prepare(tmp);
    Map<String, String> before = snapshot(tmp);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--firms",
                "20",
                "--years",
                "2",
                "--panel",
                "csv",
                "--model",
                tmp.resolve("no-such-model.json").toString(),
                "--out",
                out.toString()));
    if (overwrite) {
      args.add("--overwrite");
    }
    Outcome o = simulate(args);
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(expected), o.err());
    assertTrue(o.err().contains(out.toAbsolutePath().normalize().toString()), o.err());
    assertFalse(o.err().contains("no-such-model"), "the model was read first: " + o.err());
    assertFalse(o.err().contains("\tat "), "stack trace: " + o.err());
    assertEquals(before, snapshot(tmp), "something was written");
  }

  /** --overwrite replaces a previous firmsim output as a whole: nothing of it is kept. */
  @Test
  void overwriteReplacesAPreviousOutputAsAWhole() throws IOException {
    Path out = tmp.resolve("out");
    List<String> first =
        List.of("--firms", "30", "--years", "2", "--panel", "csv", "--out", out.toString());
    assertEquals(0, simulate(first).code());
    assertTrue(Files.exists(out.resolve("panel.csv")));
    List<String> second = List.of("--firms", "30", "--years", "3", "--out", out.toString());
    Outcome refused = simulate(second);
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("--overwrite"), refused.err());
    assertTrue(Files.exists(out.resolve("panel.csv")), "refused run touched the output");

    List<String> withOverwrite = new ArrayList<>(second);
    withOverwrite.add("--overwrite");
    Outcome o = simulate(withOverwrite);
    assertEquals(0, o.code(), o.err());
    assertFalse(Files.exists(out.resolve("panel.csv")), "a file of the old output was kept");
    assertEquals(4, Files.readAllLines(out.resolve("aggregates.csv")).size());
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("out"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  // ------------------------------------------------------------------ sizes

  static Stream<Arguments> oversized() {
    return Stream.of(
        Arguments.of(List.of("--years", "2147483647"), "at most 10,000 years"),
        Arguments.of(List.of("--firms", "10", "--years", "100000000"), "at most 10,000 years"),
        Arguments.of(List.of("--burn-in", "2147483647"), "at most 10,000 years"),
        Arguments.of(List.of("--years", "9996"), "at most 10,000 years"), // + 5 burn-in
        Arguments.of(List.of("--start-year", "2147483647"), "between -1,000,000 and 1,000,000"),
        Arguments.of(List.of("--start-year", "-2147483648"), "between -1,000,000"),
        Arguments.of(List.of("--firms", "2147483647"), "at most 2,000,000,000"),
        Arguments.of(List.of("--chunk-size", "2147483647"), "at most 4,194,304 firms"),
        Arguments.of(
            List.of("--firms", "2000000000", "--years", "1000"), "limit of 1,000,000,000,000"));
  }

  /** Each oversized argument is refused with exit 2, naming its limit, before any work. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("oversized")
  void oversizedArgumentsAreRefusedNamingTheLimit(List<String> size, String limit)
      throws IOException {
    Path out = tmp.resolve("out");
    List<String> args = new ArrayList<>(size);
    args.addAll(List.of("--out", out.toString()));
    Outcome o = simulate(args);
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(limit), o.err());
    assertEquals(Map.of(), snapshot(tmp), "something was written");
  }

  // ------------------------------------------------------------------ a failing write

  /** A panel writer on a disk that fills up after the first rows. */
  private static final class FillingUp implements PanelWriter {
    private final PanelWriter real;
    private int batches;

    FillingUp(PanelWriter real) {
      this.real = real;
    }

    @Override
    public void write(long[] firmIds, int[] years, double[] state, double[] flows, int rows)
        throws IOException {
      if (++batches > 20) {
        throw new IOException("No space left on device");
      }
      real.write(firmIds, years, state, flows, rows);
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }

  /** A full disk is reported naming the file, exit 1, no stack trace, and nothing is left. */
  @Test
  void fullDiskIsReportedNamingThePathWithNothingLeft() throws IOException {
    Path out = tmp.resolve("out");
    SimulateCommand command = new SimulateCommand();
    List<Path> opened = new ArrayList<>();
    command.panelOpener =
        (format, file, float32) -> {
          opened.add(file);
          return new FillingUp(PanelWriter.open(format, file, float32));
        };
    Outcome o =
        run(
            command,
            List.of("--firms", "100", "--years", "2", "--panel", "csv", "--out", out.toString()));
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains(out.resolve("panel.csv").toString()), o.err());
    assertTrue(o.err().contains("No space left on device"), o.err());
    assertFalse(o.err().contains("\tat "), "stack trace: " + o.err());
    assertFalse(o.err().contains("bug"), o.err());
    assertEquals(1, opened.size());
    assertFalse(Files.exists(opened.get(0)), "the half-written panel was left");
    assertEquals(Map.of(), snapshot(tmp), "something was left");
  }

  // ------------------------------------------------------------------ run.json

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void runJsonRecordsWhatWasRunOnWhatAndByWhat() throws Exception {
    byte[] modelBytes;
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      modelBytes = in.readAllBytes();
    }
    Path model = tmp.resolve("model.json");
    Files.write(model, modelBytes);
    Path out = tmp.resolve("out");
    List<String> args =
        List.of(
            "--firms",
            "40",
            "--years",
            "3",
            "--burn-in",
            "1",
            "--seed",
            "17",
            "--mode",
            "mean",
            "--dtype",
            "float32",
            "--device",
            "cpu",
            "--model",
            model.toString(),
            "--out",
            out.toString());
    Instant before = Instant.now();
    Outcome o = simulate(args);
    Instant after = Instant.now();
    assertEquals(0, o.code(), o.err());
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals("firmsim-run", run.get("format").asText());
    assertEquals(1, run.get("formatVersion").asInt());
    List<String> recorded = new ArrayList<>();
    run.get("commandLine").forEach(n -> recorded.add(n.asText()));
    List<String> expected = new ArrayList<>(List.of("simulate"));
    expected.addAll(args);
    assertEquals(expected, recorded);
    assertEquals(17, run.get("seed").asLong());
    assertEquals("mean", run.get("mode").asText());
    assertEquals("float32", run.get("dtype").asText());
    assertEquals("cpu", run.get("device").get("requested").asText());
    assertEquals("cpu()", run.get("device").get("resolved").asText());
    assertEquals(40, run.get("firms").asInt());
    assertEquals(3, run.get("years").asInt());
    assertEquals(1, run.get("burnIn").asInt());
    assertEquals("file", run.get("model").get("source").asText());
    assertEquals(model.toAbsolutePath().toString(), run.get("model").get("path").asText());
    assertEquals(sha256(modelBytes), run.get("model").get("sha256").asText());
    assertEquals("generated", run.get("population").get("source").asText());
    assertEquals(BuildInfo.current().codeVersion(), run.get("firmsim").get("codeVersion").asText());
    assertEquals(System.getProperty("java.version"), run.get("java").get("version").asText());
    assertEquals(System.getProperty("os.name"), run.get("os").get("name").asText());
    Instant start = Instant.parse(run.get("startTime").asText());
    Instant end = Instant.parse(run.get("endTime").asText());
    assertFalse(start.isBefore(before) || end.isAfter(after) || end.isBefore(start));
    assertEquals(160, run.get("firmYearsStepped").asLong());
  }

  @Test
  void runJsonNamesTheEmbeddedModelAndItsHash() throws Exception {
    Path out = tmp.resolve("out");
    assertEquals(
        0, simulate(List.of("--firms", "10", "--years", "1", "--out", out.toString())).code());
    JsonNode m = new ObjectMapper().readTree(out.resolve("run.json").toFile()).get("model");
    byte[] modelBytes;
    try (InputStream in = PaperModel.class.getResourceAsStream(PaperModel.RESOURCE)) {
      modelBytes = in.readAllBytes();
    }
    assertEquals("embedded", m.get("source").asText());
    assertEquals(PaperModel.RESOURCE, m.get("resource").asText());
    assertEquals(sha256(modelBytes), m.get("sha256").asText());
    assertTrue(Files.isRegularFile(out.resolve(OutputDirectory.MARKER)));
  }
}
