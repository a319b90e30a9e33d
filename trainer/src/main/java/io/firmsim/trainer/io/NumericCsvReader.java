package io.firmsim.trainer.io;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.CsvRows;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads chosen numeric columns of a CSV file with a header into row-major doubles. Every problem
 * (missing column, non-numeric or non-finite value, ragged row) is a {@link BadInputException}
 * naming the file, the row (line number, header = 1) and the column.
 */
public final class NumericCsvReader {
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

  public static Table read(Path file, List<String> wanted) {
    CsvMapper mapper = new CsvMapper();
    try (Reader in = Files.newBufferedReader(file);
        CsvParser parser = mapper.getFactory().createParser(in)) {
      List<String> header = new ArrayList<>();
      if (CsvRows.nextRow(parser, header) < 0) {
        throw BadInputException.at(file, -1, null, "empty file: expected a header line");
      }
      int[] index = new int[wanted.size()];
      for (int j = 0; j < wanted.size(); j++) {
        index[j] = header.indexOf(wanted.get(j));
        if (index[j] < 0) {
          throw BadInputException.at(file, 1, wanted.get(j), "missing column");
        }
      }
      List<String> row = new ArrayList<>();
      double[] values = new double[1024 * wanted.size()];
      int rows = 0;
      long line;
      while ((line = CsvRows.nextRow(parser, row)) >= 0) {
        if (row.size() != header.size()) {
          throw BadInputException.at(
              file,
              line,
              null,
              "expected " + header.size() + " cells (as in the header), found " + row.size());
        }
        if ((rows + 1) * wanted.size() > values.length) {
          values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        for (int j = 0; j < index.length; j++) {
          String text = row.get(index[j]).trim();
          double v;
          try {
            v = Double.parseDouble(text);
          } catch (NumberFormatException e) {
            throw BadInputException.at(
                file,
                line,
                wanted.get(j),
                text.isEmpty() ? "missing value" : "not a number: '" + text + "'");
          }
          if (!Double.isFinite(v)) {
            throw BadInputException.at(
                file, line, wanted.get(j), "non-finite value '" + text + "'");
          }
          values[rows * wanted.size() + j] = v;
        }
        rows++;
      }
      if (rows == 0) {
        throw BadInputException.at(file, -1, null, "no data rows: the file has only a header");
      }
      return new Table(
          List.copyOf(wanted), rows, java.util.Arrays.copyOf(values, rows * wanted.size()));
    } catch (NoSuchFileException e) {
      throw BadInputException.at(file, -1, null, "no such file");
    } catch (IOException e) {
      throw BadInputException.at(file, -1, null, "cannot read: " + e.getMessage());
    }
  }
}
