package io.firmsim.trainer.io;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.BatchedCsvReader;
import io.firmsim.simulator.input.CsvCells;
import io.firmsim.simulator.input.CsvHeader;
import io.firmsim.simulator.input.CsvInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads chosen numeric columns of a CSV file with a header into row-major doubles: the data of
 * {@code fit}. Other columns are allowed and ignored; the header and the cells follow the rules of
 * the CSV input layer ({@link CsvHeader}, {@link CsvCells}), like every other reader: a UTF-8 byte
 * order mark is dropped, a repeated column name is refused naming both positions. Every problem
 * (missing or repeated column, non-numeric or non-finite value, ragged row) is a {@link
 * BadInputException} naming the file, the row (line number, header = 1) and the column. Rows are
 * parsed on worker threads beside the reading thread ({@link BatchedCsvReader}).
 */
public final class NumericCsvReader {
  /** Most threads that parse rows beside the reading thread. */
  public static final int MAX_WORKERS = 4;

  private NumericCsvReader() {}

  /** The columns read: {@code values[row * columns.size() + j]} is column j of a data row. */
  public record Table(List<String> columns, int rows, double[] values) {
    /** One column as an array. */
    public double[] column(String name) {
      int j = columns.indexOf(name);
      if (j < 0) {
        throw new IllegalArgumentException("no column " + name);
      }
      double[] out = new double[rows];
      for (int i = 0; i < rows; i++) {
        out[i] = values[i * columns.size() + j];
      }
      return out;
    }
  }

  /** The parsed values of a batch of rows, or the first problem among them. */
  private static final class Batch implements BatchedCsvReader.Parsed {
    final int rows;
    final double[] values;
    BadInputException problem;

    Batch(Path file, CsvHeader header, int[] index, String[] cells, long[] lines, int rows) {
      this.rows = rows;
      int w = index.length;
      int width = header.width();
      values = new double[rows * w];
      try {
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < w; j++) {
            int c = index[j];
            values[r * w + j] =
                CsvCells.value(file, lines[r], header.name(c), cells[r * width + c]);
          }
        }
      } catch (BadInputException e) {
        problem = e;
      }
    }

    @Override
    public BadInputException problem() {
      return problem;
    }
  }

  /**
   * Reads the {@code wanted} columns of every data row.
   *
   * @throws BadInputException if the file cannot be read or breaks a rule of the class doc
   */
  public static Table read(Path file, List<String> wanted) {
    Objects.requireNonNull(file, "file");
    List<String> columns = List.copyOf(wanted);
    CsvHeader.Schema schema =
        CsvHeader.Schema.builder("the data needs the columns " + String.join(", ", columns))
            .required(columns)
            .allowUnknown()
            .build();
    return CsvInput.read(
        file,
        parser -> {
          CsvHeader header = CsvInput.header(parser, file, schema).check();
          int[] index = columns.stream().mapToInt(header::column).toArray();
          int width = header.width();
          long maxRows = (Integer.MAX_VALUE - 8) / Math.max(1, columns.size());
          long[] seen = {0};
          List<Batch> done =
              BatchedCsvReader.read(
                  file,
                  width,
                  MAX_WORKERS,
                  "numeric-csv-reader",
                  (cells, from) -> {
                    long line = BatchedCsvReader.nextCells(parser, file, cells, from, width);
                    if (line >= 0 && ++seen[0] > maxRows) {
                      throw BadInputException.at(
                          file, line, null, "too many rows: at most " + maxRows + " can be read");
                    }
                    return line;
                  },
                  (cells, lines, rows) -> new Batch(file, header, index, cells, lines, rows));
          int rows = 0;
          for (Batch b : done) {
            rows += b.rows;
          }
          if (rows == 0) {
            throw BadInputException.at(file, -1, null, "no data rows: the file has only a header");
          }
          double[] values = new double[rows * columns.size()];
          int at = 0;
          for (Batch b : done) {
            System.arraycopy(b.values, 0, values, at, b.values.length);
            at += b.values.length;
          }
          return new Table(columns, rows, values);
        });
  }
}
