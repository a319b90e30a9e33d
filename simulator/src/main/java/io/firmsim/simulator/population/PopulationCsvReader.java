package io.firmsim.simulator.population;

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
 * misspelt state column is never silently dropped. An optional {@code weight} column gives each
 * firm a weight ({@link Population#weight(int)}: how many firms it stands for); without it every
 * firm weighs 1. The header follows the rules of {@link CsvHeader} (a UTF-8 byte order mark is
 * dropped, a repeated name is refused).
 *
 * <p>Guarantees of a returned population (MODEL.md section 1, tolerances for population files, with
 * {@code K = max(1, CA + MA + BU + OFA)} and {@code tol = }{@value #TOLERANCE}):
 *
 * <ul>
 *   <li>every value is a finite number, read exactly as {@link Double#parseDouble} reads it (so
 *       everything {@link Double#toString} and {@link Float#toString} write is accepted, and a
 *       value written with {@code Double.toString} reads back bit for bit);
 *   <li>a weight, where the file has a {@code weight} column, is finite and positive;
 *   <li>the indicators {@code FAAB}, {@code Public}, {@code ruralare} and {@code largcity} are 0 or
 *       1, and {@code marketw} is not negative;
 *   <li>every variable with {@link StateVariable#nonNegative()} is at least {@code -tol * K};
 *   <li>the balance identity {@code CA+MA+BU+OFA = CL+LL+ASD+OUR+SC+RR+URE+PF0+...+PF5} holds
 *       within {@code tol * K}; read with {@code rebalance} (what a float64 run needs, see {@link
 *       #read(Path, Integer, boolean)}) it holds to float64 rounding: a row whose gap is larger
 *       than {@value #REBALANCE_ABOVE}{@code * K} (a float32 panel read back, say) is
 *       <i>re-balanced</i>, the gap moved into {@code URE}, the one free equity item, and {@link
 *       Population#rebalanced()} counts these rows;
 *   <li>firm ids are non-negative integers, unique among the rows returned;
 *   <li>rows keep the order of the file.
 * </ul>
 *
 * <p>Every problem is reported as a {@link BadInputException} naming the file, the line (the header
 * is line 1) and the column where these apply. Of the problems within rows, the one reported is
 * always the first in the file, as a plain front-to-back read would find it; repeated firm ids are
 * looked for once all rows are read. Other values are taken as written: rounding traces within the
 * tolerance are kept, not clamped. Of a panel, only the selected rows are checked.
 *
 * <p>Speed (a million firms in seconds): the file is read once by the CSV input layer ({@link
 * CsvInput}, {@link BatchedCsvReader}: quoted cells follow RFC 4180; blank lines are skipped), with
 * no per-row objects besides the cell strings; the reading thread hands batches of rows to worker
 * threads (up to {@value #MAX_WORKERS}, fewer on small machines), which parse ({@link CsvCells})
 * and check them into primitive arrays.
 */
public final class PopulationCsvReader {
  /** The relative tolerance of the checks: MODEL.md section 1, population files. */
  public static final double TOLERANCE = 1e-6;

  /**
   * A row whose balance-identity gap is larger than this times {@code K} is re-balanced (class
   * doc): far above the rounding of float64 sums (about 1e-15), far below the tolerance of a
   * float64 run (1e-9).
   */
  public static final double REBALANCE_ABOVE = 1e-12;

  /** Name of the firm id column. */
  public static final String FIRM_ID = "firm_id";

  /** Name of the optional weight column. */
  public static final String WEIGHT = "weight";

  /** Name of the year column of panel files. */
  public static final String YEAR = "year";

  /** Most threads that parse rows beside the reading thread. */
  public static final int MAX_WORKERS = 4;

  /** The columns of a population file (and of a panel file read as one). */
  private static final CsvHeader.Schema SCHEMA =
      CsvHeader.Schema.builder(
              "a population file has "
                  + FIRM_ID
                  + " and the state columns (a panel file also has "
                  + YEAR
                  + " and the flow columns)")
          .required(FIRM_ID)
          .required(StateVariable.all().stream().map(StateVariable::name).toList())
          .optional(YEAR, WEIGHT)
          .ignored(FlowVariable.all().stream().map(FlowVariable::name).toList())
          .build();

  // roles of file columns other than state columns (a state column's role is its index >= 0)
  private static final int ROLE_FIRM_ID = -1;
  private static final int ROLE_YEAR = -2;
  private static final int ROLE_IGNORED = -3;
  private static final int ROLE_WEIGHT = -4;

  private static final int STATE_COUNT = StateVariable.count();
  private static final int[] NON_NEGATIVE = indices(StateVariable::nonNegative);
  private static final int[] ASSETS = indices(v -> v.kind() == StateVariable.Kind.ASSET);
  private static final int[] LIABILITIES = indices(v -> v.kind() == StateVariable.Kind.LIABILITY);
  private static final StateVariable[] INDICATORS = {
    StateVariable.FAAB, StateVariable.Public, StateVariable.ruralare, StateVariable.largcity
  };
  private static final int URE = StateVariable.URE.index();

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
   * Reads a population file, or one year of a panel file, with the values as written (no row is
   * re-balanced).
   *
   * @param file the CSV file
   * @param year with a {@code year} column: the year whose rows to read; may be null only if the
   *     file holds a single year. Without a {@code year} column it must be null.
   * @throws BadInputException if the file cannot be read, breaks a rule (class doc), or the year is
   *     missing, ambiguous, or not in the file
   */
  public static Population read(Path file, Integer year) {
    return read(file, year, false);
  }

  /**
   * Reads a population file, or one year of a panel file.
   *
   * <p>A float64 run checks the identity at {@code 1e-9 * K} from its first year, tighter than the
   * file tolerance, so it reads with {@code rebalance}: a row accepted at {@value #TOLERANCE} whose
   * gap is above float64 rounding gets the gap moved into {@code URE}. A float32 run reads without:
   * its own tolerance ({@code 1e-4}) covers the file's, and the values it continues from stay
   * exactly those written, so a float32 panel continues the run that wrote it bit for bit.
   *
   * @param file the CSV file
   * @param year as in {@link #read(Path, Integer)}
   * @param rebalance whether to re-balance rows (class doc); {@link Population#rebalanced()} counts
   *     them
   * @throws BadInputException if the file cannot be read, breaks a rule (class doc), or the year is
   *     missing, ambiguous, or not in the file
   */
  public static Population read(Path file, Integer year, boolean rebalance) {
    Objects.requireNonNull(file, "file");
    return CsvInput.read(file, parser -> new Reading(file, year, rebalance, parser).run());
  }

  /** The header of a file: what each column holds. Immutable once built. */
  private static final class Header {
    final Path file;
    final String[] names; // as in the header, trimmed
    final int[] roles; // per file column: state index, or ROLE_*
    final int yearColumn; // -1: none
    final int weightColumn; // -1: none

    Header(CsvHeader header) {
      header.check();
      this.file = header.file();
      int n = header.width();
      names = header.names().toArray(new String[0]);
      roles = new int[n];
      for (int c = 0; c < n; c++) {
        roles[c] = roleOf(names[c]);
      }
      yearColumn = header.column(YEAR);
      weightColumn = header.column(WEIGHT);
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
      if (name.equals(WEIGHT)) {
        return ROLE_WEIGHT;
      }
      return StateVariable.byName(name).map(StateVariable::index).orElse(ROLE_IGNORED);
    }
  }

  /** The parsed ids and values of a batch of rows, or the first problem among them. */
  private static final class Batch implements BatchedCsvReader.Parsed {
    final long[] lines;
    final int rows;
    final long[] ids;
    final double[] values; // row-major [rows, STATE_COUNT]
    final double[] weights; // null without a weight column
    int rebalanced;
    BadInputException problem;

    /** Parses and checks the rows in order, stopping at the first problem. */
    Batch(Header header, boolean rebalance, String[] cells, long[] lines, int rows) {
      this.lines = lines;
      this.rows = rows;
      ids = new long[rows];
      values = new double[rows * STATE_COUNT];
      weights = header.weightColumn >= 0 ? new double[rows] : null;
      int width = header.width();
      try {
        for (int r = 0; r < rows; r++) {
          parseRow(header, rebalance, cells, r * width, lines[r], r);
        }
      } catch (BadInputException e) {
        problem = e;
      }
    }

    @Override
    public BadInputException problem() {
      return problem;
    }

    private void parseRow(
        Header header, boolean rebalance, String[] cells, int from, long line, int row) {
      int base = row * STATE_COUNT;
      long id = -1;
      double weight = 1;
      int weightColumn = -1;
      int[] roles = header.roles;
      for (int c = 0; c < roles.length; c++) {
        int role = roles[c];
        if (role >= 0) {
          values[base + role] = parseValue(header, cells[from + c], line, c);
        } else if (role == ROLE_FIRM_ID) {
          id = parseFirmId(header, cells[from + c], line, c);
        } else if (role == ROLE_WEIGHT) {
          weight = parseValue(header, cells[from + c], line, c);
          weightColumn = c;
        }
      }
      if (weightColumn >= 0) {
        if (!(weight > 0)) {
          throw BadInputException.at(
              header.file,
              line,
              header.names[weightColumn],
              "a weight must be positive, found " + weight + " (firm " + id + ")");
        }
        weights[row] = weight;
      }
      if (checkRow(header.file, values, base, id, line, rebalance)) {
        rebalanced++;
      }
      ids[row] = id;
    }
  }

  /** One read of one file. */
  private static final class Reading {
    private final Path file;
    private final Integer year;
    private final boolean rebalance;
    private final CsvParser parser;
    private Header header;
    private final TreeSet<Integer> yearsSeen = new TreeSet<>();
    private int lastYear; // of the last row, once yearsSeen is not empty
    private boolean tooManyYears; // year == null and a second year was found

    Reading(Path file, Integer year, boolean rebalance, CsvParser parser) {
      this.file = file;
      this.year = year;
      this.rebalance = rebalance;
      this.parser = parser;
    }

    Population run() throws IOException {
      CsvHeader read = CsvInput.header(parser, file, SCHEMA);
      long headerLine = read.line();
      header = new Header(read);
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
              (cells, lines, rows) -> new Batch(h, rebalance, cells, lines, rows));
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
      int rebalanced = 0;
      for (Batch b : done) {
        size += b.rows;
        rebalanced += b.rebalanced;
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
      double[] weights = header.weightColumn >= 0 ? new double[size] : null;
      int at = 0;
      for (int i = 0; i < done.size(); i++) {
        Batch b = done.get(i);
        System.arraycopy(b.ids, 0, ids, at, b.rows);
        System.arraycopy(b.lines, 0, lines, at, b.rows);
        if (weights != null) {
          System.arraycopy(b.weights, 0, weights, at, b.rows);
        }
        System.arraycopy(b.values, 0, values, at * STATE_COUNT, b.rows * STATE_COUNT);
        at += b.rows;
        done.set(i, null); // let the batch go
      }
      checkUniqueIds(ids, lines);
      return new Population(ids, values, weights, rebalanced);
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
      return CsvCells.year(file, line, YEAR, text);
    }
  }

  /**
   * The domain, sign and balance-identity checks of one row (class doc); with {@code rebalance},
   * re-balances the row if its gap is above float64 rounding.
   *
   * @return whether the row was re-balanced
   */
  private static boolean checkRow(
      Path file, double[] values, int base, long id, long line, boolean rebalance) {
    for (StateVariable v : INDICATORS) {
      double x = values[base + v.index()];
      if (x != 0.0 && x != 1.0) {
        throw BadInputException.at(
            file, line, v.name(), "an indicator must be 0 or 1, found " + x + " (firm " + id + ")");
      }
    }
    double marketw = values[base + StateVariable.marketw.index()];
    if (marketw < 0) {
      throw BadInputException.at(
          file,
          line,
          StateVariable.marketw.name(),
          "a market weight must not be negative, found " + marketw + " (firm " + id + ")");
    }
    double assets = assets(values, base);
    double liabilities = liabilities(values, base);
    double scale = Math.max(1.0, assets);
    double allowed = TOLERANCE * scale;
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
    if (!rebalance || Math.abs(gap) <= REBALANCE_ABOVE * scale) {
      return false;
    }
    values[base + URE] += gap;
    return true;
  }

  private static double assets(double[] values, int base) {
    double assets = 0;
    for (int i : ASSETS) {
      assets += values[base + i];
    }
    return assets;
  }

  /** In the order of MODEL.md: CL + LL + ... + PF5. */
  private static double liabilities(double[] values, int base) {
    double liabilities = 0;
    for (int i : LIABILITIES) {
      liabilities += values[base + i];
    }
    return liabilities;
  }

  private static double parseValue(Header header, String text, long line, int column) {
    return CsvCells.value(header.file, line, header.names[column], text);
  }

  private static long parseFirmId(Header header, String text, long line, int column) {
    return CsvCells.firmId(header.file, line, header.names[column], text);
  }

  private static int[] indices(Predicate<StateVariable> which) {
    return StateVariable.all().stream().filter(which).mapToInt(StateVariable::index).toArray();
  }
}
