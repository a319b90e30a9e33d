package io.firmsim.simulator.macro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads the macro inputs of a simulation (MODEL.md section 1: {@code dgnp}, the change of nominal
 * GNP in SEK, and {@code realr}, the real interest rate as a fraction) from a CSV file with the
 * columns {@code year}, {@code dgnp} and {@code realr}, in any order, one row per year.
 *
 * <p>Guarantees of a returned path: it starts at the requested first year and holds exactly the
 * requested number of years, each with finite values taken from the file. The file's years are
 * integers, one row per year, increasing by one from row to row; they must cover the requested
 * years, and rows outside them are allowed and left out of the path (their values are still
 * checked, so a broken file is never half-used).
 *
 * <p>Every problem is reported as a {@link BadInputException} naming the file, the line (the header
 * is line 1) and the column where these apply. A path is short, so this reader favours plain code
 * over speed; blank lines are skipped.
 */
public final class MacroPathReader {
  /** The column names, in the order the simulator writes them. */
  public static final List<String> COLUMNS = List.of("year", "dgnp", "realr");

  private static final CsvFactory FACTORY = CsvFactory.builder().build();

  private static final int MAX_SHOWN_TEXT = 60;

  private MacroPathReader() {}

  /**
   * Reads the path of the years {@code firstYear .. firstYear + years - 1}.
   *
   * @param file the CSV file
   * @param firstYear calendar number of the first simulated year
   * @param years number of simulated years, at least 0
   * @throws BadInputException if the file cannot be read, breaks a rule (class doc), or does not
   *     cover the requested years
   */
  public static MacroPath read(Path file, int firstYear, int years) {
    Objects.requireNonNull(file, "file");
    if (years < 0) {
      throw new BadInputException("the number of years must be 0 or more, found " + years);
    }
    long lastYear = (long) firstYear + years - 1;
    if (lastYear > Integer.MAX_VALUE) {
      throw new BadInputException(
          "the years " + firstYear + " + " + years + " run past the largest year number");
    }
    try (InputStream in = Files.newInputStream(file);
        CsvParser parser = FACTORY.createParser(in)) {
      return read(file, parser, firstYear, years);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file", e);
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw BadInputException.at(file, line, null, "malformed CSV: " + e.getOriginalMessage());
    } catch (CharacterCodingException e) {
      throw new BadInputException(file + ": not UTF-8 text (" + e + ")", e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e, e);
    }
  }

  private static MacroPath read(Path file, CsvParser parser, int firstYear, int years)
      throws IOException {
    List<String> cells = new ArrayList<>();
    long headerLine = nextRow(parser, cells);
    if (headerLine < 0) {
      throw BadInputException.at(
          file, -1, null, "empty file: expected the header " + String.join(",", COLUMNS));
    }
    int[] columnOf = readHeader(file, headerLine, cells); // index in COLUMNS -> file column
    int width = cells.size();

    int fileFirst = 0;
    int count = 0;
    double[] dgnp = new double[64];
    double[] realr = new double[64];
    int previous = 0;
    long line;
    while ((line = nextRow(parser, cells)) >= 0) {
      if (cells.size() != width) {
        throw BadInputException.at(
            file,
            line,
            null,
            "expected " + width + " cells (as in the header), found " + cells.size());
      }
      int year = parseYear(file, line, cells.get(columnOf[0]));
      if (count > 0 && year != previous + 1) {
        throw BadInputException.at(
            file,
            line,
            "year",
            year <= previous
                ? "year " + year + " follows " + previous + ": years must increase by one per row"
                : "year "
                    + year
                    + " follows "
                    + previous
                    + ": year "
                    + (previous + 1)
                    + " is missing (years must increase by one per row)");
      }
      if (count == dgnp.length) {
        dgnp = Arrays.copyOf(dgnp, 2 * count);
        realr = Arrays.copyOf(realr, 2 * count);
      }
      dgnp[count] = parseValue(file, line, "dgnp", cells.get(columnOf[1]));
      realr[count] = parseValue(file, line, "realr", cells.get(columnOf[2]));
      if (count == 0) {
        fileFirst = year;
      }
      previous = year;
      count++;
    }
    if (years == 0) {
      return new MacroPath(firstYear, new double[0], new double[0]);
    }
    long lastYear = (long) firstYear + years - 1;
    String wanted = "the simulation needs the years " + firstYear + ".." + lastYear;
    if (count == 0) {
      throw BadInputException.at(
          file, -1, null, "no data rows: the file has only a header; " + wanted);
    }
    String has = "the file has " + fileFirst + ".." + previous;
    if (firstYear < fileFirst) {
      throw BadInputException.at(
          file, -1, "year", "year " + firstYear + " is missing: " + wanted + ", " + has);
    }
    if (lastYear > previous) {
      long firstMissing = Math.max((long) previous + 1, firstYear);
      throw BadInputException.at(
          file, -1, "year", "year " + firstMissing + " is missing: " + wanted + ", " + has);
    }
    int from = firstYear - fileFirst;
    return new MacroPath(
        firstYear,
        Arrays.copyOfRange(dgnp, from, from + years),
        Arrays.copyOfRange(realr, from, from + years));
  }

