package io.firmsim.serving.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.simulator.cli.Main;
import io.firmsim.simulator.population.Population;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.List;

/**
 * Evidence for the simulation endpoint's tests: population files, and the command run in this JVM.
 */
public final class SimulationFixtures {
  private SimulationFixtures() {}

  /** A population file: firm_id and the state columns, values as Double.toString writes them. */
  public static String csv(Population p) {
    StringBuilder sb = new StringBuilder("firm_id");
    for (StateVariable v : StateVariable.all()) {
      sb.append(',').append(v.name());
    }
    sb.append('\n');
    for (int i = 0; i < p.size(); i++) {
      sb.append(p.firmId(i));
      for (StateVariable v : StateVariable.all()) {
        sb.append(',').append(p.value(i, v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * Runs {@code firmsim simulate} with the arguments of {@code line} (separated by single spaces)
   * in this JVM and checks that it succeeded.
   */
  public static void cli(String line) {
    String[] args = line.split(" ");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "simulate";
    all[1] = "--quiet";
    System.arraycopy(args, 0, all, 2, args.length);
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), all);
    assertEquals(0, code, err.toString());
  }

  /** Each row of aggregates.csv equals the JSON year: same names in order, same double bits. */
  public static void assertAggregatesEqual(List<String> csvLines, JsonNode years) {
    String[] header = csvLines.get(0).split(",");
    assertEquals(csvLines.size() - 1, years.size());
    for (int y = 0; y < years.size(); y++) {
      String[] cells = csvLines.get(y + 1).split(",");
      JsonNode year = years.get(y);
      Iterator<String> names = year.fieldNames();
      for (int c = 0; c < header.length; c++) {
        assertTrue(names.hasNext(), "missing " + header[c]);
        assertEquals(header[c], names.next());
        JsonNode v = year.get(header[c]);
        if (c < 2) {
          assertEquals(Long.parseLong(cells[c]), v.asLong(), header[c]);
        } else {
          assertEquals(
              Double.doubleToRawLongBits(Double.parseDouble(cells[c])),
              Double.doubleToRawLongBits(v.doubleValue()),
              header[c] + " of year " + cells[0] + ": " + cells[c] + " vs " + v);
        }
      }
      assertFalse(names.hasNext());
    }
  }
}
