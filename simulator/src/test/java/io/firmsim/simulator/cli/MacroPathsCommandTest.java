package io.firmsim.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.simulator.cli.SimulateCommandTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code simulate --macro-paths DIR} end to end: the per-path aggregates are those of separate
 * {@code --macro} runs, the bands are recomputed from the per-path files, and bad folders and
 * option combinations are refused before anything is written.
 */
class MacroPathsCommandTest {
  @TempDir Path tmp;

  private static final List<String> SHOCK =
      List.of("year,dgnp,realr", "1,5e10,0.05", "2,5e10,0.05", "3,5e10,0.05");
  private static final List<String> SLUMP =
      List.of("year,dgnp,realr", "1,-4e10,0.01", "2,-2e10,0.0", "3,1e10,0.03");
  private static final List<String> CALM =
      List.of("year,dgnp,realr", "0,0,0", "1,1e9,0.02", "2,1e9,0.02", "3,1e9,0.02", "4,0,0");

  private static final String[] RUN = {
    "--firms", "300", "--years", "3", "--burn-in", "1", "--seed", "11", "--quiet"
  };

  private static Outcome simulate(List<String> extra) {
    List<String> args = new ArrayList<>(Arrays.asList(RUN));
    args.addAll(extra);
    return SimulateCommandTest.simulate(args.toArray(new String[0]));
  }

