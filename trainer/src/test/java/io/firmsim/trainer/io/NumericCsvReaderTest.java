package io.firmsim.trainer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code fit} data reader follows the rules of the CSV input layer like the other readers. */
class NumericCsvReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  private static BadInputException fails(Path file, List<String> columns) {
    return assertThrows(BadInputException.class, () -> NumericCsvReader.read(file, columns));
  }

  @Test
  void readsTheWantedColumnsExactlyInFileOrderAcrossBatches() throws IOException {
    Random random = new Random(5);
    int rows = 3000; // several batches of the batched reader
    StringBuilder sb = new StringBuilder("id,y,note,x1\n");
    double[] x1 = new double[rows];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      x1[i] = Double.longBitsToDouble(random.nextLong() >>> 2);
      y[i] = random.nextGaussian() * 1e6;
      sb.append(i).append(',').append(y[i]).append(",\"a, b\",").append(x1[i]).append('\n');
    }
    NumericCsvReader.Table t =
        NumericCsvReader.read(write("d.csv", sb.toString()), List.of("x1", "y"));
    assertEquals(rows, t.rows());
    assertArrayEquals(x1, t.column("x1"));
    assertArrayEquals(y, t.column("y"));
  }

  @Test
  void acceptsAByteOrderMark() throws IOException {
    Path file = write("bom.csv", "\uFEFFx1,y\n1.5,0\n2.5,1\n");
    NumericCsvReader.Table t = NumericCsvReader.read(file, List.of("x1", "y"));
    assertArrayEquals(new double[] {1.5, 2.5}, t.column("x1"));
  }

  @Test
  void refusesADuplicatedColumnNamingBothPositions() throws IOException {
    Path file = write("dup.csv", "x1,y,x1\n1,0,2\n");
    BadInputException e = fails(file, List.of("x1", "y"));
    assertEquals(
        file
            + ", row 1, column 'x1': duplicate column: columns 1 and 3 of the header have the"
            + " same name",
        e.getMessage());
    // even when the repeated column is not one of those read
    Path other = write("dup2.csv", "x1,y,note,note\n1,0,a,b\n");
    assertTrue(fails(other, List.of("x1", "y")).getMessage().contains("columns 3 and 4"));
  }

  @Test
  void aBadCellNamesFileRowAndColumnAndKeepsTheCause() throws IOException {
    Path file = write("bad.csv", "x1,y\n1,0\n\n2,1\n3,oops\n");
    BadInputException e = fails(file, List.of("x1", "y"));
    assertEquals(file + ", row 5, column 'y': not a number: 'oops'", e.getMessage());
    assertTrue(e.getCause() instanceof NumberFormatException, String.valueOf(e.getCause()));
    Path inf = write("inf.csv", "x1,y\n1,0\nInfinity,1\n");
    assertEquals(
        inf + ", row 3, column 'x1': non-finite value 'Infinity'",
        fails(inf, List.of("x1", "y")).getMessage());
  }

  @Test
  void headerAndRowProblems() throws IOException {
    Path missing = write("missing.csv", "x1,z\n1,0\n");
    assertTrue(
        fails(missing, List.of("x1", "y"))
            .getMessage()
            .startsWith(missing + ", row 1, column 'y': missing column"));
    Path ragged = write("ragged.csv", "x1,y\n1,0\n1,0,3\n");
    assertEquals(
        ragged + ", row 3: expected 2 cells (as in the header), found 3",
        fails(ragged, List.of("x1", "y")).getMessage());
    assertTrue(fails(write("e.csv", ""), List.of("y")).getMessage().contains("empty file"));
    assertTrue(fails(write("h.csv", "y\n"), List.of("y")).getMessage().contains("no data rows"));
    BadInputException none = fails(dir.resolve("none.csv"), List.of("y"));
    assertTrue(none.getMessage().endsWith("no such file"), none.getMessage());
    assertTrue(none.getCause() instanceof java.nio.file.NoSuchFileException);
  }
}
