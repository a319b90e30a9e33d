package io.firmsim.simulator.population;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A float32 panel, accepted as a population at the file tolerance (1e-6), continues in float64,
 * whose first year checks the identity at 1e-9: the reader moves each row's gap into URE and the
 * command says how many rows it re-balanced (issue 7, item 8).
 */
class Float32PanelContinuationTest {
  @TempDir Path tmp;

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void float32PanelContinuesInFloat64() throws Exception {
    Path first = tmp.resolve("f32");
    String[] a =
        run(
            "simulate",
            "--firms",
            "400",
            "--years",
            "2",
            "--burn-in",
            "1",
            "--seed",
            "9",
            "--dtype",
            "float32",
            "--panel",
            "csv",
            "--out",
            first.toString(),
            "--quiet");
    assertEquals("0", a[0], a[2]);
    Path panel = first.resolve("panel.csv");
    // the float32 text leaves identity gaps the float64 check (1e-9 of total assets) refuses
    Population asWritten = PopulationCsvReader.read(panel, 2);
    assertEquals(0, asWritten.rebalanced());
    int beyondFloat64 = 0;
    for (int i = 0; i < asWritten.size(); i++) {
      double assets = 0;
      double liabilities = 0;
      for (io.firmsim.zoo.vocabulary.StateVariable v :
          io.firmsim.zoo.vocabulary.StateVariable.all()) {
        if (v.kind() == io.firmsim.zoo.vocabulary.StateVariable.Kind.ASSET) {
          assets += asWritten.value(i, v);
        } else if (v.kind() == io.firmsim.zoo.vocabulary.StateVariable.Kind.LIABILITY) {
          liabilities += asWritten.value(i, v);
        }
      }
      if (Math.abs(assets - liabilities) > 1e-9 * Math.max(1, assets)) {
        beyondFloat64++;
      }
    }
    assertTrue(beyondFloat64 > 0, "the float32 panel should hold gaps above 1e-9");

    Path next = tmp.resolve("f64");
    String[] b =
        run(
            "simulate",
            "--population",
            panel.toString(),
            "--population-year",
            "2",
            "--start-year",
            "3",
            "--years",
            "2",
            "--seed",
            "9",
            "--dtype",
            "float64",
            "--out",
            next.toString(),
            "--quiet");
    assertEquals("0", b[0], b[2]);
    assertTrue(Files.exists(next.resolve("aggregates.csv")));
    Matcher m = Pattern.compile("re-balanced (\\d+) of 400 firms").matcher(b[1]);
    assertTrue(m.find(), b[1]);
    int count = Integer.parseInt(m.group(1));
    assertEquals(PopulationCsvReader.read(panel, 2, true).rebalanced(), count);
    assertTrue(count >= beyondFloat64, count + " < " + beyondFloat64);
  }
}
