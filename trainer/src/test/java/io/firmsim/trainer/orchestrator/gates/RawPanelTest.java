package io.firmsim.trainer.orchestrator.gates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.trainer.panel.PanelCsvReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate panel is read by the CSV input layer (batched, multi-threaded) but keeps every problem
 * as data for the gates: rows in file order across batches, a byte order mark dropped, repeated and
 * unknown columns listed, bad cells as NaN, ragged rows and bad keys flagged.
 */
class RawPanelTest {
  @TempDir Path dir;

  @Test
  void keepsEveryRowAndProblemInFileOrder() throws IOException {
    List<String> names = new ArrayList<>(PanelCsvReader.columnNames());
    int width = names.size();
    List<String> header = new ArrayList<>(names);
    header.add("note"); // unknown: ignored and listed
    header.add("CA"); // repeated: the first one is read
    int rows = 2500; // several batches
    Random random = new Random(11);
    double[][] written = new double[rows][RawPanel.V];
    StringBuilder sb = new StringBuilder("\uFEFF").append(String.join(",", header)).append('\n');
    List<Long> raggedLines = new ArrayList<>();
    long line = 1;
    for (int r = 0; r < rows; r++) {
      if (r == 700) {
        sb.append('\n'); // a blank line: skipped but counted
        line++;
      }
      line++;
      List<String> cells = new ArrayList<>();
      cells.add(r == 5 ? "-3" : Long.toString(r));
      cells.add(r == 6 ? "2001.5" : Integer.toString(2000 + r % 7));
      for (int c = 2; c < width; c++) {
        int k = RawPanel.VALUE_NAMES.indexOf(names.get(c));
        written[r][k] = random.nextGaussian() * Math.pow(10, random.nextInt(12));
        cells.add(Double.toString(written[r][k]));
      }
      cells.add("n" + r);
      cells.add("999");
      if (r == 9) {
        cells.set(3, "x"); // not a number: NaN
      }
      if (r == 1500 || r == 2400) {
        cells.remove(cells.size() - 1); // one cell short
        raggedLines.add(line);
      }
      sb.append(String.join(",", cells)).append('\n');
    }
    Path file = dir.resolve("raw.csv");
    Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));

    RawPanel raw = RawPanel.readCsv(file);
    assertEquals(rows, raw.rows());
    assertEquals("firm_id", raw.header().get(0));
    assertEquals(List.of("CA"), raw.duplicateColumns());
    assertEquals(List.of("note"), raw.extraColumns());
    assertEquals(List.of(), raw.missingColumns());
    assertEquals(2, raw.ragged);
    assertArrayEquals(
        raggedLines.stream().mapToLong(Long::longValue).toArray(), raw.raggedExamples);
    assertEquals(2, raw.position(0));
    assertEquals(701, raw.position(699));
    assertEquals(703, raw.position(700));
    assertEquals(rows + 2, raw.position(rows - 1));
    assertFalse(raw.keysValid(5));
    assertFalse(raw.keysValid(6));
    assertTrue(raw.keysValid(7));
    String third = names.get(3);
    int k3 = RawPanel.VALUE_NAMES.indexOf(third);
    for (int r = 0; r < rows; r++) {
      assertEquals(r == 5 ? -3 : r, raw.firmIds[r]);
      if (r != 6) {
        assertEquals(2000 + r % 7, raw.years[r]);
      }
      for (int k = 0; k < RawPanel.V; k++) {
        double want = r == 9 && k == k3 ? Double.NaN : written[r][k];
        assertEquals(want, raw.values[k][r], "row " + r + ", " + RawPanel.VALUE_NAMES.get(k));
      }
    }
    assertFalse(raw.complete(9));
    assertTrue(raw.complete(8));
    assertEquals(width, PanelCsvReader.columnNames().size());
  }
}
