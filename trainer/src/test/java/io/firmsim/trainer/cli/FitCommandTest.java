package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code firmsim fit}: the JSON it writes, and every bad input refused with nothing written. */
class FitCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  /**
   * A CSV with columns a, b, c (c constant), d = a + b, targets yb, yo, yt, yh, and degenerate
   * targets zeros (all 0), noneg (no -1) and sep (separated by a line in a and b).
   */
  private Path data(int n) throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    List<String> lines = new ArrayList<>();
    lines.add("a,b,c,d,yb,yo,yt,yh,zeros,noneg,sep");
    for (int i = 0; i < n; i++) {
      double a = r.nextGaussian();
      double b = r.nextGaussian() * 1e6;
      double eta = 0.5 * a + 1e-6 * b;
      int yb = r.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      double u = r.nextDouble();
      double p1 = 1 - Math.exp(-Math.exp(-1 + eta));
      double p2 = 1 - Math.exp(-Math.exp(0.5 + eta));
      int yo = u < p1 ? -1 : (u < p2 ? 0 : 1);
      double yt = Math.max(0, 1 + eta + 0.5 * Math.log(u / (1 - u)));
      double yh = 2 + eta + r.nextGaussian() * 0.3;
      lines.add(
          a
              + ","
              + b
              + ",7,"
              + (a + b)
              + ","
              + yb
              + ","
              + yo
              + ","
              + yt
              + ","
              + yh
              + ",0,"
              + (yo == -1 ? 0 : yo)
              + ","
              + (a - 1e-6 * b > 0.3 ? 1 : 0));
    }
    Path f = tmp.resolve("data.csv");
    Files.write(f, lines);
    return f;
  }

  @Test
  void writesTheSubmodelShapeWithFitStatistics() throws IOException {
    Path f = data(2000);
    Path out = tmp.resolve("fit.json");
    Outcome o =
        run(
            "fit",
            "--family",
            "ordinal3",
            "--link",
            "cloglog",
            "--data",
            f.toString(),
            "--target",
            "yo",
            "--features",
            "a,b",
            "--out",
            out.toString());
    assertEquals(0, o.code(), o.err());
    JsonNode j = new ObjectMapper().readTree(out.toFile());
    assertEquals("ordinal3", j.get("family").asText());
    assertEquals("cloglog", j.get("link").asText());
    assertEquals(2, j.get("intercepts").size());
    assertEquals(2, j.get("coefficients").size());
    assertEquals(2, j.get("standardErrors").get("intercepts").size());
    assertEquals(2000, j.get("nObs").asInt());
    assertTrue(j.get("converged").asBoolean());
    assertTrue(j.has("logLikelihood") && j.has("iterations"));
    // True slopes are 0.5 and 1e-6: within four standard errors.
    assertTrue(
        Math.abs(j.get("coefficients").get(0).asDouble() - 0.5)
            < 4 * j.get("standardErrors").get("coefficients").get(0).asDouble());

    Path huber = tmp.resolve("huber.json");
    Outcome h =
        run(
            "fit",
            "--family",
            "huber",
            "--data",
            f.toString(),
            "--target",
            "yh",
            "--features",
            "a,b,c",
            "--drop-constant",
            "--out",
            huber.toString());
    assertEquals(0, h.code(), h.err());
    JsonNode hj = new ObjectMapper().readTree(huber.toFile());
    assertEquals("c", hj.get("notIdentified").get(0).asText());
    assertEquals(2, hj.get("features").size());
    assertTrue(hj.get("residuals").has("johnsonSu"));
    assertTrue(hj.has("objective"));
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of(
            List.of("--family", "binary", "--target", "yb", "--features", "a,nope"),
            "column 'nope': missing column"),
        Arguments.of(
            List.of("--family", "binary", "--target", "yo", "--features", "a,b"),
            "column 'yo', data row"),
        Arguments.of(
            List.of("--family", "poisson", "--target", "yb", "--features", "a"),
            "--family must be"),
        Arguments.of(
            List.of("--family", "binary", "--link", "probit", "--target", "yb", "--features", "a"),
            "--link must be"),
        Arguments.of(
            List.of(
                "--family",
                "binary",
                "--covariance",
                "robust",
                "--target",
                "yb",
                "--features",
                "a"),
            "--covariance must be"),
        Arguments.of(
            List.of(
                "--family",
                "tobit",
                "--covariance",
                "expected",
                "--target",
                "yt",
                "--features",
                "a"),
            "applies to binary fits only"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badInputs")
  void badInputIsRefusedWithNothingWritten(List<String> args, String expected) throws IOException {
    Path f = data(500);
    Path out = tmp.resolve("fit.json");
    List<String> all =
        new ArrayList<>(List.of("fit", "--data", f.toString(), "--out", out.toString()));
    all.addAll(args);
    Outcome o = run(all.toArray(new String[0]));
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains(expected), o.err());
    assertFalse(Files.exists(out));
  }

  static Stream<Arguments> notEstimable() {
    return Stream.of(
        Arguments.of(
            List.of("--family", "binary", "--target", "yb", "--features", "a,c"),
            "(constant feature): ",
            "column 'c': feature is constant"),
        Arguments.of(
            List.of("--family", "binary", "--target", "yb", "--features", "a,b,d"),
            "(collinear features): ",
            "perfectly collinear"),
        Arguments.of(
            List.of("--family", "binary", "--target", "zeros", "--features", "a,b"),
            "(degenerate target): ",
            "all zeros"),
        Arguments.of(
            List.of("--family", "ordinal3", "--target", "noneg", "--features", "a,b"),
            "(empty category): ",
            "no row in category -1"),
        Arguments.of(
            List.of(
                "--family", "binary", "--link", "logit", "--target", "sep", "--features", "a,b"),
            "(separation): ",
            "perfect separation"));
  }

  /**
   * Data that do not identify the submodel are a failed run (exit 3), named with their reason, not
   * bad input, and nothing is written.
   */
  @ParameterizedTest(name = "{2}")
  @MethodSource("notEstimable")
  void notEstimableIsAFailedRunWithNothingWritten(List<String> args, String reason, String expected)
      throws IOException {
    Path f = data(500);
    Path out = tmp.resolve("fit.json");
    List<String> all =
        new ArrayList<>(List.of("fit", "--data", f.toString(), "--out", out.toString()));
    all.addAll(args);
    Outcome o = run(all.toArray(new String[0]));
    assertEquals(3, o.code(), o.out() + o.err());
    assertTrue(o.err().contains("firmsim: fit failed " + reason), o.err());
    assertTrue(o.err().contains(expected), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
    assertFalse(Files.exists(out));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(f), left.toList(), "no staging file left");
    }
  }

  /**
   * A slope beyond the range of a double (target near 1e300, feature spread 1e-10) is an overflow:
   * exit 3, named, and no JSON with "Infinity" is written.
   */
  @Test
  void overflowIsNamedAndNeverWrittenAsInfinity() throws IOException {
    SplittableRandom r = new SplittableRandom(9);
    List<String> lines = new ArrayList<>();
    lines.add("x,y");
    for (int i = 0; i < 100; i++) {
      double z = r.nextGaussian();
      lines.add(1e-10 * z + "," + 1e300 * (z + 0.1 * r.nextGaussian()));
    }
    Path f = tmp.resolve("huge.csv");
    Files.write(f, lines);
    Path out = tmp.resolve("fit.json");
    Outcome o =
        run(
            "fit",
            "--family",
            "huber",
            "--data",
            f.toString(),
            "--target",
            "y",
            "--features",
            "x",
            "--out",
            out.toString());
    assertEquals(3, o.code(), o.out() + o.err());
    assertTrue(o.err().contains("(overflow)") && o.err().contains("overflowed"), o.err());
    assertFalse(Files.exists(out));
  }

  /** Binary fits state their covariance: expected by default, observed on request. */
  @Test
  void theCovarianceIsChosenAndStated() throws IOException {
    Path f = data(2000);
    Path expected = tmp.resolve("expected.json");
    Path observed = tmp.resolve("observed.json");
    Path tobit = tmp.resolve("tobit.json");
    List<String> common =
        List.of(
            "fit",
            "--family",
            "binary",
            "--data",
            f.toString(),
            "--target",
            "yb",
            "--features",
            "a,b");
    List<String> a = new ArrayList<>(common);
    a.addAll(List.of("--out", expected.toString()));
    assertEquals(0, run(a.toArray(new String[0])).code());
    List<String> b = new ArrayList<>(common);
    b.addAll(List.of("--out", observed.toString(), "--covariance", "observed"));
    assertEquals(0, run(b.toArray(new String[0])).code());
    Outcome t =
        run(
            "fit",
            "--family",
            "tobit",
            "--data",
            f.toString(),
            "--target",
            "yt",
            "--features",
            "a,b",
            "--out",
            tobit.toString());
    assertEquals(0, t.code(), t.err());
    ObjectMapper m = new ObjectMapper();
    JsonNode e = m.readTree(expected.toFile());
    JsonNode o = m.readTree(observed.toFile());
    assertEquals("expected", e.get("standardErrors").get("covariance").asText());
    assertEquals("observed", o.get("standardErrors").get("covariance").asText());
    assertEquals(
        "observed", m.readTree(tobit.toFile()).get("standardErrors").get("covariance").asText());
    // cloglog: the same estimates, standard errors from two different informations.
    assertEquals(e.get("coefficients"), o.get("coefficients"));
    double se = e.get("standardErrors").get("coefficients").get(0).asDouble();
    double so = o.get("standardErrors").get("coefficients").get(0).asDouble();
    assertTrue(se != so && Math.abs(se - so) < 0.1 * se, se + " vs " + so);
  }

  /**
   * The output location is checked before the data are read: a folder, an existing file (without
   * --overwrite) and a folder that cannot be written are refused with exit 2, naming the output,
   * and nothing is written (the existing file keeps its content). The data file given does not
   * exist, so a refusal that came after reading would name it instead.
   */
  @Test
  void outputLocationsAreRefusedBeforeAnyWork() throws IOException {
    Path missing = tmp.resolve("no-such-data.csv");
    Path folder = Files.createDirectories(tmp.resolve("folder"));
    Path existing = tmp.resolve("existing.json");
    Files.writeString(existing, "previous");
    Path unwritable = Path.of("/proc/firmsim-no-such-dir/fit.json");
    for (Path out : List.of(folder, existing, unwritable)) {
      Outcome o =
          run(
              "fit",
              "--family",
              "binary",
              "--data",
              missing.toString(),
              "--target",
              "yb",
              "--features",
              "a",
              "--out",
              out.toString());
      assertEquals(2, o.code(), out + ": " + o.out() + o.err());
      assertTrue(o.err().contains("output file"), o.err());
      assertFalse(o.err().contains("no-such-data"), o.err());
    }
    assertEquals("previous", Files.readString(existing));
    try (Stream<Path> left = Files.list(folder)) {
      assertEquals(0, left.count());
    }
    assertFalse(Files.exists(unwritable));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(2, left.count(), "only the folder and the existing file");
    }
  }

  /** --overwrite replaces an existing output file as a whole. */
  @Test
  void overwriteReplacesAnExistingFile() throws IOException {
    Path f = data(500);
    Path out = tmp.resolve("fit.json");
    Files.writeString(out, "previous");
    Outcome o =
        run(
            "fit",
            "--family",
            "binary",
            "--data",
            f.toString(),
            "--target",
            "yb",
            "--features",
            "a,b",
            "--out",
            out.toString(),
            "--overwrite");
    assertEquals(0, o.code(), o.err());
    assertEquals("binary", new ObjectMapper().readTree(out.toFile()).get("family").asText());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(2, left.count(), "data and fit only, no staging file");
    }
  }

  @Test
  void nonNumericAndNonFiniteCellsAreNamedByRowAndColumn() throws IOException {
    Path f = data(50);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.set(3, lines.get(3).replaceFirst("^[^,]*", "abc"));
    lines.set(5, lines.get(5).replaceFirst("^[^,]*", "NaN"));
    Files.write(f, lines);
    Path out = tmp.resolve("fit.json");
    Outcome o =
        run(
            "fit",
            "--family",
            "binary",
            "--data",
            f.toString(),
            "--target",
            "yb",
            "--features",
            "a,b",
            "--out",
            out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("row 4, column 'a': not a number: 'abc'"), o.err());
    assertFalse(Files.exists(out));
    lines.set(3, lines.get(5).replaceFirst("^[^,]*", "1.0"));
    Files.write(f, lines);
    Outcome p =
        run(
            "fit",
            "--family",
            "binary",
            "--data",
            f.toString(),
            "--target",
            "yb",
            "--features",
            "a,b",
            "--out",
            out.toString());
    assertTrue(p.err().contains("row 6, column 'a': non-finite value 'NaN'"), p.err());
    assertFalse(Files.exists(out));
  }
}
