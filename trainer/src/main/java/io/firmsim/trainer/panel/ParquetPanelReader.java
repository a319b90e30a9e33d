package io.firmsim.trainer.panel;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads a firm-year panel from Apache Parquet, as {@code firmsim simulate --panel parquet} writes
 * it (the simulator's {@code ParquetPanelWriter}): {@code firm_id} INT64, {@code year} INT32 and
 * one DOUBLE column per {@link StateVariable} and {@link FlowVariable} (FLOAT in float32 mode).
 *
 * <p>Columns are found by name, in any order; columns of other names are ignored (and not even
 * decoded). A missing column is an error. {@code firm_id} may be INT64 or INT32, {@code year} INT32
 * or INT64 (within the int range), a value column DOUBLE or FLOAT (widened exactly to double, so a
 * float32 panel reads back as the floats it holds). Columns may be REQUIRED, as the simulator
 * writes them, or OPTIONAL, as pandas and pyarrow write them, but then must hold no nulls; a
 * repeated or nested column of a panel name is an error.
 *
 * <p>Guarantees of a returned {@link Panel} are those of {@link PanelCsvReader}: every value is
 * finite, firm ids are non-negative, no (firm, year) pair occurs twice and rows keep the order of
 * the file. Every problem is a {@link BadInputException} naming the file and, where these apply,
 * the row (the 1-based record number in the file) and the column.
 *
 * <p>The file is read with parquet-java's {@link ParquetFileReader} on a {@link LocalInputFile} (no
 * Hadoop file system, no HADOOP_HOME) and plain {@link ParquetReadOptions}, one row group at a time
 * and one column at a time straight into the primitive arrays, with no object per row or value.
 */
public final class ParquetPanelReader {
  /** Name of the firm id column. */
  public static final String FIRM_ID = PanelCsvReader.FIRM_ID;

  /** Name of the year column. */
  public static final String YEAR = PanelCsvReader.YEAR;

  private static final int S = Panel.S;
  private static final int F = Panel.F;

  private ParquetPanelReader() {}

