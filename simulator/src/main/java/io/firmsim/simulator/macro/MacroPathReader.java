package io.firmsim.simulator.macro;

import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.CsvCells;
import io.firmsim.simulator.input.CsvHeader;
import io.firmsim.simulator.input.CsvInput;
import io.firmsim.simulator.input.CsvRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 * is line 1) and the column where these apply. The header and the cells follow the rules of the CSV
 * input layer ({@link CsvHeader}, {@link CsvCells}: a UTF-8 byte order mark is dropped, a repeated
 * column is refused). A path is short, so it is read on one thread; blank lines are skipped.
 */
public final class MacroPathReader {
  /** The column names, in the order the simulator writes them. */
  public static final List<String> COLUMNS = List.of("year", "dgnp", "realr");

  private static final CsvHeader.Schema SCHEMA =
      CsvHeader.Schema.builder(
              "the header must be " + String.join(",", COLUMNS) + " (in any order)")
          .required(COLUMNS)
          .build();

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
    return CsvInput.read(file, parser -> read(file, parser, firstYear, years));
  }

  private static MacroPath read(Path file, CsvParser parser, int firstYear, int years)
      throws IOException {
    CsvHeader header = CsvInput.header(parser, file, SCHEMA).check();
    int[] columnOf = new int[COLUMNS.size()]; // index in COLUMNS -> file column
    for (int k = 0; k < columnOf.length; k++) {
      columnOf[k] = header.column(COLUMNS.get(k));
    }
    int width = header.width();
    List<String> cells = new ArrayList<>();

    int fileFirst = 0;
    int count = 0;
    double[] dgnp = new double[64];
    double[] realr = new double[64];
    int previous = 0;
    long line;
    while ((line = CsvRows.nextRow(parser, cells)) >= 0) {
      if (cells.size() != width) {
        throw BadInputException.at(
            file,
            line,
            null,
            "expected " + width + " cells (as in the header), found " + cells.size());
      }
      int year = CsvCells.year(file, line, "year", cells.get(columnOf[0]));
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
      dgnp[count] = CsvCells.value(file, line, "dgnp", cells.get(columnOf[1]));
      realr[count] = CsvCells.value(file, line, "realr", cells.get(columnOf[2]));
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
}
