package io.firmsim.simulator.macro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MacroPathReaderTest {
  @TempDir Path dir;

  private static final String VALID =
      "year,dgnp,realr\n"
          + "2000,1.5e9,0.02\n"
          + "2001,-2.0E8,0.031\n"
          + "2002,0,-0.01\n"
          + "2003,7,0.0\n";

  private Path write(String text) throws IOException {
    Path file = dir.resolve("macro.csv");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static void fails(Path file, int firstYear, int years, String... parts) {
    BadInputException e =
        assertThrows(BadInputException.class, () -> MacroPathReader.read(file, firstYear, years));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    for (String part : parts) {
      assertTrue(
          e.getMessage().contains(part),
          () -> "message should contain \"" + part + "\": " + e.getMessage());
    }
  }

  @Test
  void readsTheRequestedYears() throws IOException {
    MacroPath path = MacroPathReader.read(write(VALID), 2001, 2);
    assertEquals(-2.0e8, path.dgnp(2001));
    assertEquals(0.031, path.realr(2001));
    assertEquals(0.0, path.dgnp(2002));
    assertEquals(-0.01, path.realr(2002));
    assertTrue(path.covers(2001) && path.covers(2002));
    assertFalse(path.covers(2000) || path.covers(2003)); // outside the range: left out
  }

  @Test
  void columnsInAnyOrder() throws IOException {
    Path file = write("realr,year,dgnp\n0.02,2000,10\n0.03,2001,20\n");
    MacroPath path = MacroPathReader.read(file, 2000, 2);
    assertEquals(20.0, path.dgnp(2001));
    assertEquals(0.02, path.realr(2000));
  }

  @Test
  void headerProblems() throws IOException {
    fails(write("year,dgnp\n2000,1\n"), 2000, 1, "row 1", "column 'realr'", "missing column");
    fails(
        write("year,dgnp,realr,cpi\n2000,1,2,3\n"),
        2000,
        1,
        "row 1",
        "column 'cpi'",
        "unknown column");
    fails(
        write("year,dgnp,realr,dgnp\n2000,1,2,3\n"),
        2000,
        1,
        "row 1",
        "column 'dgnp'",
        "duplicate column");
    fails(write(""), 2000, 1, "empty file");
    fails(write("year,dgnp,realr\n"), 2000, 1, "no data rows");
  }

  @Test
  void valueProblems() throws IOException {
    fails(write(VALID.replace("0.031", "NaN")), 2000, 2, "row 3", "column 'realr'", "non-finite");
    fails(
        write(VALID.replace("0.031", "Infinity")),
        2000,
        2,
        "row 3",
        "column 'realr'",
        "non-finite");
    fails(
        write(VALID.replace("-2.0E8", "lots")),
        2000,
        2,
        "row 3",
        "column 'dgnp'",
        "not a number: 'lots'");
    fails(write(VALID.replace("-2.0E8", "")), 2000, 2, "row 3", "column 'dgnp'", "missing value");
    fails(write(VALID.replace("2002,0,", "2002,0,1,")), 2000, 2, "row 4", "expected 3 cells");
  }

  @Test
  void yearProblems() throws IOException {
    fails(write(VALID.replace("2001,", "2001.0,")), 2000, 2, "row 3", "column 'year'", "integer");
    fails(
        write(VALID.replace("2002,", "2001,")),
        2000,
        2,
        "row 4",
        "column 'year'",
        "increase by one");
    fails(
        write(VALID.replace("2001,-2", "2004,-2")),
        2000,
        1,
        "row 3",
        "column 'year'",
        "year 2001 is missing");
  }

  @Test
  void coverageNamesTheFirstMissingYear() throws IOException {
    Path file = write(VALID);
    fails(file, 1999, 3, "column 'year'", "year 1999 is missing", "2000..2003");
    fails(file, 2002, 5, "column 'year'", "year 2004 is missing", "2002..2006");
    fails(file, 2010, 2, "year 2010 is missing");
    assertEquals(7.0, MacroPathReader.read(file, 2003, 1).dgnp(2003));
  }

  @Test
  void byteOrderMarkIsDroppedAndDuplicatesNameBothPositions() throws IOException {
    Path bom = dir.resolve("bom.csv");
    Files.write(bom, ("\uFEFF" + VALID).getBytes(StandardCharsets.UTF_8));
    assertEquals(-2.0e8, MacroPathReader.read(bom, 2001, 1).dgnp(2001));
    fails(
        write("year,realr,dgnp,year\n2000,1,2,2000\n"),
        2000,
        1,
        "row 1, column 'year': duplicate column: columns 1 and 4 of the header");
  }

  @Test
  void badCellKeepsItsCause() throws IOException {
    Path file = write(VALID.replace("0.031", "3%"));
    BadInputException e =
        assertThrows(BadInputException.class, () -> MacroPathReader.read(file, 2000, 2));
    assertEquals(file + ", row 3, column 'realr': not a number: '3%'", e.getMessage());
    assertTrue(e.getCause() instanceof NumberFormatException, String.valueOf(e.getCause()));
  }
}
