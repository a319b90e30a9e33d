package io.firmsim.trainer.panel;

import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.BatchedCsvReader;
import io.firmsim.simulator.input.CsvCells;
import io.firmsim.simulator.input.CsvHeader;
import io.firmsim.simulator.input.CsvInput;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a firm-year panel from CSV, as {@code firmsim simulate --panel csv} writes it: a header
 * line, then one line per firm and year. The header must name {@code firm_id}, {@code year}, every
 * {@link StateVariable} and every {@link FlowVariable} (in any order, each once) and nothing else:
 * a missing column or an extra one is an error, so a misspelt column is never silently dropped or
 * taken as zero. The header follows the rules of {@link CsvHeader} (a UTF-8 byte order mark is
 * dropped, a repeated name is refused naming both positions).
 *
 * <p>Guarantees of a returned {@link Panel}: every value is a finite number, read exactly as {@link
 * Double#parseDouble} reads it (so a value written with {@code Double.toString} reads back bit for
 * bit, and a float32 panel reads back as the decimals it holds); firm ids are non-negative integers
 * and years integers; no (firm, year) pair occurs twice; rows keep the order of the file. Values
 * are not checked against the model (signs, balance identity): a panel may hold observed data.
 *
 * <p>Every problem is reported as a {@link BadInputException} naming the file, the row (its line
 * number in the file; the header is line 1) and the column where these apply. Of the problems
 * within rows the one reported is the first in the file; repeated (firm, year) pairs are looked for
 * once all rows are read.
 *
 * <p>Speed (a million rows of 65 columns in a few seconds): the file is read once by the CSV input
 * layer ({@link CsvInput}, {@link BatchedCsvReader}: quoted cells follow RFC 4180, so a header
 * exported with quotes is fine; blank lines are skipped); the reading thread hands batches of rows
 * to worker threads (up to {@value #MAX_WORKERS}, fewer on small machines) that parse them ({@link
 * CsvCells}) into primitive arrays.
 */
public final class PanelCsvReader {
  /** Name of the firm id column. */
  public static final String FIRM_ID = "firm_id";

  /** Name of the year column. */
  public static final String YEAR = "year";

  /** Most threads that parse rows beside the reading thread. */
  public static final int MAX_WORKERS = 4;

  private static final CsvHeader.Schema SCHEMA =
      CsvHeader.Schema.builder(
              "a panel file has "
                  + FIRM_ID
                  + ", "
                  + YEAR
                  + ", the state columns and the flow columns")
          .required(columnNames())
          .build();

  private static final int S = Panel.S;
  private static final int F = Panel.F;

  // Roles of file columns: a state column's role is its index (0..S-1), a flow column's S + its
  // index; firm id and year are negative.
  private static final int ROLE_FIRM_ID = -1;
  private static final int ROLE_YEAR = -2;

  private PanelCsvReader() {}

  /**
   * Reads a panel file.
   *
   * @throws BadInputException if the file cannot be read or breaks a rule of the class doc
   */
  public static Panel read(Path file) {
    Objects.requireNonNull(file, "file");
    return CsvInput.read(file, parser -> new Reading(file, parser).run());
  }

  /** The columns of a panel file: firm id, year, the state columns, the flow columns. */
  public static List<String> columnNames() {
    List<String> names = new ArrayList<>();
    names.add(FIRM_ID);
    names.add(YEAR);
    StateVariable.all().forEach(v -> names.add(v.name()));
    FlowVariable.all().forEach(v -> names.add(v.name()));
    return names;
  }

  /** The header of a file: what each column holds. Immutable once built. */
  private static final class Header {
    final Path file;
    final String[] names; // as in the header, trimmed
    final int[] roles; // per file column

    Header(CsvHeader header) {
      header.check();
      this.file = header.file();
      names = header.names().toArray(new String[0]);
      roles = new int[names.length];
      for (int c = 0; c < names.length; c++) {
        roles[c] = roleOf(names[c]);
      }
    }

    int width() {
      return names.length;
    }

    /** The role of a column name known to the schema. */
    private static int roleOf(String name) {
      if (name.equals(FIRM_ID)) {
        return ROLE_FIRM_ID;
      }
      if (name.equals(YEAR)) {
        return ROLE_YEAR;
      }
      StateVariable v = StateVariable.byName(name).orElse(null);
      if (v != null) {
        return v.index();
      }
      for (FlowVariable f : FlowVariable.all()) {
        if (f.name().equals(name)) {
          return S + f.index();
        }
      }
      throw new IllegalStateException("not a panel column: " + name);
    }
  }