  private Path folder(String name, List<List<String>> files, List<String> names)
      throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    for (int i = 0; i < files.size(); i++) {
      Files.write(dir.resolve(names.get(i)), files.get(i));
    }
    return dir;
  }

  @Test
  void identicalPathsGiveIdenticalAggregatesAndDegenerateBands() throws Exception {
    Path paths = folder("paths", List.of(SHOCK, SHOCK, SHOCK), List.of("a.csv", "b.csv", "c.csv"));
    Files.writeString(paths.resolve("notes.txt"), "not a path\n"); // ignored: not *.csv
    Path out = tmp.resolve("out");
    Outcome o = simulate(List.of("--macro-paths", paths.toString(), "--out", out.toString()));
    assertEquals(0, o.code(), o.err());
    assertTrue(
        o.out().contains("simulated 3600 firm-years under 3 macro paths in "), o.out()); // 3x1200
    byte[] a = Files.readAllBytes(out.resolve("paths/a/aggregates.csv"));
    assertArrayEquals(a, Files.readAllBytes(out.resolve("paths/b/aggregates.csv")));
    assertArrayEquals(a, Files.readAllBytes(out.resolve("paths/c/aggregates.csv")));
    assertFalse(Files.exists(out.resolve("paths/notes")));
    assertFalse(Files.exists(out.resolve("aggregates.csv")));

    List<String[]> agg = rows(out.resolve("paths/a/aggregates.csv"));
    List<String[]> bands = rows(out.resolve("aggregates-bands.csv"));
    String[] header = agg.get(0);
    assertEquals(
        List.of("year", "column", "mean", "p05", "p50", "p95"), Arrays.asList(bands.get(0)));
    int columns = header.length - 2; // all but year and firms
    assertEquals(1 + 3 * columns, bands.size());
    for (int r = 1; r < bands.size(); r++) {
      String[] b = bands.get(r);
      int y = (r - 1) / columns + 1;
      int c = 2 + (r - 1) % columns;
      assertEquals(agg.get(y)[0], b[0]);
      assertEquals(header[c], b[1]);
      for (int k = 2; k < 6; k++) {
        // equal values: every statistic is that value exactly, as written in aggregates.csv
        assertEquals(agg.get(y)[c], b[k], "row " + r + " " + bands.get(0)[k]);
      }
    }

    // run.json lists every path, in name order, with the SHA-256 of its file
    JsonNode record = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    JsonNode macro = record.get("macro");
    assertEquals("paths", macro.get("source").asText());
    assertEquals(paths.toAbsolutePath().toString(), macro.get("folder").asText());
    assertEquals(3, macro.get("paths").size());
    for (int i = 0; i < 3; i++) {
      JsonNode p = macro.get("paths").get(i);
      String name = List.of("a", "b", "c").get(i);
      assertEquals(name, p.get("name").asText());
      Path file = paths.resolve(name + ".csv").toAbsolutePath();
      assertEquals(file.toString(), p.get("path").asText());
      assertEquals(sha256(file), p.get("sha256").asText());
    }
    assertEquals(3600, record.get("firmYearsStepped").asLong());
  }

  @Test
  void eachPathEqualsASeparateMacroRunAndTheBandsAreTheirQuantiles() throws Exception {
    List<String> names = List.of("1-shock.csv", "2-slump.csv", "3-calm.csv");
    Path paths = folder("paths", List.of(SHOCK, SLUMP, CALM), names);
    Path out = tmp.resolve("out");
    Outcome o = simulate(List.of("--macro-paths", paths.toString(), "--out", out.toString()));
    assertEquals(0, o.code(), o.err());

    List<List<String[]>> perPath = new ArrayList<>();
    for (String n : names) {
      String stem = n.substring(0, n.length() - 4);
      Path single = tmp.resolve("single-" + stem);
      Outcome s =
          simulate(List.of("--macro", paths.resolve(n).toString(), "--out", single.toString()));
      assertEquals(0, s.code(), s.err());
      Path file = out.resolve("paths").resolve(stem).resolve("aggregates.csv");
      assertArrayEquals(
          Files.readAllBytes(single.resolve("aggregates.csv")), Files.readAllBytes(file), stem);
      perPath.add(rows(file));
    }
    // the paths do move the aggregates: no two per-path files are equal
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        assertFalse(
            Arrays.deepEquals(perPath.get(i).toArray(), perPath.get(j).toArray()), i + " " + j);
      }
    }

    // bands by hand: three values sorted x0 <= x1 <= x2; type 7 at p is x[j] + g (x[j+1] - x[j])
    // with h = 2p: p05 = x0 + 0.1 (x1 - x0), p50 = x1, p95 = x1 + 0.9 (x2 - x1)
    List<String[]> bands = rows(out.resolve("aggregates-bands.csv"));
    String[] header = perPath.get(0).get(0);
    int columns = header.length - 2;
    assertEquals(1 + 3 * columns, bands.size());
    int spread = 0;
    for (int r = 1; r < bands.size(); r++) {
      String[] b = bands.get(r);
      int y = (r - 1) / columns + 1;
      int c = 2 + (r - 1) % columns;
      assertEquals(header[c], b[1]);
      double[] x = new double[3];
      for (int i = 0; i < 3; i++) {
        x[i] = Double.parseDouble(perPath.get(i).get(y)[c]);
      }
      Arrays.sort(x);
      double[] expected = {
        (x[0] + x[1] + x[2]) / 3, x[0] + 0.1 * (x[1] - x[0]), x[1], x[1] + 0.9 * (x[2] - x[1])
      };
      double scale = Math.max(Math.abs(x[0]), Math.abs(x[2]));
      for (int k = 0; k < 4; k++) {
        double got = Double.parseDouble(b[k + 2]);
        assertEquals(expected[k], got, 1e-14 * scale, "row " + r + " " + bands.get(0)[k + 2]);
      }
      if (x[0] < x[2]) {
        spread++;
      }
    }
    assertTrue(spread > columns, "only " + spread + " cells differ across paths");
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("empty folder", "empty", List.of(), "holds no *.csv file"),
        Arguments.of("only other files", "other", List.of("x.txt"), "holds no *.csv file"),
        Arguments.of("not a folder", "file", List.of(), "is not a folder"),
        Arguments.of("missing folder", "missing", List.of(), "does not exist"),
        Arguments.of("with --macro", "macro", List.of("a.csv"), "--macro or --macro-paths"),
        Arguments.of("with --panel", "panel", List.of("a.csv"), "--panel is not available"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void badFoldersAndCombinationsAreRefusedBeforeAnythingIsWritten(
      String label, String kind, List<String> files, String expected) throws IOException {
    Path dir = tmp.resolve(kind);
    if (kind.equals("file")) {
      Files.write(dir, SHOCK);
    } else if (!kind.equals("missing")) {
      Files.createDirectories(dir);
      for (String f : files) {
        Files.write(dir.resolve(f), SHOCK);
      }
    }
    Path out = tmp.resolve("out");
    List<String> args = new ArrayList<>(List.of("--macro-paths", dir.toString()));
    if (kind.equals("macro")) {
      args.addAll(List.of("--macro", dir.resolve("a.csv").toString()));
    } else if (kind.equals("panel")) {
      args.addAll(List.of("--panel", "csv"));
    }
    args.addAll(List.of("--out", out.toString()));
    Outcome o = simulate(args);
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains(expected), o.err());
    if (!kind.equals("macro") && !kind.equals("panel")) {
      assertTrue(o.err().contains(dir.toString()), o.err());
    }
    assertNothingWritten(out);
  }

  @Test
  void aBrokenPathFileIsNamedWithRowAndColumn() throws IOException {
    List<String> broken = new ArrayList<>(SHOCK);
    broken.set(2, "2,5e10,high");
    Path paths = folder("paths", List.of(SHOCK, broken), List.of("a.csv", "b.csv"));
    Path out = tmp.resolve("out");
    Outcome o = simulate(List.of("--macro-paths", paths.toString(), "--out", out.toString()));
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains(paths.resolve("b.csv").toString()), o.err());
    assertTrue(o.err().contains("row 3") && o.err().contains("'realr'"), o.err());
    assertNothingWritten(out);
  }

  @Test
  void aPathTooShortForTheYearsIsRefused() throws IOException {
    Path paths =
        folder("paths", List.of(SHOCK, SHOCK.subList(0, 3)), List.of("a.csv", "short.csv"));
    Path out = tmp.resolve("out");
    Outcome o = simulate(List.of("--macro-paths", paths.toString(), "--out", out.toString()));
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains(paths.resolve("short.csv").toString()), o.err());
    assertTrue(o.err().contains("year 3 is missing"), o.err());
    assertNothingWritten(out);
  }

  private static List<String[]> rows(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private void assertNothingWritten(Path out) throws IOException {
    assertFalse(Files.exists(out), out + " was created");
    try (Stream<Path> s = Files.list(tmp)) {
      List<String> staging =
          s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
      assertTrue(staging.isEmpty(), "staging folders left: " + staging);
    }
  }
}
