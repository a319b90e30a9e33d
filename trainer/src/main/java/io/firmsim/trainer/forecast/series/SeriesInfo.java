package io.firmsim.trainer.forecast.series;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.CsvCells;
import io.firmsim.simulator.input.CsvInput;
import io.firmsim.simulator.input.CsvRows;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a benchmark's {@code *-info.csv} (for example {@code M3-info.csv}): a series' id, its
 * frequency ({@code Yearly}, {@code Quarterly}, {@code Monthly}, {@code Other}), the seasonal
 * period m used by MASE and Naive2, and the forecast horizon. The evaluation needs m and h per
 * series; the other columns of the file ({@code n_train}, {@code category}, dates) are ignored.
 *
 * <p>Class is immutable.
 *
 * @param id the series id
 * @param frequency the frequency name as written in the file
 * @param seasonalPeriod m, at least 1
 * @param horizon h, at least 1
 */
public record SeriesInfo(String id, String frequency, int seasonalPeriod, int horizon) {
  /** The columns the reader needs. */
  public static final List<String> COLUMNS =
      List.of("id", "frequency", "seasonal_period", "horizon");

  /** Checks the fields. */
  public SeriesInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(frequency, "frequency");
    if (id.isBlank()) {
      throw new IllegalArgumentException("a series id must not be blank");
    }
    if (seasonalPeriod < 1) {
      throw new IllegalArgumentException(
          "seasonal period must be at least 1, found " + seasonalPeriod);
    }
    if (horizon < 1) {
      throw new IllegalArgumentException("horizon must be at least 1, found " + horizon);
    }
  }

  /**
   * Reads an info file: a header naming at least {@link #COLUMNS} (in any order, other columns
   * ignored), then one row per series.
   *
   * @throws BadInputException naming the file, line and column for a missing column, a missing or
   *     non-integer or non-positive period or horizon, a repeated id, or no rows
   */
  public static List<SeriesInfo> read(Path file) {
    return CsvInput.read(
        file,
        parser -> {
          List<String> cells = new ArrayList<>();
          long headerLine = CsvRows.nextRow(parser, cells);
          if (headerLine < 0) {
            throw BadInputException.at(
                file, -1, null, "empty file: expected the header " + COLUMNS);
          }
          List<String> header = SeriesFiles.headerCells(cells);
          int[] at = new int[COLUMNS.size()];
          for (int j = 0; j < at.length; j++) {
            at[j] = header.indexOf(COLUMNS.get(j));
            if (at[j] < 0) {
              throw BadInputException.at(
                  file,
                  headerLine,
                  COLUMNS.get(j),
                  "missing column: an info file needs the columns " + String.join(",", COLUMNS));
            }
          }
          List<SeriesInfo> out = new ArrayList<>();
          Map<String, Long> seen = new HashMap<>();
          for (long line = CsvRows.nextRow(parser, cells);
              line >= 0;
              line = CsvRows.nextRow(parser, cells)) {
            if (cells.size() > header.size()) {
              throw BadInputException.at(
                  file, line, null, cells.size() + " cells where the header has " + header.size());
            }
            String id = cell(cells, at[0]).strip();
            if (id.isEmpty()) {
              throw BadInputException.at(file, line, "id", "missing value");
            }
            Long first = seen.putIfAbsent(id, line);
            if (first != null) {
              throw BadInputException.at(
                  file, line, "id", "series '" + id + "' is repeated (first at row " + first + ")");
            }
            String frequency = cell(cells, at[1]).strip();
            if (frequency.isEmpty()) {
              throw BadInputException.at(file, line, "frequency", "missing value");
            }
            int m = positive(file, line, "seasonal_period", cell(cells, at[2]));
            int h = positive(file, line, "horizon", cell(cells, at[3]));
            out.add(new SeriesInfo(id, frequency, m, h));
          }
          if (out.isEmpty()) {
            throw BadInputException.at(file, -1, null, "no data rows: the file has only a header");
          }
          return List.copyOf(out);
        });
  }

  private static String cell(List<String> cells, int column) {
    return column < cells.size() ? cells.get(column) : "";
  }

  private static int positive(Path file, long line, String column, String text) {
    long v = CsvCells.integerOr(text, Long.MIN_VALUE);
    if (text.isBlank()) {
      throw BadInputException.at(file, line, column, "missing value");
    }
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw BadInputException.at(
          file, line, column, "expected a positive integer, found '" + CsvCells.shown(text) + "'");
    }
    return (int) v;
  }
}
