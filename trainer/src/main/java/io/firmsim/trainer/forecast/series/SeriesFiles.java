package io.firmsim.trainer.forecast.series;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads files of named series in the two layouts of the forecasting benchmarks, into an ordered
 * list of {@link NamedSeries} (file order).
 *
 * <ul>
 *   <li><b>Wide</b> (the M4 layout, {@code *-train.csv}, {@code *-test.csv}, forecast files):
 *       header {@code id,V1,...,Vn}, then one row per series: its id, then its values in time order
 *       from {@code V1}. Shorter series end in empty cells; the values are contiguous (after the
 *       first empty cell every cell of the row is empty). A row may have fewer cells than the
 *       header (missing trailing cells count as empty), never more.
 *   <li><b>Long</b>: header {@code series,time,value}, one row per observation, the rows of a
 *       series together and its times strictly increasing. The times order the values and are not
 *       kept.
 * </ul>
 *
 * <p>Every problem is a {@link BadInputException} naming the file, the row (line number, header =
 * 1) and the column: a wrong header, a missing id, a non-numeric or non-finite value, a value after
 * an empty cell, a series with no values, a repeated id (naming the first row too), a series whose
 * rows are not together, a time that does not increase, no series at all. Stateless.
 */
public final class SeriesFiles {
  /** The header of the long layout. */
  public static final List<String> LONG_HEADER = List.of("series", "time", "value");

  private SeriesFiles() {}

  /**
   * Reads a file in either layout, chosen by its header: {@code id,V1,...} is wide, {@code
   * series,time,value} is long.
   *
   * @throws BadInputException as in the class doc
   */
  public static List<NamedSeries> read(Path file) {
    return CsvInput.read(
        file,
        parser -> {
          List<String> cells = new ArrayList<>();
          long line = CsvRows.nextRow(parser, cells);
          if (line < 0) {
            throw BadInputException.at(
                file, -1, null, "empty file: expected a header id,V1,...,Vn or series,time,value");
          }
          List<String> header = headerCells(cells);
          if (!header.isEmpty() && header.get(0).equals("id")) {
            return readWide(file, parser, line, header);
          }
          if (!header.isEmpty() && header.get(0).equals("series")) {
            return readLong(file, parser, line, header);
          }
          throw BadInputException.at(
              file,
              line,
              header.isEmpty() ? null : header.get(0),
              "wrong header: expected id,V1,...,Vn (wide) or series,time,value (long)");
        });
  }

  /** The header cells with a UTF-8 byte order mark dropped and blanks stripped. */
  static List<String> headerCells(List<String> cells) {
    List<String> out = new ArrayList<>(cells.size());
    for (String c : cells) {
      String s = c.strip();
      if (out.isEmpty() && !s.isEmpty() && s.charAt(0) == CsvHeader.BOM) {
        s = s.substring(1).strip();
      }
      out.add(s);
    }
    return out;
  }

  private static List<NamedSeries> readWide(
      Path file, CsvParser parser, long headerLine, List<String> header) throws IOException {
    if (header.size() < 2) {
      throw BadInputException.at(
          file, headerLine, null, "wrong header: expected id,V1,...,Vn with at least V1");
    }
    for (int j = 1; j < header.size(); j++) {
      if (!header.get(j).equals("V" + j)) {
        throw BadInputException.at(
            file,
            headerLine,
            header.get(j),
            "wrong header: column " + (j + 1) + " must be V" + j + " (expected id,V1,...,Vn)");
      }
    }
    List<NamedSeries> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    List<String> cells = new ArrayList<>();
    double[] buffer = new double[header.size() - 1];
    for (long line = CsvRows.nextRow(parser, cells);
        line >= 0;
        line = CsvRows.nextRow(parser, cells)) {
      if (cells.size() > header.size()) {
        throw BadInputException.at(
            file,
            line,
            null,
            cells.size() + " cells where the header has " + header.size() + " (id,V1,...,Vn)");
      }
      String id = id(file, line, "id", cells.get(0), seen);
      int n = 0;
      int firstEmpty = -1;
      for (int j = 1; j < cells.size(); j++) {
        String text = cells.get(j);
        if (text.isBlank()) {
          if (firstEmpty < 0) {
            firstEmpty = j;
          }
          continue;
        }
        if (firstEmpty >= 0) {
          throw BadInputException.at(
              file,
              line,
              header.get(j),
              "a value after an empty cell (V"
                  + firstEmpty
                  + " is empty): the values of a row must be contiguous from V1");
        }
        buffer[n++] = CsvCells.value(file, line, header.get(j), text.strip());
      }
      if (n == 0) {
        throw BadInputException.at(file, line, "V1", "series '" + id + "' has no values");
      }
      out.add(new NamedSeries(id, Arrays.copyOf(buffer, n)));
    }
    return finish(file, out);
  }

