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

  /** A CSV with columns a, b, c (c constant), d = a + b, and targets yb, yo, yt, yh. */
  private Path data(int n) throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    List<String> lines = new ArrayList<>();
    lines.add("a,b,c,d,yb,yo,yt,yh,zeros,noneg");
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
              + (yo == -1 ? 0 : yo));
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
            List.of("--family", "binary", "--target", "yb", "--features", "a,c"),
            "column 'c': feature is constant"),
        Arguments.of(
            List.of("--family", "binary", "--target", "yb", "--features", "a,b,d"),
            "perfectly collinear"),
        Arguments.of(
            List.of("--family", "binary", "--target", "zeros", "--features", "a,b"), "all zeros"),
        Arguments.of(
            List.of("--family", "ordinal3", "--target", "noneg", "--features", "a,b"),
            "no row in category -1"),
        Arguments.of(
            List.of("--family", "poisson", "--target", "yb", "--features", "a"),
            "--family must be"),
        Arguments.of(
            List.of("--family", "binary", "--link", "probit", "--target", "yb", "--features", "a"),
            "--link must be"));
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