  /**
   * Reads a panel file.
   *
   * @throws BadInputException if the file cannot be read, is not Parquet or breaks a rule of the
   *     class doc
   */
  public static Panel read(Path file) {
    Objects.requireNonNull(file, "file");
    if (!Files.exists(file)) {
      throw new BadInputException(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new BadInputException(file + ": is a directory, not a Parquet file");
    }
    ParquetReadOptions options = ParquetReadOptions.builder().build();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
      return new Reading(file, reader).run();
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file", e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read as Parquet: " + e.getMessage(), e);
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      // parquet-java reports corrupt files and pages with runtime exceptions of its own
      throw new BadInputException(file + ": cannot read as Parquet: " + e, e);
    }
  }

  /** The names of the columns a panel file must have, in the order the simulator writes them. */
  static List<String> expectedNames() {
    List<String> names = new ArrayList<>(2 + S + F);
    names.add(FIRM_ID);
    names.add(YEAR);
    for (StateVariable v : StateVariable.all()) {
      names.add(v.name());
    }
    for (FlowVariable f : FlowVariable.all()) {
      names.add(f.name());
    }
    return names;
  }

  /** The reading of one file. */
  private static final class Reading {
    final Path file;
    final ParquetFileReader reader;
    final MessageType projection;
    final ColumnDescriptor[] columns; // per expected name: firm_id, year, state..., flows...
    final String createdBy;

    Reading(Path file, ParquetFileReader reader) {
      this.file = file;
      this.reader = reader;
      MessageType schema = reader.getFileMetaData().getSchema();
      this.createdBy = reader.getFileMetaData().getCreatedBy();
      Map<String, Type> fields = new HashMap<>();
      for (Type t : schema.getFields()) {
        fields.putIfAbsent(t.getName(), t);
      }
      List<String> expected = expectedNames();
      List<String> missing = new ArrayList<>();
      List<Type> chosen = new ArrayList<>();
      for (String name : expected) {
        Type t = fields.get(name);
        if (t == null) {
          missing.add(name);
        } else {
          checkType(name, t);
          chosen.add(t);
        }
      }
      if (!missing.isEmpty()) {
        throw BadInputException.at(
            file,
            -1,
            missing.get(0),
            "missing column"
                + (missing.size() > 1 ? " (all missing: " + quoteAll(missing) + ")" : "")
                + "; a panel file has "
                + FIRM_ID
                + ", "
                + YEAR
                + ", the state columns and the flow columns");
      }
      projection = new MessageType(schema.getName(), chosen);
      columns = new ColumnDescriptor[expected.size()];
      for (int i = 0; i < expected.size(); i++) {
        columns[i] = projection.getColumnDescription(new String[] {expected.get(i)});
      }
      reader.setRequestedSchema(projection);
    }

    private void checkType(String name, Type t) {
      if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
        throw BadInputException.at(
            file, -1, name, "expected a required or optional primitive column, found " + t);
      }
      PrimitiveTypeName type = t.asPrimitiveType().getPrimitiveTypeName();
      boolean ok;
      String wanted;
      if (name.equals(FIRM_ID) || name.equals(YEAR)) {
        ok = type == PrimitiveTypeName.INT64 || type == PrimitiveTypeName.INT32;
        wanted = name.equals(FIRM_ID) ? "INT64 (or INT32)" : "INT32 (or INT64)";
      } else {
        ok = type == PrimitiveTypeName.DOUBLE || type == PrimitiveTypeName.FLOAT;
        wanted = "DOUBLE or FLOAT";
      }
      if (!ok) {
        throw BadInputException.at(file, -1, name, "expected " + wanted + ", found " + type);
      }
    }

    Panel run() throws IOException {
      long total = reader.getRecordCount();
      if (total == 0) {
        throw BadInputException.at(file, -1, null, "no data rows");
      }
      if (total > Panel.MAX_ROWS) {
        throw BadInputException.at(
            file,
            -1,
            null,
            "too many rows: " + total + "; a panel holds at most " + Panel.MAX_ROWS);
      }
      int size = (int) total;
      long[] ids = new long[size];
      int[] years = new int[size];
      double[] state = new double[size * S];
      double[] flows = new double[size * F];
      DummyRecordConverter converter = new DummyRecordConverter(projection);
      int at = 0;
      for (PageReadStore group = reader.readNextRowGroup();
          group != null;
          group = reader.readNextRowGroup()) {
        long count = group.getRowCount();
        if (count > size - at) {
          throw BadInputException.at(
              file,
              -1,
              null,
              "corrupt file: the row groups hold more rows than the footer's " + total);
        }
        int rows = (int) count;
        ColumnReadStoreImpl store =
            new ColumnReadStoreImpl(group, converter.getRootConverter(), projection, createdBy);
        readIds(store.getColumnReader(columns[0]), ids, at, rows);
        readYears(store.getColumnReader(columns[1]), years, at, rows);
        for (int i = 0; i < S; i++) {
          readValues(store.getColumnReader(columns[2 + i]), state, at, rows, i, S);
        }
        for (int i = 0; i < F; i++) {
          readValues(store.getColumnReader(columns[2 + S + i]), flows, at, rows, i, F);
        }
        at += rows;
      }
      if (at != size) {
        throw BadInputException.at(
            file,
            -1,
            null,
            "corrupt file: the row groups hold " + at + " rows, the footer says " + total);
      }
      Panel.Links links = Panel.linkRows(ids, years);
      if (links.duplicate >= 0) {
        int r = links.duplicate;
        throw BadInputException.at(
            file,
            r + 1L,
            YEAR,
            "duplicate row: firm "
                + ids[r]
                + ", year "
                + years[r]
                + " is also in row "
                + (links.duplicateOf + 1L));
      }
      return Panel.owning(ids, years, state, flows, links);
    }

    private void readIds(ColumnReader c, long[] out, int from, int rows) {
      boolean int64 = type(c) == PrimitiveTypeName.INT64;
      for (int r = 0; r < rows; r++) {
        present(c, from + r);
        long id = int64 ? c.getLong() : c.getInteger();
        c.consume();
        if (id < 0) {
          throw BadInputException.at(
              file,
              from + r + 1L,
              FIRM_ID,
              "a firm id must be a non-negative integer, found " + id);
        }
        out[from + r] = id;
      }
    }

    private void readYears(ColumnReader c, int[] out, int from, int rows) {
      boolean int64 = type(c) == PrimitiveTypeName.INT64;
      for (int r = 0; r < rows; r++) {
        present(c, from + r);
        long year = int64 ? c.getLong() : c.getInteger();
        c.consume();
        if (year != (int) year) {
          throw BadInputException.at(
              file, from + r + 1L, YEAR, "a year must fit an int, found " + year);
        }
        out[from + r] = (int) year;
      }
    }

    /** Reads column {@code index} of a row-major {@code [rows, width]} array. */
    private void readValues(
        ColumnReader c, double[] out, int from, int rows, int index, int width) {
      boolean float32 = type(c) == PrimitiveTypeName.FLOAT;
      int o = from * width + index;
      for (int r = 0; r < rows; r++, o += width) {
        present(c, from + r);
        double v = float32 ? c.getFloat() : c.getDouble();
        c.consume();
        if (!Double.isFinite(v)) {
          throw BadInputException.at(
              file, from + r + 1L, c.getDescriptor().getPath()[0], "non-finite value " + v);
        }
        out[o] = v;
      }
    }

    /** Checks that the current value of an optional column is not null. */
    private void present(ColumnReader c, int row) {
      ColumnDescriptor d = c.getDescriptor();
      if (d.getMaxDefinitionLevel() > 0
          && c.getCurrentDefinitionLevel() < d.getMaxDefinitionLevel()) {
        throw BadInputException.at(file, row + 1L, d.getPath()[0], "missing value (null)");
      }
    }

    private static PrimitiveTypeName type(ColumnReader c) {
      PrimitiveType t = c.getDescriptor().getPrimitiveType();
      return t.getPrimitiveTypeName();
    }
  }

  private static String quoteAll(List<String> names) {
    return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
  }
}