  private static List<NamedSeries> readLong(
      Path file, CsvParser parser, long headerLine, List<String> header) throws IOException {
    for (int j = 0; j < LONG_HEADER.size(); j++) {
      if (j >= header.size() || !header.get(j).equals(LONG_HEADER.get(j))) {
        throw BadInputException.at(
            file,
            headerLine,
            j < header.size() ? header.get(j) : null,
            "wrong header: expected series,time,value");
      }
    }
    if (header.size() != LONG_HEADER.size()) {
      throw BadInputException.at(
          file, headerLine, header.get(3), "wrong header: expected series,time,value only");
    }
    List<NamedSeries> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    List<String> cells = new ArrayList<>();
    String current = null;
    double lastTime = Double.NaN;
    double[] values = new double[16];
    int n = 0;
    for (long line = CsvRows.nextRow(parser, cells);
        line >= 0;
        line = CsvRows.nextRow(parser, cells)) {
      if (cells.size() != 3) {
        throw BadInputException.at(
            file, line, null, cells.size() + " cells where the header has 3 (series,time,value)");
      }
      String name = cells.get(0).strip();
      if (!name.equals(current)) {
        if (current != null) {
          out.add(new NamedSeries(current, Arrays.copyOf(values, n)));
        }
        current = id(file, line, "series", name, seen);
        n = 0;
        lastTime = Double.NaN;
      }
      double time = CsvCells.value(file, line, "time", cells.get(1).strip());
      if (n > 0 && !(time > lastTime)) {
        throw BadInputException.at(
            file,
            line,
            "time",
            "time "
                + cells.get(1).strip()
                + " does not increase (the previous row of series '"
                + current
                + "' has "
                + lastTime
                + ")");
      }
      lastTime = time;
      String text = cells.get(2);
      if (text.isBlank()) {
        throw BadInputException.at(file, line, "value", "missing value");
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, 2 * n);
      }
      values[n++] = CsvCells.value(file, line, "value", text.strip());
    }
    if (current != null) {
      out.add(new NamedSeries(current, Arrays.copyOf(values, n)));
    }
    return finish(file, out);
  }

  private static String id(
      Path file, long line, String column, String text, Map<String, Long> seen) {
    String id = text.strip();
    if (id.isEmpty()) {
      throw BadInputException.at(file, line, column, "missing series id");
    }
    Long first = seen.putIfAbsent(id, line);
    if (first != null) {
      throw BadInputException.at(
          file,
          line,
          column,
          "series '"
              + id
              + "' is repeated (first at row "
              + first
              + "); ids must be unique"
              + (column.equals("series") ? " and the rows of a series together" : ""));
    }
    return id;
  }

  private static List<NamedSeries> finish(Path file, List<NamedSeries> out) {
    if (out.isEmpty()) {
      throw BadInputException.at(file, -1, null, "no series: the file has only a header");
    }
    return List.copyOf(out);
  }
}
