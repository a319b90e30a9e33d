package io.firmsim.trainer.orchestrator.gates;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.input.BatchedCsvReader;
import io.firmsim.simulator.input.CsvCells;
import io.firmsim.simulator.input.CsvHeader;
import io.firmsim.simulator.input.CsvInput;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A firm-year panel as it was read, before any rule is applied: what the data-quality gates ({@link
 * QualityGates}) look at. Unlike {@link PanelCsvReader}, which refuses a file at its first problem,
 * a raw panel keeps a file with missing columns, empty or non-numeric cells, non-finite values, bad
 * firm ids or repeated firm-years, so that the gates can count every problem and name example rows.
 *
 * <p>Contents: the header; for each panel value column (every {@link StateVariable}, then every
 * {@link FlowVariable}, as in {@link Panel}) a {@code double} per row, {@code NaN} where the cell
 * is empty or not a number ({@code NaN} and infinities written as such are kept); firm ids and
 * years, with a flag for rows where either is not an integer (or the id is negative); and each
 * row's position in its source: the line number in a CSV file (the header is line 1; blank lines
 * are skipped but counted), or the 1-based row number of an in-memory panel. Columns the panel does
 * not know are ignored (listed in {@link #extraColumns()}). The header is read by the CSV input
 * layer ({@link CsvHeader}: a UTF-8 byte order mark is dropped) but its problems (missing and
 * repeated columns) are kept for the gates instead of refused; cells are parsed by {@link
 * CsvCells}, exactly as {@link PanelCsvReader} parses them.
 *
 * <p>Parquet panels, and panels simulated on the fly, come in as a {@link Panel} through {@link
 * #of}: every column is then present and every value finite, so the column and missing-value gates
 * pass trivially and the others apply as for a CSV file.
 *
 * <p>Memory: one {@code double} per value cell plus 17 bytes per row, about the size of the {@link
 * Panel} itself. Reading is multi-threaded like {@link PanelCsvReader}'s ({@link BatchedCsvReader}:
 * one thread splits the CSV, up to {@value #MAX_WORKERS} parse batches of rows). Immutable once
 * built; the arrays never leave the package.
 */
public final class RawPanel {
  /** The unit of row positions in a CSV file. */
  public static final String LINE = "line";

  /** The unit of row positions of an in-memory panel. */
  public static final String ROW = "row";

  static final int S = Panel.S;
  static final int F = Panel.F;
  static final int V = S + F;

  /** Names of the value columns in {@link Panel} order: state, then flows. */
  static final List<String> VALUE_NAMES;

  static {
    List<String> names = new ArrayList<>(V);
    StateVariable.all().forEach(v -> names.add(v.name()));
    FlowVariable.all().forEach(v -> names.add(v.name()));
    VALUE_NAMES = List.copyOf(names);
  }

  /** Most threads that parse rows beside the reading thread. */
  public static final int MAX_WORKERS = 4;

  /** A panel's columns; others are ignored (and listed), problems are kept for the gates. */
  private static final CsvHeader.Schema SCHEMA =
      CsvHeader.Schema.builder(
              "a panel file has "
                  + PanelCsvReader.FIRM_ID
                  + ", "
                  + PanelCsvReader.YEAR
                  + ", the state columns and the flow columns")
          .required(PanelCsvReader.columnNames())
          .allowUnknown()
          .build();

  final String source;
  final String rowUnit;
  final List<String> header;
  final List<String> missingColumns;
  final List<String> duplicateColumns;
  final List<String> extraColumns;
  final int rows;
  final long[] positions;
  final long[] firmIds;
  final int[] years;

  /** Per row: 0 if firm id and year are integers and the id non-negative; else bit 1 id, 2 year. */
  final byte[] keyProblems;

  /** Per value column (Panel order): one value per row; null if the column is missing. */
  final double[][] values;

  /** Rows whose cell count differs from the header's: how many, and the first positions. */
  final long ragged;

  final long[] raggedExamples;

  private RawPanel(Builder b) {
    this.source = b.source;
    this.rowUnit = b.rowUnit;
    this.header = List.copyOf(b.header);
    this.missingColumns = List.copyOf(b.missing);
    this.duplicateColumns = List.copyOf(b.duplicates);
    this.extraColumns = List.copyOf(b.extra);
    this.rows = b.rows;
    this.positions = Arrays.copyOf(b.positions, b.rows);
    this.firmIds = Arrays.copyOf(b.firmIds, b.rows);
    this.years = Arrays.copyOf(b.years, b.rows);
    this.keyProblems = Arrays.copyOf(b.keyProblems, b.rows);
    this.values = new double[V][];
    for (int c = 0; c < V; c++) {
      values[c] = b.values[c] == null ? null : Arrays.copyOf(b.values[c], b.rows);
    }
    this.ragged = b.ragged;
    this.raggedExamples = b.raggedExamples.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Reads a panel CSV file (the format of {@link PanelCsvReader}) without applying its rules.
   *
   * @throws BadInputException if the file cannot be read, is not UTF-8, is malformed CSV (e.g. an
   *     unclosed quote) or has no header line
   */
  public static RawPanel readCsv(Path file) {
    Objects.requireNonNull(file, "file");
    return CsvInput.read(
        file,
        parser -> {
          CsvHeader header = CsvInput.header(parser, file, SCHEMA);
          Builder b = new Builder(file.toString(), LINE);
          b.header.addAll(header.names());
          header.duplicates().forEach(d -> b.duplicates.add(d.name()));
          b.extra.addAll(header.unknown());
          b.missing.addAll(header.missing());
          int width = header.width();
          int[] role = new int[width]; // value column index, or -1 firm, -2 year, -3 ignored
          for (int c = 0; c < width; c++) {
            String name = header.name(c);
            role[c] = header.column(name) != c ? -3 : roleOf(name);
          }
          boolean[] present = new boolean[V];
          for (int c = 0; c < width; c++) {
            if (role[c] >= 0) {
              present[role[c]] = true;
            }
          }
          // a missing key column is a key problem of every row: bit 1 firm id, bit 2 year
          byte keys =
              (byte)
                  ((header.column(PanelCsvReader.FIRM_ID) < 0 ? 1 : 0)
                      | (header.column(PanelCsvReader.YEAR) < 0 ? 2 : 0));
          List<Batch> done =
              BatchedCsvReader.read(
                  file,
                  width,
                  MAX_WORKERS,
                  "raw-panel-reader",
                  (cells, from) -> {
                    long line = BatchedCsvReader.nextCells(parser, cells, from, width, b::ragged);
                    if (line >= 0 && b.rows++ >= Panel.MAX_ROWS) {
                      throw BadInputException.at(
                          file, line, null, "more than " + Panel.MAX_ROWS + " rows");
                    }
                    return line;
                  },
                  (cells, lines, rows) -> new Batch(role, keys, cells, lines, rows));
          b.fill(done, present);
          return new RawPanel(b);
        });
  }

  /** The role of a known column name: value column index, -1 firm id, -2 year, -3 ignored. */
  private static int roleOf(String name) {
    if (name.equals(PanelCsvReader.FIRM_ID)) {
      return -1;
    }
    if (name.equals(PanelCsvReader.YEAR)) {
      return -2;
    }
    return VALUE_NAMES.contains(name) ? VALUE_NAMES.indexOf(name) : -3;
  }

  /** The parsed cells of a batch of rows; problems are data here, never exceptions. */
  private static final class Batch implements BatchedCsvReader.Parsed {
    final int rows;
    final long[] lines;
    final long[] firmIds;
    final int[] years;
    final byte[] keyProblems;
    final double[] values; // column-major [V, rows]; NaN where a cell is missing

    Batch(int[] role, byte keys, String[] cells, long[] lines, int rows) {
      this.rows = rows;
      this.lines = lines;
      int width = role.length;
      firmIds = new long[rows];
      years = new int[rows];
      keyProblems = new byte[rows];
      values = new double[V * rows];
      Arrays.fill(values, Double.NaN);
      for (int r = 0; r < rows; r++) {
        byte problem = keys;
        int from = r * width;
        for (int c = 0; c < width; c++) {
          String text = cells[from + c];
          int k = role[c];
          if (k >= 0) {
            values[k * rows + r] = CsvCells.valueOrNaN(text);
          } else if (k == -1) {
            long id = CsvCells.integerOr(text, Long.MIN_VALUE);
            if (id == Long.MIN_VALUE) {
              problem |= 1; // not an integer (the id stays 0)
            } else {
              firmIds[r] = id;
              if (id < 0) {
                problem |= 1;
              }
            }
          } else if (k == -2) {
            long year = CsvCells.integerOr(text, Long.MIN_VALUE);
            if (year < Integer.MIN_VALUE || year > Integer.MAX_VALUE) {
              problem |= 2;
            } else {
              years[r] = (int) year;
            }
          }
        }
        keyProblems[r] = problem;
      }
    }

    @Override
    public BadInputException problem() {
      return null;
    }
  }

  /**
   * The raw view of a parsed panel (from a Parquet file, or simulated): every column present, every
   * value finite; rows numbered from 1.
   *
   * @param source how reports name the panel, e.g. its file
   */
  public static RawPanel of(Panel panel, String source) {
    Objects.requireNonNull(panel, "panel");
    Objects.requireNonNull(source, "source");
    Builder b = new Builder(source, ROW);
    b.header.add(PanelCsvReader.FIRM_ID);
    b.header.add(PanelCsvReader.YEAR);
    b.header.addAll(VALUE_NAMES);
    int n = panel.rows();
    b.capacity = Math.max(n, 1);
    b.positions = new long[b.capacity];
    b.firmIds = panel.firmIds();
    b.years = panel.years();
    b.keyProblems = new byte[b.capacity];
    double[] st = panel.state();
    double[] fl = panel.flows();
    for (int k = 0; k < V; k++) {
      double[] col = new double[b.capacity];
      for (int r = 0; r < n; r++) {
        col[r] = k < S ? st[r * S + k] : fl[r * F + k - S];
      }
      b.values[k] = col;
    }
    for (int r = 0; r < n; r++) {
      b.positions[r] = r + 1;
    }
    b.rows = n;
    return new RawPanel(b);
  }

  /** How reports name the panel. */
  public String source() {
    return source;
  }

  /** The unit of row positions: {@link #LINE} for a CSV file, {@link #ROW} otherwise. */
  public String rowUnit() {
    return rowUnit;
  }

  /** Number of data rows. */
  public int rows() {
    return rows;
  }

  /** The position of a row in its source (see {@link #rowUnit()}). */
  public long position(int row) {
    Objects.checkIndex(row, rows);
    return positions[row];
  }

  /** The column names of the header, as read (trimmed). */
  public List<String> header() {
    return header;
  }

  /** Columns a panel needs that the header lacks, in panel column order. */
  public List<String> missingColumns() {
    return missingColumns;
  }

  /** Header names that occur more than once (the first occurrence is the one read). */
  public List<String> duplicateColumns() {
    return duplicateColumns;
  }

  /** Header names no panel column has; their cells are ignored. */
  public List<String> extraColumns() {
    return extraColumns;
  }

  /** Whether a row has an integer firm id (non-negative) and an integer year. */
  boolean keysValid(int row) {
    return keyProblems[row] == 0;
  }

  /** Whether every value of a row is finite. */
  boolean complete(int row) {
    for (double[] col : values) {
      if (col == null || !Double.isFinite(col[row])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The panel of the rows a fit can use: those with valid keys and every value finite, in source
   * order. With {@code gates.maxMissingShare = 0} (the default) and passed gates, these are all
   * rows.
   *
   * @param rowsOut if not null, receives the raw row index of each panel row (its length must be at
   *     least {@link #rows()})
   * @throws IllegalStateException if a panel column is missing
   * @throws IllegalArgumentException if a (firm, year) pair repeats (see {@link Panel#of})
   */
  public Panel completePanel(int[] rowsOut) {
    if (!missingColumns.isEmpty()) {
      throw new IllegalStateException(source + ": missing columns " + missingColumns);
    }
    int n = 0;
    int[] keep = new int[rows];
    for (int r = 0; r < rows; r++) {
      if (keysValid(r) && complete(r)) {
        keep[n++] = r;
      }
    }
    long[] ids = new long[n];
    int[] yrs = new int[n];
    double[] st = new double[n * S];
    double[] fl = new double[n * F];
    for (int i = 0; i < n; i++) {
      int r = keep[i];
      ids[i] = firmIds[r];
      yrs[i] = years[r];
      for (int k = 0; k < S; k++) {
        st[i * S + k] = values[k][r];
      }
      for (int k = 0; k < F; k++) {
        fl[i * F + k] = values[S + k][r];
      }
    }
    if (rowsOut != null) {
      System.arraycopy(keep, 0, rowsOut, 0, n);
    }
    return Panel.of(ids, yrs, st, fl);
  }

  @Override
  public String toString() {
    return "RawPanel[" + source + ", " + rows + " rows]";
  }

  /** Growing arrays while reading. */
  private static final class Builder {
    final String source;
    final String rowUnit;
    final List<String> header = new ArrayList<>();
    final List<String> missing = new ArrayList<>();
    final List<String> duplicates = new ArrayList<>();
    final List<String> extra = new ArrayList<>();
    int capacity = 1024;
    int rows;
    long[] positions = new long[capacity];
    long[] firmIds = new long[capacity];
    int[] years = new int[capacity];
    byte[] keyProblems = new byte[capacity];
    final double[][] values = new double[V][];
    long ragged;
    final List<Long> raggedExamples = new ArrayList<>();

    Builder(String source, String rowUnit) {
      this.source = source;
      this.rowUnit = rowUnit;
    }

    /** Copies the batches of a CSV file, in file order, into the builder's arrays. */
    void fill(List<Batch> done, boolean[] present) {
      capacity = Math.max(rows, 1);
      positions = new long[capacity];
      firmIds = new long[capacity];
      years = new int[capacity];
      keyProblems = new byte[capacity];
      for (int k = 0; k < V; k++) {
        values[k] = present[k] ? new double[capacity] : null;
      }
      int at = 0;
      for (int i = 0; i < done.size(); i++) {
        Batch batch = done.get(i);
        int n = batch.rows;
        System.arraycopy(batch.lines, 0, positions, at, n);
        System.arraycopy(batch.firmIds, 0, firmIds, at, n);
        System.arraycopy(batch.years, 0, years, at, n);
        System.arraycopy(batch.keyProblems, 0, keyProblems, at, n);
        for (int k = 0; k < V; k++) {
          if (values[k] != null) {
            System.arraycopy(batch.values, k * n, values[k], at, n);
          }
        }
        at += n;
        done.set(i, null); // let the batch go
      }
    }

    void ragged(long position, int found) {
      ragged++;
      if (raggedExamples.size() < GateReport.MAX_EXAMPLES) {
        raggedExamples.add(position);
      }
    }
  }
}
