package io.firmsim.simulator.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV input layer: the one cell parser is exactly {@link Double#parseDouble} (checked against
 * it on generated decimal text), the one header handling, and messages that name file, row and
 * column and keep their causes.
 */
class CsvInputTest {
  @TempDir Path dir;

  private static final CsvHeader.Schema STRICT =
      CsvHeader.Schema.builder("the header is a,b and maybe c")
          .required("a", "b")
          .optional("c")
          .ignored(List.of("skip"))
          .build();

  private static final CsvHeader.Schema LENIENT =
      CsvHeader.Schema.builder("the data needs a, b").required("a", "b").allowUnknown().build();

  private static CsvHeader header(CsvHeader.Schema schema, String... names) {
    return CsvHeader.of(Path.of("f.csv"), 1, List.of(names), schema);
  }

  private static String refusal(CsvHeader header) {
    return assertThrows(BadInputException.class, header::check).getMessage();
  }

  @Test
  void parseDoubleIsDoubleParseDoubleBitForBit() {
    Random random = new Random(42);
    List<String> texts =
        new ArrayList<>(
            List.of(
                "0",
                "-0",
                "0.0",
                "-0.0",
                "+1",
                "1.",
                ".5",
                "-.5",
                "5.",
                "00012.5000",
                " 2.5 ",
                "\t3\n",
                "9007199254740992",
                "9007199254740993",
                "4.9E-324",
                "2.4703282292062327E-324",
                "1e-400",
                "1.7976931348623157E308",
                "1.7976931348623159E308",
                "1e22",
                "1e23",
                "1e-22",
                "1e-23",
                "123456789012345678",
                "1234567890123456789",
                "123456789012345678901234567890",
                "0.000000000000000000001",
                "1E0",
                "1e+5",
                "2.5e-3",
                "1.5d",
                "2.5f",
                "1D",
                "0x1p3",
                "0x1.8p-2",
                "NaN",
                "-NaN",
                "Infinity",
                "+Infinity",
                "-Infinity",
                "1e400",
                "1e99999",
                "1e-99999",
                "1e",
                "1e+",
                "e5",
                ".",
                "-",
                "+-1",
                "--1",
                "1..2",
                "1.2.3",
                "",
                " ",
                "1,5",
                "12x",
                "١٢"));
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      double g = random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
      texts.add(Double.toString(d));
      texts.add(Double.toString(g));
      texts.add(Double.toString(-Math.abs(g)));
      texts.add(Float.toString(Float.intBitsToFloat(random.nextInt())));
      texts.add(Float.toString((float) g));
      texts.add(String.format(Locale.ROOT, "%.17g", g));
      texts.add(String.format(Locale.ROOT, "%.17g", d));
      texts.add(String.format(Locale.ROOT, "%.6f", g));
      texts.add(String.format(Locale.ROOT, "%.6f", random.nextGaussian() * 1e9));
      texts.add(String.format(Locale.ROOT, "%.3e", g));
      StringBuilder sb = new StringBuilder(random.nextBoolean() ? "-" : "");
      int digits = 1 + random.nextInt(25);
      for (int k = 0; k < digits; k++) {
        sb.append((char) ('0' + random.nextInt(10)));
      }
      sb.insert(sb.length() - random.nextInt(digits), '.');
      texts.add(sb.toString());
      texts.add(sb + "E" + (random.nextInt(700) - 350));
      texts.add(sb + "e+" + random.nextInt(30));
    }
    for (String text : texts) {
      String want;
      try {
        want = Long.toHexString(Double.doubleToRawLongBits(Double.parseDouble(text)));
      } catch (NumberFormatException e) {
        want = "refused";
      }
      String got;
      try {
        got = Long.toHexString(Double.doubleToRawLongBits(CsvCells.parseDouble(text)));
      } catch (NumberFormatException e) {
        got = "refused";
      }
      assertEquals(want, got, "'" + text + "'");
    }
  }

  @Test
  void headerDropsAByteOrderMarkAndTrims() {
    CsvHeader h = header(STRICT, "\uFEFFa", " b ", "c").check();
    assertEquals(List.of("a", "b", "c"), h.names());
    assertEquals(0, h.column("a"));
    assertEquals(CsvHeader.Role.REQUIRED, h.role(0));
    assertEquals(CsvHeader.Role.OPTIONAL, h.role(2));
    // with quotes too, as spreadsheets export it
    assertEquals(List.of("a", "b"), header(STRICT, "\uFEFF a", "b").check().names());
  }

  @Test
  void headerRefusesADuplicateNamingBothPositions() {
    for (CsvHeader.Schema schema : List.of(STRICT, LENIENT)) {
      String m = refusal(header(schema, "a", "b", "skip", "b"));
      assertEquals(
          "f.csv, row 1, column 'b': duplicate column: columns 2 and 4 of the header have the"
              + " same name",
          m);
    }
    // an ignored or unknown name repeated is still ambiguous
    assertTrue(refusal(header(STRICT, "a", "b", "skip", "skip")).contains("columns 3 and 4"));
    CsvHeader h = header(LENIENT, "a", "x", "b", "x");
    assertEquals(List.of(new CsvHeader.Duplicate("x", 1, 3)), h.duplicates());
    assertTrue(refusal(h).contains("column 'x': duplicate column: columns 2 and 4"));
  }

  @Test
  void headerRolesRequiredOptionalIgnoredUnknown() {
    assertEquals(-1, header(STRICT, "a", "b").check().column("c"));
    header(STRICT, "skip", "a", "b").check(); // ignored: allowed
    String unknown = refusal(header(STRICT, "a", "b", "bb", "cc"));
    assertTrue(unknown.startsWith("f.csv, row 1, column 'bb': unknown column"), unknown);
    assertTrue(unknown.contains("all unknown: 'bb', 'cc'"), unknown);
    assertTrue(unknown.endsWith("; the header is a,b and maybe c"), unknown);
    CsvHeader lenient = header(LENIENT, "z", "b", "a", "").check(); // unknown and empty: ignored
    assertEquals(List.of("z", ""), lenient.unknown());
    String missing = refusal(header(STRICT, "c"));
    assertTrue(missing.startsWith("f.csv, row 1, column 'a': missing column"), missing);
    assertTrue(missing.contains("all missing: 'a', 'b'"), missing);
    assertTrue(refusal(header(STRICT, "a", "", "b")).contains("empty column name (column 2"));
  }

  @Test
  void badCellsNameFileRowAndColumnAndKeepTheCause() {
    Path f = Path.of("data.csv");
    BadInputException e =
        assertThrows(BadInputException.class, () -> CsvCells.value(f, 7, "MA", "12;5"));
    assertEquals("data.csv, row 7, column 'MA': not a number: '12;5'", e.getMessage());
    assertInstanceOf(NumberFormatException.class, e.getCause());
    e = assertThrows(BadInputException.class, () -> CsvCells.value(f, 3, "x", " "));
    assertEquals("data.csv, row 3, column 'x': missing value", e.getMessage());
    e = assertThrows(BadInputException.class, () -> CsvCells.value(f, 3, "x", "-Infinity"));
    assertEquals("data.csv, row 3, column 'x': non-finite value '-Infinity'", e.getMessage());
    e = assertThrows(BadInputException.class, () -> CsvCells.year(f, 4, "year", "2001.5"));
    assertEquals(
        "data.csv, row 4, column 'year': a year must be an integer, found '2001.5'",
        e.getMessage());
    assertInstanceOf(NumberFormatException.class, e.getCause());
    e = assertThrows(BadInputException.class, () -> CsvCells.firmId(f, 5, "firm_id", "-2"));
    assertEquals(
        "data.csv, row 5, column 'firm_id': a firm id must be a non-negative integer, found '-2'",
        e.getMessage());
    assertEquals(2.5, CsvCells.value(f, 1, "x", " 2.5 "));
    assertEquals(2001, CsvCells.year(f, 1, "year", " 2001 "));
    assertTrue(Double.isNaN(CsvCells.valueOrNaN("oops")));
    assertTrue(Double.isNaN(CsvCells.valueOrNaN(null)));
    assertEquals(Double.POSITIVE_INFINITY, CsvCells.valueOrNaN("Infinity"));
    assertEquals(-1, CsvCells.integerOr("1.5", -1));
  }

  @Test
  void fileProblemsKeepTheirCause() throws IOException {
    Path missing = dir.resolve("nope.csv");
    BadInputException e =
        assertThrows(BadInputException.class, () -> CsvInput.read(missing, p -> 0));
    assertEquals(missing + ": no such file", e.getMessage());
    assertInstanceOf(NoSuchFileException.class, e.getCause());

    Path unclosed = dir.resolve("unclosed.csv");
    Files.writeString(unclosed, "a,b\n1,\"2\n", StandardCharsets.UTF_8);
    e =
        assertThrows(
            BadInputException.class,
            () ->
                CsvInput.read(
                    unclosed,
                    p -> {
                      CsvInput.header(p, unclosed, STRICT).check();
                      List<String> row = new ArrayList<>();
                      while (CsvRows.nextRow(p, row) >= 0) {
                        row.clear();
                      }
                      return 0;
                    }));
    assertTrue(e.getMessage().startsWith(unclosed + ", row "), e.getMessage());
    assertTrue(e.getMessage().contains("malformed CSV"), e.getMessage());
    assertInstanceOf(JsonProcessingException.class, e.getCause());

    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "\n\n");
    e =
        assertThrows(
            BadInputException.class,
            () -> CsvInput.read(empty, p -> CsvInput.header(p, empty, STRICT)));
    assertEquals(
        empty + ": empty file: expected a header line; the header is a,b and maybe c",
        e.getMessage());
    assertNull(e.getCause());
  }

  @Test
  void aByteOrderMarkedFileReadsLikeAPlainOne() throws IOException {
    Path bom = dir.resolve("bom.csv");
    Files.write(bom, ("\uFEFFa,b\n1,2\n").getBytes(StandardCharsets.UTF_8));
    CsvHeader h = CsvInput.read(bom, p -> CsvInput.header(p, bom, STRICT).check());
    assertEquals(List.of("a", "b"), h.names());
  }
}
