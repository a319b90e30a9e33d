package io.firmsim.trainer.panel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.PanelFormat;
import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PanelCsvReader} reads what the simulator's CSV panel writer writes, bit for bit, and
 * rejects broken files with a message naming the file, the row (line number) and the column.
 */
class PanelCsvReaderTest {
  @TempDir Path dir;

  @Test
  void readsASimulatedPanelExactly() throws IOException {
    ModelSpec spec = PaperModel.load();
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(4)
            .optBurnIn(2)
            .optMode(ForwardMode.SAMPLE)
            .optDevice(DeviceChoice.CPU)
            .optSeed(3)
            .build();
    Path file = dir.resolve("panel.csv");
    Tee tee = new Tee(PanelWriter.open(PanelFormat.CSV, file, false));
    new Simulator(config).run(new StartupPopulation(3, 700, spec.constants()), tee, null);
    tee.close();

    Panel read = PanelCsvReader.read(file);
    assertEquals(700 * 4, read.rows());
    assertArrayEquals(tee.ids(), read.firmIds());
    assertArrayEquals(tee.years(), read.years());
    // Arrays.equals on doubles compares bit patterns (0.0 and -0.0 differ)
    assertTrue(Arrays.equals(tee.state(), read.state()), "state values differ");
    assertTrue(Arrays.equals(tee.flows(), read.flows()), "flow values differ");
    for (int r = 0; r < read.rows(); r++) {
      assertEquals(read.year(r) == 1 ? -1 : r - 1, read.previousRow(r));
    }
  }

  @Test
  void readsEveryDoubleBackBitForBit() throws IOException {
    Panel panel = awkwardPanel();
    Path file = write(panel, false);
    Panel read = PanelCsvReader.read(file);
    assertArrayEquals(panel.firmIds(), read.firmIds());
    assertArrayEquals(panel.years(), read.years());
    assertTrue(Arrays.equals(panel.state(), read.state()), "state values differ");
    assertTrue(Arrays.equals(panel.flows(), read.flows()), "flow values differ");
  }

  @Test
  void readsAFloat32PanelAsItsFloats() throws IOException {
    Panel awkward = awkwardPanel();
    // values beyond the float range would be written as infinities, which are refused
    double[] st = awkward.state();
    double[] fl = awkward.flows();
    for (double[] a : new double[][] {st, fl}) {
      for (int i = 0; i < a.length; i++) {
        a[i] = Math.abs(a[i]) > 1e38 ? Math.copySign(1e38, a[i]) : a[i];
      }
    }
    Panel panel = Panel.of(awkward.firmIds(), awkward.years(), st, fl);
    Panel read = PanelCsvReader.read(write(panel, true));
    double[] readState = read.state();
    double[] readFlows = read.flows();
    for (int i = 0; i < st.length; i++) {
      assertEquals((float) st[i], (float) readState[i], "state value " + i);
    }
    for (int i = 0; i < fl.length; i++) {
      assertEquals((float) fl[i], (float) readFlows[i], "flow value " + i);
    }
  }