  /** Checks the header; returns, per name of {@link #COLUMNS}, its column in the file. */
  private static int[] readHeader(Path file, long line, List<String> header) {
    int[] columnOf = new int[COLUMNS.size()];
    Arrays.fill(columnOf, -1);
    List<String> unknown = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).trim();
      if (c == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1).trim();
      }
      int k = COLUMNS.indexOf(name);
      if (k < 0) {
        unknown.add(name);
      } else if (columnOf[k] >= 0) {
        throw BadInputException.at(
            file,
            line,
            name,
            "duplicate column: columns "
                + (columnOf[k] + 1)
                + " and "
                + (c + 1)
                + " of the header have the same name");
      } else {
        columnOf[k] = c;
      }
    }
    String expected = "; the header must be " + String.join(",", COLUMNS) + " (in any order)";
    if (!unknown.isEmpty()) {
      throw BadInputException.at(
          file,
          line,
          unknown.get(0),
          "unknown column"
              + (unknown.size() > 1 ? " (all unknown: " + quoteAll(unknown) + ")" : "")
              + expected);
    }
    List<String> missing = new ArrayList<>();
    for (int k = 0; k < columnOf.length; k++) {
      if (columnOf[k] < 0) {
        missing.add(COLUMNS.get(k));
      }
    }
    if (!missing.isEmpty()) {
      throw BadInputException.at(
          file,
          line,
          missing.get(0),
          "missing column"
              + (missing.size() > 1 ? " (all missing: " + quoteAll(missing) + ")" : "")
              + expected);
    }
    return columnOf;
  }

  private static int parseYear(Path file, long line, String text) {
    if (text.isBlank()) {
      throw BadInputException.at(file, line, "year", "missing value");
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw BadInputException.at(
          file, line, "year", "a year must be an integer, found '" + shown(text) + "'");
    }
  }

  private static double parseValue(Path file, long line, String column, String text) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      if (text.isBlank()) {
        throw BadInputException.at(file, line, column, "missing value");
      }
      throw BadInputException.at(file, line, column, "not a number: '" + shown(text) + "'");
    }
    if (!Double.isFinite(v)) {
      throw BadInputException.at(file, line, column, "non-finite value '" + shown(text) + "'");
    }
    return v;
  }

  private static long nextRow(CsvParser parser, List<String> out) throws IOException {
    return io.firmsim.simulator.input.CsvRows.nextRow(parser, out);
  }

  private static String quoteAll(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }

  private static String shown(String text) {
    return text.length() <= MAX_SHOWN_TEXT ? text : text.substring(0, MAX_SHOWN_TEXT) + "...";
  }
}
