package io.firmsim.simulator.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanelWriterTest {
  private static final int S = StateVariable.count();
  private static final int F = FlowVariable.count();

  /** Doubles that are easy to print or parse wrongly. */
  private static final double[] AWKWARD = {
    0.1,
    1e-300,
    -5e-11,
    1.2345678901234567e17,
    0.0,
    -0.0,
    1.0,
    -1.0,
    100000.0,
    9999999.0,
    1e7,
    -1e7,
    2e-3,
    1.0 / 3.0,
    Math.PI,
    -Math.E,
    Double.MIN_VALUE,
    Double.MIN_NORMAL,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    4.35,
    0.30000000000000004,
    123456789.123,
    9007199254740993.0,
    Long.MAX_VALUE,
    Float.MAX_VALUE,
    Float.MIN_VALUE,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    1e23,
    2.2250738585072014E-308
  };

  @TempDir Path dir;

  /** A batch of rows with awkward values cycled through the columns, then random ones. */
  private static Batch batch(int rows, long seed, boolean floats) {
    Batch b = new Batch(rows);
    SplittableRandom random = new SplittableRandom(seed);
    for (int r = 0; r < rows; r++) {
      b.firmIds[r] = r % 3 == 0 ? Long.MAX_VALUE - r : 1_000_000_000_000L + r * 7L;
      b.years[r] = 2020 + r % 5 - (r == 1 ? 3000 : 0);
    }
    for (int i = 0; i < b.state.length; i++) {
      b.state[i] = value(i, random, floats);
    }
    for (int i = 0; i < b.flows.length; i++) {
      b.flows[i] = value(i + 17, random, floats);
    }
    return b;
  }

  private static double value(int i, SplittableRandom random, boolean floats) {
    double v;
    switch (i % 4) {
      case 0:
        v = AWKWARD[(i / 4) % AWKWARD.length];
        break;
      case 1:
        v = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-20, 20));
        break;
      case 2:
        v = Math.rint((random.nextDouble() - 0.5) * 2e8);
        break;
      default:
        v = Double.longBitsToDouble(random.nextLong());
        break;
    }
    return floats ? (float) v : v;
  }

  @Test
  void columnNamesAreIdsThenStateThenFlows() {
    List<String> names = PanelWriter.columnNames();
    assertEquals(2 + S + F, names.size());
    assertEquals("firm_id", names.get(0));
    assertEquals("year", names.get(1));
    for (StateVariable v : StateVariable.all()) {
      assertEquals(v.name(), names.get(2 + v.index()));
    }
    for (FlowVariable v : FlowVariable.all()) {
      assertEquals(v.name(), names.get(2 + S + v.index()));
    }
  }

  @Test
  void csvAppendMatchesJavaToString() {
    SplittableRandom random = new SplittableRandom(7);
    List<Double> values = new ArrayList<>();
    for (double v : AWKWARD) {
      values.add(v);
    }
    for (int i = 0; i < 200_000; i++) {
      values.add(value(i, random, false));
      values.add((double) random.nextLong(-20_000_000L, 20_000_000L));
    }
    StringBuilder sb = new StringBuilder();
    for (double v : values) {
      sb.setLength(0);
      CsvPanelWriter.appendDouble(sb, v);
      assertEquals(Double.toString(v), sb.toString());
      sb.setLength(0);
      CsvPanelWriter.appendFloat(sb, (float) v);
      assertEquals(Float.toString((float) v), sb.toString());
    }
  }

  @Test
  void csvRoundTripsDoublesExactly() throws IOException {
    Path file = dir.resolve("panel.csv");
    Batch a = batch(37, 1, false);
    Batch b = batch(5, 2, false);
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, false)) {
      a.writeTo(w);
      w.write(new long[0], new int[0], new double[0], new double[0], 0);
      b.writeTo(w);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(String.join(",", PanelWriter.columnNames()), lines.get(0));
    assertEquals(1 + 37 + 5, lines.size());
    assertTrue(Files.readString(file).endsWith("\n"));
    assertFalse(Files.readString(file).contains("\r"));
    checkCsvRows(lines.subList(1, 38), a, false);
    checkCsvRows(lines.subList(38, 43), b, false);
  }

  @Test
  void csvFloat32RoundTripsFloatsExactly() throws IOException {
    Path file = dir.resolve("panel32.csv");
    Batch a = batch(41, 3, true);
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, true)) {
      a.writeTo(w);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(1 + 41, lines.size());
    checkCsvRows(lines.subList(1, lines.size()), a, true);
    // doubles that are not floats are rounded to the nearest float
    Path rounded = dir.resolve("rounded.csv");
    Batch d = batch(3, 4, false);
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, rounded, true)) {
      d.writeTo(w);
    }
    List<String> dl = Files.readAllLines(rounded, StandardCharsets.UTF_8);
    String[] cells = dl.get(1).split(",", -1);
    assertEquals(Float.toString((float) d.state[0]), cells[2]);
    checkCsvRows(dl.subList(1, dl.size()), d, true);
  }

  private static void checkCsvRows(List<String> lines, Batch b, boolean float32) {
    for (int r = 0; r < lines.size(); r++) {
      String[] cells = lines.get(r).split(",", -1);
      assertEquals(2 + S + F, cells.length, "cells in row " + r);
      assertEquals(b.firmIds[r], Long.parseLong(cells[0]));
      assertEquals(b.years[r], Integer.parseInt(cells[1]));
      for (int c = 0; c < S + F; c++) {
        double expected = c < S ? b.state[r * S + c] : b.flows[r * F + c - S];
        String cell = cells[2 + c];
        if (float32) {
          assertEquals(
              Float.floatToIntBits((float) expected),
              Float.floatToIntBits(Float.parseFloat(cell)),
              "row " + r + " column " + c + ": " + cell);
        } else {
          assertEquals(
              Double.doubleToLongBits(expected),
              Double.doubleToLongBits(Double.parseDouble(cell)),
              "row " + r + " column " + c + ": " + cell);
        }
      }
    }
  }

  @Test
  void csvIsTheSameWhateverTheParallelismAndBatching() throws IOException {
    Batch a = batch(5 * 512 + 17, 9, false);
    Path whole = dir.resolve("whole.csv");
    Path firmByFirm = dir.resolve("firm-by-firm.csv");
    ForkJoinPool single = new ForkJoinPool(1);
    ForkJoinPool quad = new ForkJoinPool(4);
    try (PanelWriter w1 = new CsvPanelWriter(whole, false, single);
        PanelWriter w4 = new CsvPanelWriter(firmByFirm, false, quad)) {
      a.writeTo(w1);
      // the simulator hands over one firm's years at a time
      for (int from = 0; from < a.firmIds.length; from += 7) {
        int n = Math.min(7, a.firmIds.length - from);
        w4.write(
            Arrays.copyOfRange(a.firmIds, from, from + n),
            Arrays.copyOfRange(a.years, from, from + n),
            Arrays.copyOfRange(a.state, from * S, (from + n) * S),
            Arrays.copyOfRange(a.flows, from * F, (from + n) * F),
            n);
      }
    } finally {
      single.shutdown();
      quad.shutdown();
    }
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(firmByFirm));
    List<String> lines = Files.readAllLines(firmByFirm, StandardCharsets.UTF_8);
    assertEquals(1 + a.firmIds.length, lines.size());
    checkCsvRows(lines.subList(1, lines.size()), a, false);
  }

  @Test
  void csvWithZeroRowsIsJustTheHeader() throws IOException {
    Path file = dir.resolve("empty.csv");
    try (PanelWriter w = PanelWriter.open(PanelFormat.CSV, file, false)) {
      w.write(new long[0], new int[0], new double[0], new double[0], 0);
    }
    assertEquals(String.join(",", PanelWriter.columnNames()) + "\n", Files.readString(file));
    Path untouched = dir.resolve("untouched.csv");
    PanelWriter.open(PanelFormat.CSV, untouched, true).close();
    assertEquals(Files.readString(file), Files.readString(untouched));
  }

  @Test
  void parquetRoundTripsDoublesExactly() throws IOException {
    Path file = dir.resolve("panel.parquet");
    Batch a = batch(37, 5, false);
    Batch b = batch(1000, 6, false);
    try (PanelWriter w = PanelWriter.open(PanelFormat.PARQUET, file, false)) {
      a.writeTo(w);
      b.writeTo(w);
    }
    checkParquetSchema(file, PrimitiveTypeName.DOUBLE, 1037);
    List<Group> groups = readParquet(file);
    assertEquals(1037, groups.size());
    checkParquetRows(groups.subList(0, 37), a, false);
    checkParquetRows(groups.subList(37, 1037), b, false);
  }

  @Test
  void parquetFloat32StoresFloats() throws IOException {
    Path file = dir.resolve("panel32.parquet");
    Batch a = batch(20, 7, false);
    try (PanelWriter w = PanelWriter.open(PanelFormat.PARQUET, file, true)) {
      a.writeTo(w);
    }
    checkParquetSchema(file, PrimitiveTypeName.FLOAT, 20);
    checkParquetRows(readParquet(file), a, true);
  }

  @Test
  void parquetWithZeroRowsHasTheSchema() throws IOException {
    Path file = dir.resolve("empty.parquet");
    try (PanelWriter w = PanelWriter.open(PanelFormat.PARQUET, file, false)) {
      w.write(new long[0], new int[0], new double[0], new double[0], 0);
    }
    checkParquetSchema(file, PrimitiveTypeName.DOUBLE, 0);
    assertEquals(0, readParquet(file).size());
    Path untouched = dir.resolve("untouched.parquet");
    PanelWriter.open(PanelFormat.PARQUET, untouched, true).close();
    checkParquetSchema(untouched, PrimitiveTypeName.FLOAT, 0);
    assertEquals(0, readParquet(untouched).size());
  }

  @Test
  void parquetOverwritesAnExistingFile() throws IOException {
    Path file = dir.resolve("again.parquet");
    Files.writeString(file, "not parquet");
    Batch a = batch(3, 8, false);
    try (PanelWriter w = PanelWriter.open(PanelFormat.PARQUET, file, false)) {
      a.writeTo(w);
    }
    checkParquetRows(readParquet(file), a, false);
  }

  @Test
  void rejectsShortArraysAndWritesAfterClose() throws IOException {
    for (PanelFormat format : PanelFormat.values()) {
      Path file = dir.resolve("bad." + format.extension());
      PanelWriter w = PanelWriter.open(format, file, false);
      assertThrows(
          IllegalArgumentException.class,
          () -> w.write(new long[2], new int[2], new double[2 * S], new double[F], 2));
      assertThrows(
          IllegalArgumentException.class,
          () -> w.write(new long[1], new int[1], new double[S], new double[F], -1));
      w.close();
      w.close();
      assertThrows(
          IOException.class,
          () -> w.write(new long[1], new int[1], new double[S], new double[F], 1));
    }
  }

  @Test
  void parsesFormatNames() {
    assertEquals(PanelFormat.CSV, PanelFormat.parse("csv"));
    assertEquals(PanelFormat.PARQUET, PanelFormat.parse("Parquet"));
    assertThrows(IllegalArgumentException.class, () -> PanelFormat.parse("none"));
  }

  private static void checkParquetSchema(Path file, PrimitiveTypeName valueType, long rows)
      throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(input(file), readOptions())) {
      MessageType schema = reader.getFileMetaData().getSchema();
      assertEquals(ParquetPanelWriter.schema(valueType == PrimitiveTypeName.FLOAT), schema);
      List<String> names = new ArrayList<>();
      for (Type field : schema.getFields()) {
        names.add(field.getName());
        assertEquals(Type.Repetition.REQUIRED, field.getRepetition());
        assertTrue(field.isPrimitive());
      }
      assertEquals(PanelWriter.columnNames(), names);
      List<ColumnDescriptor> columns = schema.getColumns();
      assertEquals(PrimitiveTypeName.INT64, typeOf(columns.get(0)));
      assertEquals(PrimitiveTypeName.INT32, typeOf(columns.get(1)));
      for (ColumnDescriptor column : columns.subList(2, columns.size())) {
        assertEquals(valueType, typeOf(column));
      }
      assertNull(schema.getFields().get(0).getLogicalTypeAnnotation());
      assertEquals(rows, reader.getRecordCount());
      for (BlockMetaData block : reader.getRowGroups()) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          assertEquals(CompressionCodecName.SNAPPY, chunk.getCodec());
        }
      }
    }
  }

  private static PrimitiveTypeName typeOf(ColumnDescriptor column) {
    return column.getPrimitiveType().getPrimitiveTypeName();
  }

  private static void checkParquetRows(List<Group> groups, Batch b, boolean float32) {
    List<String> names = PanelWriter.columnNames();
    assertEquals(b.firmIds.length, groups.size());
    for (int r = 0; r < groups.size(); r++) {
      Group g = groups.get(r);
      assertEquals(b.firmIds[r], g.getLong("firm_id", 0));
      assertEquals(b.years[r], g.getInteger("year", 0));
      for (int c = 0; c < S + F; c++) {
        double expected = c < S ? b.state[r * S + c] : b.flows[r * F + c - S];
        String name = names.get(2 + c);
        if (float32) {
          assertEquals(
              Float.floatToIntBits((float) expected),
              Float.floatToIntBits(g.getFloat(name, 0)),
              "row " + r + " column " + name);
        } else {
          assertEquals(
              Double.doubleToRawLongBits(expected),
              Double.doubleToRawLongBits(g.getDouble(name, 0)),
              "row " + r + " column " + name);
        }
      }
    }
  }

  private static InputFile input(Path file) {
    return new LocalInputFile(file);
  }

  private static ParquetReadOptions readOptions() {
    return ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
  }

  private static List<Group> readParquet(Path file) throws IOException {
    List<Group> groups = new ArrayList<>();
    try (ParquetReader<Group> reader = new GroupReaderBuilder(input(file)).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        groups.add(g);
      }
    }
    return groups;
  }

  /** Reads {@link Group}s from a local file with parquet's example read support. */
  private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {
    GroupReaderBuilder(InputFile file) {
      super(file, new PlainParquetConfiguration());
    }

    @Override
    protected ReadSupport<Group> getReadSupport() {
      return new GroupReadSupport();
    }
  }

  /** Arrays for one write call. */
  private static final class Batch {
    final long[] firmIds;
    final int[] years;
    final double[] state;
    final double[] flows;

    Batch(int rows) {
      firmIds = new long[rows];
      years = new int[rows];
      state = new double[rows * S];
      flows = new double[rows * F];
    }

    void writeTo(PanelWriter w) throws IOException {
      int rows = firmIds.length;
      // longer arrays than needed must be fine
      long[] ids = Arrays.copyOf(firmIds, rows + 3);
      w.write(ids, years, state, Arrays.copyOf(flows, flows.length + F), rows);
    }
  }
}
