package io.firmsim.trainer.panel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.BatchedCsvReader;
import io.firmsim.simulator.input.CsvRows;
import io.firmsim.simulator.input.DecimalParser;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads a firm-year panel from CSV, as {@code firmsim simulate --panel csv} writes it: a header
 * line, then one line per firm and year. The header must name {@code firm_id}, {@code year}, every
 * {@link StateVariable} and every {@link FlowVariable} (in any order, each once) and nothing else:
 * a missing column or an extra one is an error, so a misspelt column is never silently dropped or
 * taken as zero.
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
 * <p>Speed (a million rows of 65 columns in a few seconds): the file is read once, as a stream of
 * cells from Jackson's {@link CsvParser} (quoted cells follow RFC 4180, so a header exported with
 * quotes is fine; blank lines are skipped); the reading thread hands batches of rows to worker
 * threads (up to {@value #MAX_WORKERS}, fewer on small machines) that parse them into primitive
 * arrays, with an exact fast path for the numbers {@code Double.toString} writes.
 */
public final class PanelCsvReader {
  /** Name of the firm id column. */
  public static final String FIRM_ID = "firm_id";

  /** Name of the year column. */
  public static final String YEAR = "year";

  /** Most threads that parse rows beside the reading thread. */
  public static final int MAX_WORKERS = 4;

  private static final CsvFactory FACTORY = CsvFactory.builder().build();

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
    try (InputStream in = Files.newInputStream(file);
        CsvParser parser = FACTORY.createParser(in)) {
      return new Reading(file, parser).run();
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file", e);
    } catch (IOException e) {
      throw ioProblem(file, e);
    }
  }

  private static BadInputException ioProblem(Path file, IOException e) {
    if (e instanceof JsonProcessingException j) {
      long line = j.getLocation() == null ? -1 : j.getLocation().getLineNr();
      return BadInputException.at(file, line, null, "malformed CSV: " + j.getOriginalMessage());
    }
    if (e instanceof CharacterCodingException) {
      return new BadInputException(file + ": not UTF-8 text (" + e + ")", e);
    }
    return new BadInputException(file + ": cannot read: " + e, e);
  }

  /** The header of a file: what each column holds. Immutable once built. */
  private static final class Header {
    final Path file;
    final String[] names; // as in the header, trimmed
    final int[] roles; // per file column
    final int yearColumn;

    Header(Path file, long line, List<String> cells) {
      this.file = file;
      int n = cells.size();
      names = new String[n];
      roles = new int[n];
      Map<String, Integer> position = new HashMap<>();
      List<String> unknown = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        String name = cells.get(c).trim();
        if (c == 0 && name.startsWith("\uFEFF")) {
          name = name.substring(1).trim();
        }
        names[c] = name;
        if (name.isEmpty()) {
          throw BadInputException.at(
              file, line, null, "empty column name (column " + (c + 1) + " of the header)");
        }
        Integer before = position.put(name, c);
        if (before != null) {
          throw BadInputException.at(
              file,
              line,
              name,
              "duplicate column: columns "
                  + (before + 1)
                  + " and "
                  + (c + 1)
                  + " of the header have the same name");
        }
        Integer role = roleOf(name);
        if (role == null) {
          unknown.add(name);
        } else {
          roles[c] = role;
        }
      }
      if (!unknown.isEmpty()) {
        throw BadInputException.at(
            file,
            line,
            unknown.get(0),
            "unknown column"
                + (unknown.size() > 1 ? " (all unknown: " + quoteAll(unknown) + ")" : "")
                + "; a panel file has "
                + FIRM_ID
                + ", "
                + YEAR
                + ", the state columns and the flow columns");
      }
      List<String> missing = new ArrayList<>();
      for (String name : expectedNames()) {
        if (!position.containsKey(name)) {
          missing.add(name);
        }
      }
      if (!missing.isEmpty()) {
        throw BadInputException.at(
            file,
            line,
            missing.get(0),
            "missing column"
                + (missing.size() > 1 ? " (all missing: " + quoteAll(missing) + ")" : ""));
      }
      yearColumn = position.get(YEAR);
    }

    int width() {
      return names.length;
    }

    /** The role of a column name, null if no panel column has it. */
    private static Integer roleOf(String name) {
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
      return null;
    }

    private static List<String> expectedNames() {
      List<String> names = new ArrayList<>();
      names.add(FIRM_ID);
      names.add(YEAR);
      StateVariable.all().forEach(v -> names.add(v.name()));
      FlowVariable.all().forEach(v -> names.add(v.name()));
      return names;
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
      List<String> first = new ArrayList<>();
      long headerLine = CsvRows.nextRow(parser, first);
      if (headerLine < 0) {
        throw BadInputException.at(
            file,
            -1,
            null,
            "empty file: expected a header line with "
                + FIRM_ID
                + ", "
                + YEAR
                + ", the state columns and the flow columns");
      }
      header = new Header(file, headerLine, first);
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
    return io.firmsim.simulator.input.CsvCells.value(header.file, line, header.names[column], text);
  }

  private static long parseFirmId(Header header, String text, long line, int column) {
    return io.firmsim.simulator.input.CsvCells.firmId(
        header.file, line, header.names[column], text);
  }

  private static int parseYear(Header header, String text, long line, int column) {
    if (text.isBlank()) {
      throw BadInputException.at(header.file, line, header.names[column], "missing value");
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw BadInputException.at(
          header.file,
          line,
          header.names[column],
          "a year must be an integer, found '" + shown(text) + "'");
    }
  }

  /** {@link Double#parseDouble}, bit for bit, but fast: see {@link DecimalParser}. */
  static double parseDouble(String text) {
    return DecimalParser.parseDouble(text);
  }

  private static String quoteAll(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }

  private static String shown(String text) {
    return io.firmsim.simulator.input.CsvCells.shown(text);
  }
}