  @Test
  void acceptsQuotedHeaderColumnsInAnyOrderAndBlankLines() throws IOException {
    Panel panel = awkwardPanel();
    List<String[]> rows = cells(write(panel, false));
    // reverse the columns, quote the header names, add a blank line
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < rows.size(); k++) {
      String[] row = rows.get(k);
      StringBuilder sb = new StringBuilder();
      for (int c = row.length - 1; c >= 0; c--) {
        sb.append(k == 0 ? "\"" + row[c] + "\"" : row[c]).append(c > 0 ? "," : "");
      }
      lines.add(sb.toString());
      if (k == 2) {
        lines.add("");
      }
    }
    Path file = dir.resolve("reordered.csv");
    Files.write(file, lines, StandardCharsets.US_ASCII);
    Panel read = PanelCsvReader.read(file);
    assertTrue(Arrays.equals(panel.state(), read.state()));
    assertTrue(Arrays.equals(panel.flows(), read.flows()));
  }

  @Test
  void rejectsAMissingColumn() throws IOException {
    Path file = edit(write(awkwardPanel(), false), rows -> dropColumn(rows, "DMPA"));
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 1, "DMPA", "missing column");
  }

  @Test
  void rejectsAMissingFlowColumn() throws IOException {
    Path file = edit(write(awkwardPanel(), false), rows -> dropColumn(rows, "ROT"));
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 1, "ROT", "missing column");
  }

  @Test
  void rejectsAnExtraColumn() throws IOException {
    Path file =
        edit(
            write(awkwardPanel(), false),
            rows -> {
              for (int k = 0; k < rows.size(); k++) {
                String[] row = Arrays.copyOf(rows.get(k), rows.get(k).length + 1);
                row[row.length - 1] = k == 0 ? "EXTRA" : "1.0";
                rows.set(k, row);
              }
            });
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 1, "EXTRA", "unknown column");
  }

  @Test
  void rejectsANonNumericCell() throws IOException {
    Path file = edit(write(awkwardPanel(), false), rows -> setCell(rows, 3, "OIBD", "12x"));
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 4, "OIBD", "not a number: '12x'");
  }

  @Test
  void reportsTheFirstBadCellInTheFile() throws IOException {
    Path file =
        edit(
            write(awkwardPanel(), false),
            rows -> {
              setCell(rows, 9, "CA", "oops");
              setCell(rows, 5, "URE", "");
            });
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 6, "URE", "missing value");
  }

  @Test
  void rejectsNonFiniteValues() throws IOException {
    for (String text : List.of("NaN", "Infinity", "-Infinity", "1e400")) {
      Path file = edit(write(awkwardPanel(), false), rows -> setCell(rows, 2, "MA", text));
      BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
      assertMessage(e, file, 3, "MA", "non-finite value");
    }
  }

  @Test
  void rejectsBadIdsAndYears() throws IOException {
    Path ids = edit(write(awkwardPanel(), false), rows -> setCell(rows, 2, "firm_id", "-4"));
    assertMessage(
        assertThrows(BadInputException.class, () -> PanelCsvReader.read(ids)),
        ids,
        3,
        "firm_id",
        "non-negative integer");
    Path years = edit(write(awkwardPanel(), false), rows -> setCell(rows, 7, "year", "2001.5"));
    assertMessage(
        assertThrows(BadInputException.class, () -> PanelCsvReader.read(years)),
        years,
        8,
        "year",
        "integer");
  }

  @Test
  void rejectsARepeatedFirmYear() throws IOException {
    Path file =
        edit(
            write(awkwardPanel(), false),
            rows -> {
              // line 8 (firm 3, 2003) gets the year of line 6 (firm 3, 2001)
              rows.get(7)[1] = rows.get(5)[1];
            });
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 8, "year", "duplicate row: firm 3, year 2001");
    assertTrue(e.getMessage().contains("also on line 6"), e.getMessage());
  }

  @Test
  void rejectsARowOfTheWrongWidth() throws IOException {
    Path file =
        edit(
            write(awkwardPanel(), false),
            rows -> rows.set(8, Arrays.copyOf(rows.get(8), rows.get(8).length - 2)));
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ", row 9: expected "), e.getMessage());
  }

  @Test
  void rejectsEmptyFilesAndHeaderOnlyFiles() throws IOException {
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    assertTrue(
        assertThrows(BadInputException.class, () -> PanelCsvReader.read(empty))
            .getMessage()
            .contains("empty file"));
    Path header = dir.resolve("header.csv");
    Files.writeString(header, String.join(",", PanelWriter.columnNames()) + "\n");
    assertTrue(
        assertThrows(BadInputException.class, () -> PanelCsvReader.read(header))
            .getMessage()
            .contains("no data rows"));
    Path none = dir.resolve("none.csv");
    assertTrue(
        assertThrows(BadInputException.class, () -> PanelCsvReader.read(none))
            .getMessage()
            .contains("no such file"));
  }

  @Test
  void dropsAByteOrderMark() throws IOException {
    Panel panel = awkwardPanel();
    Path plain = write(panel, false);
    Path bom = dir.resolve("bom.csv");
    byte[] text = Files.readAllBytes(plain);
    byte[] marked = new byte[text.length + 3];
    marked[0] = (byte) 0xEF;
    marked[1] = (byte) 0xBB;
    marked[2] = (byte) 0xBF;
    System.arraycopy(text, 0, marked, 3, text.length);
    Files.write(bom, marked);
    Panel read = PanelCsvReader.read(bom);
    assertArrayEquals(panel.firmIds(), read.firmIds());
    assertTrue(Arrays.equals(panel.state(), read.state()));
  }

  @Test
  void rejectsADuplicatedColumnNamingBothPositions() throws IOException {
    Path file =
        edit(
            write(awkwardPanel(), false),
            rows -> {
              int ca = Arrays.asList(rows.get(0)).indexOf("CA");
              int last = rows.get(0).length - 1;
              rows.get(0)[last] = "CA"; // the last column (a flow) renamed
              assertTrue(ca >= 0 && ca < last);
            });
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    int width = PanelWriter.columnNames().size();
    int ca = PanelWriter.columnNames().indexOf("CA") + 1;
    assertMessage(
        e, file, 1, "CA", "duplicate column: columns " + ca + " and " + width + " of the header");
  }

  @Test
  void aBadCellKeepsItsCause() throws IOException {
    Path file = edit(write(awkwardPanel(), false), rows -> setCell(rows, 4, "ROT", "1.2.3"));
    BadInputException e = assertThrows(BadInputException.class, () -> PanelCsvReader.read(file));
    assertMessage(e, file, 5, "ROT", "not a number: '1.2.3'");
    assertTrue(e.getCause() instanceof NumberFormatException, String.valueOf(e.getCause()));
  }

  // ------------------------------------------------------------------ helpers

  private static void assertMessage(
      BadInputException e, Path file, int line, String column, String problem) {
    String m = e.getMessage();
    assertTrue(m.startsWith(file + ", row " + line + ", column '" + column + "': "), m);
    assertTrue(m.contains(problem), m);
  }

  /** 3 firms x 4 years of values that are hard to write and read back exactly. */
  private static Panel awkwardPanel() {
    double[] awkward = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      0.1,
      1e-300,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      9_999_999.0,
      10_000_000.0,
      123456789.123456789,
      1.0 / 3,
      2.0 / 3 * 1e22,
      4.35e-7,
      1e23,
      9007199254740993.0,
      0.30000000000000004,
      -5e-11,
      1.7e308,
      Math.PI * 1e15
    };
    Random random = new Random(8);
    PanelFixtures p = new PanelFixtures(8);
    int k = 0;
    for (long firm : new long[] {12, 3, 9_000_000_000L}) {
      for (int year = 2001; year <= 2004; year++) {
        int r = p.row(firm, year);
        for (String name : PanelWriter.columnNames().subList(2, 2 + Panel.S + Panel.F)) {
          double v = k < awkward.length ? awkward[k] : random.nextGaussian() * 1e6;
          p.set(r, name, random.nextBoolean() ? v : Double.longBitsToDouble(random.nextLong()));
          k++;
        }
      }
    }
    Panel panel = p.panel();
    // random bit patterns may be NaN or infinite: replace those
    double[] st = panel.state();
    double[] fl = panel.flows();
    for (double[] a : new double[][] {st, fl}) {
      for (int i = 0; i < a.length; i++) {
        if (!Double.isFinite(a[i])) {
          a[i] = i;
        }
      }
    }
    return Panel.of(panel.firmIds(), panel.years(), st, fl);
  }

  private Path write(Panel panel, boolean float32) throws IOException {
    Path file = Files.createTempFile(dir, "panel", ".csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, float32)) {
      w.write(panel.firmIds(), panel.years(), panel.state(), panel.flows(), panel.rows());
    }
    return file;
  }

  private interface Edit {
    void apply(List<String[]> rows);
  }

  /** A copy of a CSV file with its cells edited (row 0 is the header). */
  private Path edit(Path file, Edit edit) throws IOException {
    List<String[]> rows = cells(file);
    edit.apply(rows);
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      lines.add(String.join(",", row));
    }
    Path out = Files.createTempFile(dir, "edited", ".csv");
    Files.write(out, lines, StandardCharsets.US_ASCII);
    return out;
  }

  private static List<String[]> cells(Path file) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      rows.add(line.split(",", -1));
    }
    return rows;
  }

  private static void dropColumn(List<String[]> rows, String name) {
    int c = Arrays.asList(rows.get(0)).indexOf(name);
    for (int k = 0; k < rows.size(); k++) {
      List<String> row = new ArrayList<>(Arrays.asList(rows.get(k)));
      row.remove(c);
      rows.set(k, row.toArray(new String[0]));
    }
  }

  /** Sets the cell of a column in a data row ({@code row} 1 is line 2 of the file). */
  private static void setCell(List<String[]> rows, int row, String column, String text) {
    rows.get(row)[Arrays.asList(rows.get(0)).indexOf(column)] = text;
  }

  /** Writes to a CSV panel writer and keeps a copy of the rows. */
  private static final class Tee implements PanelWriter {
    private final PanelWriter csv;
    private final List<Long> ids = new ArrayList<>();
    private final List<Integer> years = new ArrayList<>();
    private final List<double[]> state = new ArrayList<>();
    private final List<double[]> flows = new ArrayList<>();

    Tee(PanelWriter csv) {
      this.csv = csv;
    }

    @Override
    public void write(long[] firmIds, int[] yrs, double[] st, double[] fl, int rows)
        throws IOException {
      csv.write(firmIds, yrs, st, fl, rows);
      for (int r = 0; r < rows; r++) {
        ids.add(firmIds[r]);
        years.add(yrs[r]);
      }
      state.add(Arrays.copyOf(st, rows * Panel.S));
      flows.add(Arrays.copyOf(fl, rows * Panel.F));
    }

    @Override
    public void close() throws IOException {
      csv.close();
    }

    long[] ids() {
      return ids.stream().mapToLong(Long::longValue).toArray();
    }

    int[] years() {
      return years.stream().mapToInt(Integer::intValue).toArray();
    }

    double[] state() {
      return state.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    double[] flows() {
      return flows.stream().flatMapToDouble(Arrays::stream).toArray();
    }
  }
}