  /** The parsed keys and values of a batch of rows, or the first problem among them. */
  private static final class Batch implements BatchedCsvReader.Parsed {
    final long[] lines;
    final int rows;
    final long[] ids;
    final int[] years;
    final double[] state; // row-major [rows, S]
    final double[] flows; // row-major [rows, F]
    BadInputException problem;

    /** Parses the rows in order, stopping at the first problem. */
    Batch(Header header, String[] cells, long[] lines, int rows) {
      this.lines = lines;
      this.rows = rows;
      ids = new long[rows];
      years = new int[rows];
      state = new double[rows * S];
      flows = new double[rows * F];
      int width = header.width();
      try {
        for (int r = 0; r < rows; r++) {
          parseRow(header, cells, r * width, lines[r], r);
        }
      } catch (BadInputException e) {
        problem = e;
      }
    }

    @Override
    public BadInputException problem() {
      return problem;
    }

    private void parseRow(Header header, String[] cells, int from, long line, int row) {
      int[] roles = header.roles;
      for (int c = 0; c < roles.length; c++) {
        int role = roles[c];
        String text = cells[from + c];
        if (role >= S) {
          flows[row * F + role - S] = parseValue(header, text, line, c);
        } else if (role >= 0) {
          state[row * S + role] = parseValue(header, text, line, c);
        } else if (role == ROLE_FIRM_ID) {
          ids[row] = parseFirmId(header, text, line, c);
        } else {
          years[row] = parseYear(header, text, line, c);
        }
      }
    }
  }

  /** One read of one file. */
  private static final class Reading {
    private final Path file;
    private final CsvParser parser;
    private Header header;
    private long rowsSeen;

    Reading(Path file, CsvParser parser) {
      this.file = file;
      this.parser = parser;
    }

    Panel run() throws IOException {
      header = new Header(CsvInput.header(parser, file, SCHEMA));
      Header h = header;
      int width = h.width();
      List<Batch> done =
          BatchedCsvReader.read(
              file,
              width,
              MAX_WORKERS,
              "panel-csv-reader",
              (cells, from) -> {
                long line = BatchedCsvReader.nextCells(parser, file, cells, from, width);
                if (line >= 0 && ++rowsSeen > Panel.MAX_ROWS) {
                  throw BadInputException.at(
                      file, line, null, "too many rows: a panel holds at most " + Panel.MAX_ROWS);
                }
                return line;
              },
              (cells, lines, rows) -> new Batch(h, cells, lines, rows));
      return assemble(done);
    }

    private Panel assemble(List<Batch> done) {
      int size = 0;
      for (Batch b : done) {
        size += b.rows;
      }
      if (size == 0) {
        throw BadInputException.at(file, -1, null, "no data rows: the file has only a header");
      }
      long[] ids = new long[size];
      int[] years = new int[size];
      long[] lines = new long[size];
      double[] state = new double[size * S];
      double[] flows = new double[size * F];
      int at = 0;
      for (int i = 0; i < done.size(); i++) {
        Batch b = done.get(i);
        System.arraycopy(b.ids, 0, ids, at, b.rows);
        System.arraycopy(b.years, 0, years, at, b.rows);
        System.arraycopy(b.lines, 0, lines, at, b.rows);
        System.arraycopy(b.state, 0, state, at * S, b.rows * S);
        System.arraycopy(b.flows, 0, flows, at * F, b.rows * F);
        at += b.rows;
        done.set(i, null); // let the batch go
      }
      Panel.Links links = Panel.linkRows(ids, years);
      if (links.duplicate >= 0) {
        int r = links.duplicate;
        throw BadInputException.at(
            file,
            lines[r],
            YEAR,
            "duplicate row: firm "
                + ids[r]
                + ", year "
                + years[r]
                + " is also on line "
                + lines[links.duplicateOf]);
      }
      return Panel.owning(ids, years, state, flows, links);
    }
  }

  // ------------------------------------------------------------------ cells

  private static double parseValue(Header header, String text, long line, int column) {
    return CsvCells.value(header.file, line, header.names[column], text);
  }

  private static long parseFirmId(Header header, String text, long line, int column) {
    return CsvCells.firmId(header.file, line, header.names[column], text);
  }

  private static int parseYear(Header header, String text, long line, int column) {
    return CsvCells.year(header.file, line, header.names[column], text);
  }
}
