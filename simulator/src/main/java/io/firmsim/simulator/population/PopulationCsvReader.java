package io.firmsim.simulator.population;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.BatchedCsvReader;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Reads a population of firms from a CSV file: one row per firm, a {@code firm_id} column and one
 * column per {@link StateVariable} (named by {@link StateVariable#name()}, in any order).
 *
 * <p>A panel file written by the simulator can be read too: it has the extra columns {@code year}
 * and one per {@link FlowVariable}. The flow columns are ignored; the {@code year} column selects
 * the rows of one year (see {@link #read(Path, Integer)}). Any other column is an error, so a
 * misspelt state column is never silently dropped.
 *
 * <p>Guarantees of a returned population (MODEL.md section 1, tolerances for population files, with
 * {@code K = max(1, CA + MA + BU + OFA)} and {@code tol = }{@value #TOLERANCE}):
 *
 * <ul>
 *   <li>every value is a finite number, read exactly as {@link Double#parseDouble} reads it (so
 *       everything {@link Double#toString} and {@link Float#toString} write is accepted, and a
 *       value written with {@code Double.toString} reads back bit for bit);
 *   <li>every variable with {@link StateVariable#nonNegative()} is at least {@code -tol * K};
 *   <li>the balance identity {@code CA+MA+BU+OFA = CL+LL+ASD+OUR+SC+RR+URE+PF0+...+PF5} holds
 *       within {@code tol * K};
 *   <li>firm ids are non-negative integers, unique among the rows returned;
 *   <li>rows keep the order of the file.
 * </ul>
 *
 * <p>Every problem is reported as a {@link BadInputException} naming the file, the line (the header
 * is line 1) and the column where these apply. Of the problems within rows, the one reported is
 * always the first in the file, as a plain front-to-back read would find it; repeated firm ids are
 * looked for once all rows are read. Values are taken as written: rounding traces within the
 * tolerance are kept, not clamped. Of a panel, only the selected rows are checked.
 *
 * <p>Speed (a million firms in seconds): the file is read once, as a stream of cells from Jackson's
 * {@link CsvParser} (quoted cells follow RFC 4180; blank lines are skipped), with no per-row
 * objects besides the cell strings. Turning text into numbers and checking rows costs as much as
 * tokenizing, so the reading thread hands batches of rows to worker threads (up to {@value
 * #MAX_WORKERS}, fewer on small machines), which parse and check them into primitive arrays;
 * numbers in the plain forms that {@code Double.toString} writes take an exact fast path.
 */
public final class PopulationCsvReader {
  /** The relative tolerance of the checks: MODEL.md section 1, population files. */
  public static final double TOLERANCE = 1e-6;

  /** Name of the firm id column. */
  public static final String FIRM_ID = "firm_id";

  /** Name of the year column of panel files. */
  public static final String YEAR = "year";

  /** Most threads that parse rows beside the reading thread. */
  public static final int MAX_WORKERS = 4;

  private static final CsvFactory FACTORY = CsvFactory.builder().build();

  // roles of file columns other than state columns (a state column's role is its index >= 0)
  private static final int ROLE_FIRM_ID = -1;
  private static final int ROLE_YEAR = -2;
  private static final int ROLE_IGNORED = -3;

  private static final int STATE_COUNT = StateVariable.count();
  private static final int[] NON_NEGATIVE = indices(StateVariable::nonNegative);
  private static final int[] ASSETS = indices(v -> v.kind() == StateVariable.Kind.ASSET);
  private static final int[] LIABILITIES = indices(v -> v.kind() == StateVariable.Kind.LIABILITY);

  private PopulationCsvReader() {}

  /**
   * Reads a population file, or a panel file that holds a single year.
   *
   * @throws BadInputException if the file cannot be read or breaks a rule (class doc)
   */
  public static Population read(Path file) {
    return read(file, null);
  }

  /**
   * Reads a population file, or one year of a panel file.
   *
   * @param file the CSV file
   * @param year with a {@code year} column: the year whose rows to read; may be null only if the
   *     file holds a single year. Without a {@code year} column it must be null.
   * @throws BadInputException if the file cannot be read, breaks a rule (class doc), or the year is
   *     missing, ambiguous, or not in the file
   */
  public static Population read(Path file, Integer year) {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file);
        CsvParser parser = FACTORY.createParser(in)) {
      return new Reading(file, year, parser).run();
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file", e);
    } catch (IOException e) {
      throw ioProblem(file, e);
    }
  }

  private static BadInputException ioProblem(Path file, IOException e) {
    if (e instanceof JsonProcessingException) {
      JsonProcessingException j = (JsonProcessingException) e;
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
    final long line;
    final String[] names; // as in the header, trimmed
    final int[] roles; // per file column: state index, or ROLE_*
    final int yearColumn; // -1: none

    Header(Path file, long line, List<String> cells) {
      this.file = file;
      this.line = line;
      int n = cells.size();
      names = new String[n];
      roles = new int[n];
      int year = -1;
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
        roles[c] = roleOf(name);
        if (roles[c] == ROLE_YEAR) {
          year = c;
        } else if (roles[c] == ROLE_IGNORED && !isFlowName(name)) {
          unknown.add(name);
        }
      }
      yearColumn = year;
      if (!unknown.isEmpty()) {
        throw BadInputException.at(
            file,
            line,
            unknown.get(0),
            "unknown column"
                + (unknown.size() > 1 ? " (all unknown: " + quoteAll(unknown) + ")" : "")
                + "; a population file has "
                + FIRM_ID
                + " and the state columns"
                + " (a panel file also has "
                + YEAR
                + " and the flow columns)");
      }
      List<String> missing = new ArrayList<>();
      if (!position.containsKey(FIRM_ID)) {
        missing.add(FIRM_ID);
      }
      for (StateVariable v : StateVariable.all()) {
        if (!position.containsKey(v.name())) {
          missing.add(v.name());
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
    }

    int width() {
      return names.length;
    }

    private static int roleOf(String name) {
      if (name.equals(FIRM_ID)) {
        return ROLE_FIRM_ID;
      }
      if (name.equals(YEAR)) {
        return ROLE_YEAR;
      }
      return StateVariable.byName(name).map(StateVariable::index).orElse(ROLE_IGNORED);
    }

    private static boolean isFlowName(String name) {
      return FlowVariable.all().stream().anyMatch(f -> f.name().equals(name));
    }
  }

  /** The parsed ids and values of a batch of rows, or the first problem among them. */
  private static final class Batch implements BatchedCsvReader.Parsed {
    final long[] lines;
    final int rows;
    final long[] ids;
    final double[] values; // row-major [rows, STATE_COUNT]
    BadInputException problem;

    /** Parses and checks the rows in order, stopping at the first problem. */
    Batch(Header header, String[] cells, long[] lines, int rows) {
      this.lines = lines;
      this.rows = rows;
      ids = new long[rows];
      values = new double[rows * STATE_COUNT];
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
      int base = row * STATE_COUNT;
      long id = -1;
      int[] roles = header.roles;
      for (int c = 0; c < roles.length; c++) {
        int role = roles[c];
        if (role >= 0) {
          values[base + role] = parseValue(header, cells[from + c], line, c);
        } else if (role == ROLE_FIRM_ID) {
          id = parseFirmId(header, cells[from + c], line, c);
        }
      }
      checkRow(header.file, values, base, id, line);
      ids[row] = id;
    }
  }

  /** One read of one file. */
  private static final class Reading {
    private final Path file;
    private final Integer year;
    private final CsvParser parser;
    private Header header;
    private final TreeSet<Integer> yearsSeen = new TreeSet<>();
    private int lastYear; // of the last row, once yearsSeen is not empty
    private boolean tooManyYears; // year == null and a second year was found

    Reading(Path file, Integer year, CsvParser parser) {
      this.file = file;
      this.year = year;
      this.parser = parser;
    }

    Population run() throws IOException {
      List<String> first = new ArrayList<>();
      long headerLine = nextRow(first);
      if (headerLine < 0) {
        throw BadInputException.at(
            file,
            -1,
            null,
            "empty file: expected a header line with " + FIRM_ID + " and the state columns");
      }
      header = new Header(file, headerLine, first);
      if (year != null && header.yearColumn < 0) {
        throw BadInputException.at(
            file,
            headerLine,
            null,
            "year "
                + year
                + " was asked for, but the file has no '"
                + YEAR
                + "' column (only a panel file has one)");
      }
      Header h = header;
      List<Batch> done =
          BatchedCsvReader.read(
              file,
              h.width(),
              MAX_WORKERS,
              "population-csv-reader",
              this::nextWantedRow,
              (cells, lines, rows) -> new Batch(h, cells, lines, rows));
      if (tooManyYears) {
        throw BadInputException.at(
            file,
            -1,
            YEAR,
            "the file holds "
                + yearsSeen.size()
                + " years ("
                + yearList()
                + "): choose one with the year argument");
      }
      return assemble(done);
    }

    /**
     * Tokenizes rows into {@code cells[from ..]} until one is wanted: of the selected year, if the
     * file has years (noting every year seen on the way).
     *
     * @return the line of the wanted row, or -1 at the end of the file
     */
    private long nextWantedRow(String[] cells, int from) throws IOException {
      int width = header.width();
      long line;
      while ((line = BatchedCsvReader.nextCells(parser, file, cells, from, width)) >= 0) {
        if (header.yearColumn < 0) {
          return line;
        }
        int rowYear = parseYear(cells[from + header.yearColumn], line);
        if (yearsSeen.isEmpty() || rowYear != lastYear) {
          yearsSeen.add(rowYear);
          lastYear = rowYear;
        }
        if (year == null ? yearsSeen.size() == 1 : rowYear == year) {
          return line;
        }
        tooManyYears |= year == null; // then only the years are still of interest
      }
      return -1;
    }

    private Population assemble(List<Batch> done) {
      int size = 0;
      for (Batch b : done) {
        size += b.rows;
      }
      if (size == 0) {
        if (year != null && !yearsSeen.isEmpty()) {
          throw BadInputException.at(
              file, -1, YEAR, "no rows of year " + year + "; the file has " + yearList());
        }
        throw BadInputException.at(
            file,
            -1,
            null,
            year != null
                ? "no rows of year " + year + ": no data rows at all"
                : "no data rows: the file has only a header");
      }
      long[] ids = new long[size];
      long[] lines = new long[size];
      double[] values = new double[size * STATE_COUNT];
      int at = 0;
      for (int i = 0; i < done.size(); i++) {
        Batch b = done.get(i);
        System.arraycopy(b.ids, 0, ids, at, b.rows);
        System.arraycopy(b.lines, 0, lines, at, b.rows);
        System.arraycopy(b.values, 0, values, at * STATE_COUNT, b.rows * STATE_COUNT);
        at += b.rows;
        done.set(i, null); // let the batch go
      }
      checkUniqueIds(ids, lines);
      return new Population(ids, values);
    }

    private void checkUniqueIds(long[] ids, long[] lines) {
      long[] sorted = ids.clone();
      Arrays.sort(sorted);
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i] == sorted[i - 1]) {
          // the first repeated id in file order: the earliest row whose id came before
          Map<Long, Long> seen = new HashMap<>();
          for (int r = 0; r < ids.length; r++) {
            Long before = seen.putIfAbsent(ids[r], lines[r]);
            if (before != null) {
              throw BadInputException.at(
                  file,
                  lines[r],
                  FIRM_ID,
                  "duplicate firm id "
                      + ids[r]
                      + ": also on line "
                      + before
                      + (year != null ? " (both of year " + year + ")" : ""));
            }
          }
        }
      }
    }

    private String yearList() {
      return yearsSeen.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private int parseYear(String text, long line) {
      if (text.isBlank()) {
        throw BadInputException.at(file, line, YEAR, "missing value");
      }
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw BadInputException.at(
            file, line, YEAR, "a year must be an integer, found '" + shown(text) + "'");
      }
    }

    /** Reads the next non-blank row into {@code out}; its line number, or -1 at the end. */
    private long nextRow(List<String> out) throws IOException {
      return io.firmsim.simulator.input.CsvRows.nextRow(parser, out);
    }
  }

  /** The sign and balance-identity checks of one row (class doc). */
  private static void checkRow(Path file, double[] values, int base, long id, long line) {
    double assets = 0;
    for (int i : ASSETS) {
      assets += values[base + i];
    }
    double liabilities = 0; // in the order of MODEL.md: CL + LL + ... + PF5
    for (int i : LIABILITIES) {
      liabilities += values[base + i];
    }
    double allowed = TOLERANCE * Math.max(1.0, assets);
    for (int i : NON_NEGATIVE) {
      double v = values[base + i];
      if (v < -allowed) {
        String name = StateVariable.at(i).name();
        throw BadInputException.at(
            file,
            line,
            name,
            "negative "
                + name
                + " = "
                + v
                + " (firm "
                + id
                + "; allowed down to "
                + (-allowed)
                + ", i.e. -"
                + TOLERANCE
                + " x total assets)");
      }
    }
    double gap = assets - liabilities;
    if (!(Math.abs(gap) <= allowed)) {
      throw BadInputException.at(
          file,
          line,
          null,
          "balance identity does not hold: assets "
              + assets
              + ", liabilities "
              + liabilities
              + ", gap "
              + gap
              + " (firm "
              + id
              + "; allowed "
              + allowed
              + ", i.e. "
              + TOLERANCE
              + " x total assets; assets = CA+MA+BU+OFA,"
              + " liabilities = CL+LL+ASD+OUR+SC+RR+URE+PF0+...+PF5)");
    }
  }

  private static double parseValue(Header header, String text, long line, int column) {
    return io.firmsim.simulator.input.CsvCells.value(header.file, line, header.names[column], text);
  }

  private static long parseFirmId(Header header, String text, long line, int column) {
    return io.firmsim.simulator.input.CsvCells.firmId(
        header.file, line, header.names[column], text);
  }

  /** {@link Double#parseDouble}, bit for bit, but fast: see {@link DecimalParser}. */
  static double parseDouble(String text) {
    return io.firmsim.simulator.input.DecimalParser.parseDouble(text);
  }

  private static int[] indices(Predicate<StateVariable> which) {
    return StateVariable.all().stream().filter(which).mapToInt(StateVariable::index).toArray();
  }

  private static String quoteAll(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }

  private static String shown(String text) {
    return io.firmsim.simulator.input.CsvCells.shown(text);
  }
}
