package io.firmsim.trainer.orchestrator.gates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
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
 * not know are ignored (listed in {@link #extraColumns()}).
 *
 * <p>Parquet panels, and panels simulated on the fly, come in as a {@link Panel} through {@link
 * #of}: every column is then present and every value finite, so the column and missing-value gates
 * pass trivially and the others apply as for a CSV file.
 *
 * <p>Memory: one {@code double} per value cell plus 17 bytes per row, about the size of the {@link
 * Panel} itself. Reading is single-threaded (a few seconds per million rows). Immutable once built;
 * the arrays never leave the package.
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

  private static final CsvFactory FACTORY = CsvFactory.builder().build();

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
    try (InputStream in = Files.newInputStream(file);
        CsvParser parser = FACTORY.createParser(in)) {
      return readCsv(file, parser);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file", e);
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw BadInputException.at(file, line, null, "malformed CSV: " + e.getOriginalMessage());
    } catch (CharacterCodingException e) {
      throw new BadInputException(file + ": not UTF-8 text (" + e + ")", e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e, e);
    }
  }

  private static RawPanel readCsv(Path file, CsvParser parser) throws IOException {
    List<String> cells = new ArrayList<>();
    long headerLine = nextRow(parser, cells);
    if (headerLine < 0) {
      throw BadInputException.at(file, 1, null, "empty file: expected a header line");
    }
    Builder b = new Builder(file.toString(), LINE);
    int width = cells.size();
    int firmColumn = -1;
    int yearColumn = -1;
    int[] role = new int[width]; // value column index, or -1 firm, -2 year, -3 ignored
    Map<String, Integer> seen = new HashMap<>();
    for (int c = 0; c < width; c++) {
      String name = cells.get(c).strip();
      if (c == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1).strip();
      }
      b.header.add(name);
      role[c] = -3;
      if (seen.putIfAbsent(name, c) != null) {
        if (!b.duplicates.contains(name)) {
          b.duplicates.add(name);
        }
        continue;
      }
      int k = VALUE_NAMES.indexOf(name);
      if (name.equals(PanelCsvReader.FIRM_ID)) {
        role[c] = -1;
        firmColumn = c;
      } else if (name.equals(PanelCsvReader.YEAR)) {
        role[c] = -2;
        yearColumn = c;
      } else if (k >= 0) {
        role[c] = k;
      } else {
        b.extra.add(name);
      }
    }
    if (firmColumn < 0) {
      b.missing.add(PanelCsvReader.FIRM_ID);
    }
    if (yearColumn < 0) {
      b.missing.add(PanelCsvReader.YEAR);
    }
    for (int k = 0; k < V; k++) {
      if (seen.containsKey(VALUE_NAMES.get(k))) {
        b.values[k] = new double[b.capacity];
      } else {
        b.missing.add(VALUE_NAMES.get(k));
      }
    }
    long line;
    while ((line = nextRow(parser, cells)) >= 0) {
      int r = b.addRow(line);
      if (cells.size() != width) {
        b.ragged(line);
      }
      byte problem = 0;
      if (firmColumn < 0 || firmColumn >= cells.size()) {
        problem |= 1;
      }
      if (yearColumn < 0 || yearColumn >= cells.size()) {
        problem |= 2;
      }
      for (int k = 0; k < V; k++) {
        if (b.values[k] != null) {
          b.values[k][r] = Double.NaN;
        }
      }
      int n = Math.min(width, cells.size());
      for (int c = 0; c < n; c++) {
        String text = cells.get(c).strip();
        if (role[c] >= 0) {
          b.values[role[c]][r] = parse(text);
        } else if (role[c] == -1) {
          try {
            b.firmIds[r] = Long.parseLong(text);
            if (b.firmIds[r] < 0) {
              problem |= 1;
            }
          } catch (NumberFormatException e) {
            problem |= 1;
          }
        } else if (role[c] == -2) {
          try {
            b.years[r] = Integer.parseInt(text);
          } catch (NumberFormatException e) {
            problem |= 2;
          }
        }
      }
      b.keyProblems[r] = problem;
    }
    return new RawPanel(b);
  }

  /** A cell as a number: NaN when empty or not a number. */
  private static double parse(String text) {
    if (text.isEmpty()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Reads the next non-blank row's cells; returns its line, or -1 at the end of the file. */
  private static long nextRow(CsvParser parser, List<String> cells) throws IOException {
    while (true) {
      cells.clear();
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return -1;
      }
      long line = -1;
      for (JsonToken t = parser.nextToken(); t == JsonToken.VALUE_STRING; t = parser.nextToken()) {
        if (cells.isEmpty()) {
          line = parser.currentTokenLocation().getLineNr();
        }
        cells.add(parser.getText());
      }
      if (cells.size() == 1 && cells.get(0).isBlank()) {
        continue; // a blank line
      }
      if (cells.isEmpty()) {
        continue;
      }
      return line;
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

    int addRow(long position) {
      if (rows == capacity) {
        if (capacity >= Panel.MAX_ROWS) {
          throw new BadInputException(source + ": more than " + Panel.MAX_ROWS + " rows");
        }
        capacity = (int) Math.min(Panel.MAX_ROWS, 2L * capacity);
        positions = Arrays.copyOf(positions, capacity);
        firmIds = Arrays.copyOf(firmIds, capacity);
        years = Arrays.copyOf(years, capacity);
        keyProblems = Arrays.copyOf(keyProblems, capacity);
        for (int k = 0; k < V; k++) {
          if (values[k] != null) {
            values[k] = Arrays.copyOf(values[k], capacity);
          }
        }
      }
      positions[rows] = position;
      return rows++;
    }

    void ragged(long position) {
      ragged++;
      if (raggedExamples.size() < GateReport.MAX_EXAMPLES) {
        raggedExamples.add(position);
      }
    }
  }
}
