package io.firmsim.simulator.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PopulationCsvReaderTest {
  @TempDir Path dir;

  /** A start-up firm (MODEL.md section 5) with current assets {@code ca}. */
  private static double[] startUp(double ca) {
    double[] s = new double[StateVariable.count()];
    double ure = ca;
    double ma = ure / 1.5;
    set(s, StateVariable.CA, ca);
    set(s, StateVariable.URE, ure);
    set(s, StateVariable.SC, Math.max(0.3 * ure, 1e5));
    set(s, StateVariable.RR, 0.3 * ure);
    set(s, StateVariable.MA, ma);
    set(s, StateVariable.BU, ma);
    set(s, StateVariable.OFA, 6 * ma);
    set(s, StateVariable.CL, ca);
    double assets = ca + ma + ma + 6 * ma;
    set(s, StateVariable.LL, assets - (ure + get(s, StateVariable.SC) + 0.3 * ure + ca));
    set(s, StateVariable.CMA, ma);
    set(s, StateVariable.IMA, ma);
    set(s, StateVariable.IBU, ma);
    set(s, StateVariable.DCA, ca);
    set(s, StateVariable.DCL, ca);
    return s;
  }

  private static void set(double[] state, StateVariable v, double x) {
    state[v.index()] = x;
  }

  private static double get(double[] state, StateVariable v) {
    return state[v.index()];
  }

  /** A CSV table built in memory: a header and rows of cells, written as text. */
  private static final class Table {
    final List<String> header = new ArrayList<>();
    final List<List<String>> rows = new ArrayList<>();

    Table(List<String> header) {
      this.header.addAll(header);
    }

    int column(String name) {
      int c = header.indexOf(name);
      if (c < 0) {
        throw new IllegalArgumentException(name);
      }
      return c;
    }

    /** Sets a cell; {@code row} 0 is the first data row (line 2 of the file). */
    Table set(int row, String name, String text) {
      rows.get(row).set(column(name), text);
      return this;
    }

    Table dropColumn(String name) {
      int c = column(name);
      header.remove(c);
      rows.forEach(r -> r.remove(c));
      return this;
    }

    Table addColumn(String name, String text) {
      header.add(name);
      rows.forEach(r -> r.add(text));
      return this;
    }

    String text() {
      StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
      rows.forEach(r -> sb.append(String.join(",", r)).append('\n'));
      return sb.toString();
    }
  }

  /** Header firm_id + state columns; firm i has id 100 + i and CA = 4e5 + 1e4 * i. */
  private static Table population(int firms, DoubleFunction<String> format) {
    List<String> header = new ArrayList<>();
    header.add("firm_id");
    StateVariable.all().forEach(v -> header.add(v.name()));
    Table t = new Table(header);
    for (int i = 0; i < firms; i++) {
      List<String> row = new ArrayList<>();
      row.add(Long.toString(100 + i));
      for (double x : startUp(4e5 + 1e4 * i)) {
        row.add(format.apply(x));
      }
      t.rows.add(row);
    }
    return t;
  }

  private static Table population(int firms) {
    return population(firms, Double::toString);
  }

  /** A panel as the simulator writes it: year, firm_id, state and flow columns. */
  private static Table panel(int firms, int... years) {
    Table one = population(firms);
    List<String> header = new ArrayList<>();
    header.add("year");
    header.addAll(one.header);
    FlowVariable.all().forEach(f -> header.add(f.name()));
    Table t = new Table(header);
    for (int year : years) {
      for (List<String> r : one.rows) {
        List<String> row = new ArrayList<>();
        row.add(Integer.toString(year));
        row.addAll(r);
        FlowVariable.all().forEach(f -> row.add("1.5"));
        t.rows.add(row);
      }
    }
    return t;
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private Path write(Table t) throws IOException {
    return write("pop.csv", t.text());
  }

  /** Reads and expects a failure whose message contains each of {@code parts}. */
  private static BadInputException fails(Path file, Integer year, String... parts) {
    BadInputException e =
        assertThrows(BadInputException.class, () -> PopulationCsvReader.read(file, year));
    for (String part : parts) {
      assertTrue(
          e.getMessage().contains(part),
          () -> "message should contain \"" + part + "\": " + e.getMessage());
    }
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    return e;
  }

  private static BadInputException fails(Path file, String... parts) {
    return fails(file, null, parts);
  }

  @Test
  void validFileRoundTrips() throws IOException {
    Table t = population(3);
    // columns in another order than the registry
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < t.header.size(); c++) {
      order.add(c);
    }
    Collections.shuffle(order, new Random(7));
    Table shuffled = new Table(order.stream().map(t.header::get).collect(Collectors.toList()));
    for (List<String> r : t.rows) {
      shuffled.rows.add(order.stream().map(r::get).collect(Collectors.toList()));
    }
    Population p = PopulationCsvReader.read(write(shuffled));

    assertEquals(3, p.size());
    assertArrayEquals(new long[] {100, 101, 102}, p.firmIds());
    double[] expected = new double[3 * StateVariable.count()];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(
          startUp(4e5 + 1e4 * i), 0, expected, i * StateVariable.count(), StateVariable.count());
    }
    assertArrayEquals(expected, p.values()); // exact: Double.toString round-trips
    assertEquals(4e5 / 1.5, p.value(0, StateVariable.MA));
  }

  @Test
  void acceptsIntegersQuotesBlankLinesAndFloatRounding() throws IOException {
    // float32 output read back: within the file tolerance of 1e-6 of total assets
    Table t = population(2, x -> Float.toString((float) x));
    t.set(0, "CA", "400000").set(0, "FAAB", "\"0\"");
    Path file = write("pop.csv", t.text().replaceFirst("\n", "\n\n"));
    Population p = PopulationCsvReader.read(file);
    assertEquals(2, p.size());
    assertEquals(400000.0, p.value(0, StateVariable.CA));
    // Float.toString writes the shortest decimal of the float; it is read as that decimal
    assertEquals(
        Double.parseDouble(Float.toString((float) (4e5 / 1.5))), p.value(0, StateVariable.MA));
  }

  @Test
  void tinyNegativeWithinToleranceIsKept() throws IOException {
    // K is about 2.4e6, so down to -2.4 is rounding; the identity stays within tolerance too
    Path file = write(population(1).set(0, "PF3", "-1.0E-3"));
    assertEquals(-1e-3, PopulationCsvReader.read(file).value(0, StateVariable.PF3));
  }

  @Test
  void missingColumn() throws IOException {
    Path file = write(population(2).dropColumn("OFA"));
    fails(file, "row 1", "column 'OFA'", "missing column");
  }

  @Test
  void missingFirmId() throws IOException {
    Path file = write(population(2).dropColumn("firm_id"));
    fails(file, "row 1", "column 'firm_id'", "missing column");
  }

  @Test
  void unknownColumn() throws IOException {
    Path file = write(population(2).addColumn("OFAX", "0"));
    fails(file, "row 1", "column 'OFAX'", "unknown column");
  }

  @Test
  void duplicateColumn() throws IOException {
    Path file = write(population(2).addColumn("MA", "0"));
    fails(file, "row 1", "column 'MA'", "duplicate column");
  }

  @Test
  void weightColumnIsReadAndSlicesKeepIt() throws IOException {
    Table t = population(3).addColumn("weight", "2.5").set(1, "weight", "0.125");
    Population p = PopulationCsvReader.read(write(t));
    assertTrue(p.hasWeights());
    assertArrayEquals(new double[] {2.5, 0.125, 2.5}, p.weights());
    assertEquals(0.125, p.weight(1));
    Population tail = p.slice(1, 3);
    assertArrayEquals(new double[] {0.125, 2.5}, tail.weights());
    assertEquals(1.0, PopulationCsvReader.read(write(population(2))).weight(1));
    assertTrue(!PopulationCsvReader.read(write(population(2))).hasWeights());
  }

  @Test
  void badWeightsAreRefusedNamingRowAndColumn() throws IOException {
    Table zero = population(3).addColumn("weight", "1").set(2, "weight", "0");
    fails(write(zero), "row 4", "column 'weight'", "a weight must be positive, found 0.0");
    Table negative = population(3).addColumn("weight", "1").set(0, "weight", "-2");
    fails(write(negative), "row 2", "column 'weight'", "positive, found -2.0", "firm 100");
    Table nan = population(2).addColumn("weight", "1").set(1, "weight", "NaN");
    fails(write(nan), "row 3", "column 'weight'", "non-finite");
    Table inf = population(2).addColumn("weight", "1").set(1, "weight", "Infinity");
    fails(write(inf), "row 3", "column 'weight'", "non-finite");
    Table empty = population(2).addColumn("weight", "1").set(0, "weight", "");
    fails(write(empty), "row 2", "column 'weight'", "missing value");
  }

  @Test
  void nonNumericValue() throws IOException {
    Path file = write(population(3).set(1, "MA", "12,5".replace(',', ';')));
    fails(file, "row 3", "column 'MA'", "not a number: '12;5'");
  }

  @Test
  void nanValue() throws IOException {
    fails(write(population(2).set(1, "CL", "NaN")), "row 3", "column 'CL'", "non-finite");
  }

  @Test
  void infiniteValues() throws IOException {
    fails(write(population(2).set(0, "URE", "Infinity")), "row 2", "column 'URE'", "non-finite");
    fails(write(population(2).set(0, "URE", "-Infinity")), "row 2", "column 'URE'", "non-finite");
    fails(write(population(2).set(0, "URE", "1e400")), "row 2", "column 'URE'", "non-finite");
  }

  @Test
  void emptyCell() throws IOException {
    fails(write(population(2).set(1, "BU", "")), "row 3", "column 'BU'", "missing value");
    fails(write(population(2).set(1, "firm_id", "")), "row 3", "column 'firm_id'", "missing");
  }

  @Test
  void wrongNumberOfCells() throws IOException {
    Table t = population(3);
    t.rows.get(2).add("7");
    fails(
        write(t),
        "row 4",
        "expected " + t.header.size() + " cells",
        "found " + (t.header.size() + 1));
  }

  @Test
  void negativeStock() throws IOException {
    // OL is outside the identity, so only the sign check can catch it
    Path file = write(population(2).set(1, "OL", "-5.0"));
    fails(file, "row 3", "column 'OL'", "negative OL = -5.0");
  }

  @Test
  void brokenIdentity() throws IOException {
    Table t = population(2);
    double ca = startUp(4e5 + 1e4)[StateVariable.CA.index()];
    Path file = write(t.set(1, "CA", Double.toString(ca + 1000)));
    BadInputException e = fails(file, "row 3", "balance identity does not hold", "gap 1000.0");
    assertTrue(e.getMessage().contains("assets " + (ca + 1000 + 8 * ca / 1.5)), e.getMessage());
  }

  @Test
  void duplicateFirm() throws IOException {
    Path file = write(population(4).set(3, "firm_id", "101"));
    fails(file, "row 5", "column 'firm_id'", "duplicate firm id 101", "line 3");
  }

  @Test
  void badFirmIds() throws IOException {
    fails(write(population(2).set(0, "firm_id", "-3")), "row 2", "non-negative integer", "'-3'");
    fails(write(population(2).set(0, "firm_id", "1.5")), "row 2", "non-negative integer");
  }

  @Test
  void emptyFileAndHeaderOnly() throws IOException {
    fails(write("pop.csv", ""), "empty file");
    fails(write("pop.csv", population(0).text()), "no data rows");
  }

  @Test
  void malformedCsv() throws IOException {
    Table t = population(2).set(1, "MA", "\"12");
    // the open quote runs to the end of the file, where the parser notices it
    fails(write(t), "malformed CSV", "Missing closing quote");
  }

  @Test
  void missingFile() {
    fails(dir.resolve("nope.csv"), "no such file");
  }

  @Test
  void multiYearPanelNeedsAYear() throws IOException {
    Path file = write(panel(2, 2001, 2002, 2003));
    fails(file, "column 'year'", "3 years (2001, 2002, 2003)", "choose one");
  }

  @Test
  void yearSelectsThePanelRows() throws IOException {
    Table t = panel(2, 2001, 2002);
    // the rows of 2002 differ from those of 2001; a broken 2001 row is not looked at
    t.set(2, "firm_id", "7").set(3, "firm_id", "8").set(0, "CA", "oops");
    Path file = write(t);
    Population p = PopulationCsvReader.read(file, 2002);
    assertArrayEquals(new long[] {7, 8}, p.firmIds());
    assertEquals(4e5 + 1e4, p.value(1, StateVariable.CA));
    // the same broken row is reported once its year is asked for
    fails(file, 2001, "row 2", "column 'CA'", "not a number: 'oops'");
  }

  @Test
  void singleYearPanelReadsWithoutAYear() throws IOException {
    Population p = PopulationCsvReader.read(write(panel(3, 2010)));
    assertEquals(3, p.size());
    assertEquals(PopulationCsvReader.read(write(panel(3, 2010)), 2010).size(), 3);
  }

  @Test
  void yearNotInFile() throws IOException {
    fails(write(panel(2, 2001, 2002)), 2005, "no rows of year 2005", "2001, 2002");
  }

  @Test
  void yearWithoutYearColumn() throws IOException {
    fails(write(population(2)), 2001, "row 1", "no 'year' column");
  }

  @Test
  void nonIntegerYear() throws IOException {
    Path file = write(panel(2, 2001).set(1, "year", "2001.5"));
    fails(file, "row 3", "column 'year'", "'2001.5'");
  }

  @Test
  void duplicateFirmWithinYear() throws IOException {
    Table t = panel(3, 2001, 2002).set(5, "firm_id", "100");
    Path file = write(t);
    assertEquals(3, PopulationCsvReader.read(file, 2001).size());
    fails(file, 2002, "row 7", "duplicate firm id 100", "line 5");
  }

  @Test
  void manyRowsKeepTheirOrderAcrossBatches() throws IOException {
    Table t = population(5000);
    Population p = PopulationCsvReader.read(write(t));
    assertEquals(5000, p.size());
    for (int i = 0; i < 5000; i += 499) {
      assertEquals(100 + i, p.firmId(i));
      assertEquals(4e5 + 1e4 * i, p.value(i, StateVariable.CA));
    }
  }

  @Test
  void theFirstProblemInTheFileIsReported() throws IOException {
    // problems in several batches and a width problem found while tokenizing: the earliest wins
    Table t = population(6000).set(4500, "MA", "x").set(2500, "BU", "y");
    t.rows.get(5000).add("1");
    fails(write(t), "row 2502", "column 'BU'", "'y'");
    Table u = population(6000);
    u.rows.get(3000).add("1");
    u.set(5500, "MA", "x").set(3001, "MA", "z");
    fails(write(u), "row 3002", "expected");
  }

  @Test
  void byteOrderMarkIsDropped() throws IOException {
    Table t = population(2);
    Path file = write("bom.csv", "\uFEFF" + t.text());
    Population p = PopulationCsvReader.read(file);
    assertArrayEquals(new long[] {100, 101}, p.firmIds());
    assertEquals(
        PopulationCsvReader.read(write(t)).value(1, StateVariable.CA),
        p.value(1, StateVariable.CA));
  }

  @Test
  void duplicateColumnNamesBothPositions() throws IOException {
    Table t = population(2).addColumn("firm_id", "7");
    fails(
        write(t),
        "row 1",
        "column 'firm_id'",
        "duplicate column: columns 1 and " + t.header.size() + " of the header");
  }

  @Test
  void badCellKeepsItsCause() throws IOException {
    BadInputException e = fails(write(population(3).set(1, "MA", "x1")), "row 3", "column 'MA'");
    assertTrue(e.getCause() instanceof NumberFormatException, String.valueOf(e.getCause()));
  }

  @Test
  void indicatorsMustBeZeroOrOne() throws IOException {
    for (String name : List.of("FAAB", "Public", "ruralare", "largcity")) {
      for (String bad : List.of("0.5", "2", "-1", "1.0000001")) {
        fails(
            write(population(3).set(2, name, bad)),
            "row 4",
            "column '" + name + "'",
            "an indicator must be 0 or 1, found " + Double.parseDouble(bad));
      }
      Population p = PopulationCsvReader.read(write(population(3).set(2, name, "1.0")));
      assertEquals(1.0, p.value(2, StateVariable.valueOf(name)));
    }
  }

  @Test
  void marketWeightMustNotBeNegative() throws IOException {
    fails(
        write(population(3).set(1, "marketw", "-1e-9")),
        "row 3",
        "column 'marketw'",
        "must not be negative");
    assertEquals(
        0.25,
        PopulationCsvReader.read(write(population(3).set(1, "marketw", "0.25")))
            .value(1, StateVariable.marketw));
  }

  /**
   * The identity gap of row {@code i}: assets minus liabilities, summed as MODEL.md orders them.
   */
  private static double gap(Population p, int i) {
    double assets = 0;
    double liabilities = 0;
    for (StateVariable v : StateVariable.all()) {
      if (v.kind() == StateVariable.Kind.ASSET) {
        assets += p.value(i, v);
      } else if (v.kind() == StateVariable.Kind.LIABILITY) {
        liabilities += p.value(i, v);
      }
    }
    return assets - liabilities;
  }

  @Test
  void gapsWithinTheToleranceAreMovedIntoUreWhenAsked() throws IOException {
    // float32 text: gaps of float32 rounding, far above float64 rounding
    Table t = population(40, x -> Float.toString((float) x));
    double k = 4e5 * (1 + 8 / 1.5);
    t.set(3, "CA", Double.toString(4e5 + 3e4 + 0.5e-6 * k)); // a gap of half the tolerance
    Path file = write(t);
    Population asWritten = PopulationCsvReader.read(file);
    Population balanced = PopulationCsvReader.read(file, null, true);
    assertEquals(0, asWritten.rebalanced());
    int moved = 0;
    for (int i = 0; i < 40; i++) {
      double before = gap(asWritten, i);
      double scale = Math.max(1, asWritten.value(i, StateVariable.CA) * (1 + 8 / 1.5));
      assertTrue(Math.abs(gap(balanced, i)) <= 1e-14 * scale, "row " + i + ": " + gap(balanced, i));
      for (StateVariable v : StateVariable.all()) {
        if (v != StateVariable.URE) {
          assertEquals(asWritten.value(i, v), balanced.value(i, v), v.name());
        }
      }
      if (Math.abs(before) > PopulationCsvReader.REBALANCE_ABOVE * scale) {
        moved++;
        assertEquals(
            asWritten.value(i, StateVariable.URE) + before,
            balanced.value(i, StateVariable.URE),
            "row " + i);
      } else {
        assertEquals(asWritten.value(i, StateVariable.URE), balanced.value(i, StateVariable.URE));
      }
    }
    assertTrue(Math.abs(gap(asWritten, 3)) > 0.4e-6 * k, "row 3 holds the large gap");
    assertTrue(moved > 1, "float32 rounding leaves gaps: " + moved);
    assertEquals(moved, balanced.rebalanced());
    // float64 text of a balanced population: nothing to move
    assertEquals(0, PopulationCsvReader.read(write(population(40)), null, true).rebalanced());
  }
}
