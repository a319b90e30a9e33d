package io.firmsim.simulator.output;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes the panel as an Apache Parquet file: {@code firm_id} INT64, {@code year} INT32, then one
 * DOUBLE column per state and flow variable (FLOAT in float32 mode), all REQUIRED, in the order of
 * {@link PanelWriter#columnNames()}, SNAPPY-compressed.
 *
 * <p>Parquet is the panel format for analysis: typed, columnar and several times smaller than CSV,
 * and read directly by pandas/pyarrow, polars, DuckDB, R arrow and Spark. It is written with
 * parquet-java's own {@link ParquetWriter} through a local {@link LocalOutputFile} (no Hadoop file
 * system) and a small {@link WriteSupport} that feeds values straight from the caller's arrays,
 * without an object per row. SNAPPY is used because it is the most widely supported codec and
 * snappy-java bundles its native library for the common platforms. parquet-java still loads a few
 * Hadoop classes (its configuration and codec interfaces), so the build puts hadoop-common on the
 * class path without its transitive dependencies, plus the handful it needs (see the parent pom);
 * no Hadoop installation or HADOOP_HOME is needed.
 *
 * <p>Dictionary encoding is used only for {@code year} and the per-firm characteristics, the
 * columns with few distinct values: for the amounts it rarely pays and costs about two thirds of
 * the write time.
 */
public final class ParquetPanelWriter implements PanelWriter {
  /** Parquet message (schema) name. */
  static final String SCHEMA_NAME = "firmsim_panel";

  private final ParquetWriter<Cursor> writer;
  private final Cursor cursor = new Cursor();
  private boolean closed;

  /**
   * Creates or overwrites {@code file}.
   *
   * @param float32 store the state and flow values as FLOAT instead of DOUBLE
   */
  public ParquetPanelWriter(Path file, boolean float32) throws IOException {
    MessageType schema = schema(float32);
    Builder builder =
        new Builder(new LocalOutputFile(file), new PanelWriteSupport(schema, float32))
            .withConf(new PlainParquetConfiguration())
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(CompressionCodecName.SNAPPY)
            .withDictionaryEncoding(false)
            .withDictionaryEncoding(PanelWriter.columnNames().get(1), true);
    for (StateVariable v : StateVariable.all()) {
      if (v.kind() == StateVariable.Kind.CHARACTERISTIC) {
        builder.withDictionaryEncoding(v.name(), true);
      }
    }
    this.writer = builder.build();
  }

  /** The Parquet schema of the panel, DOUBLE or FLOAT value columns. */
  public static MessageType schema(boolean float32) {
    List<String> names = PanelWriter.columnNames();
    PrimitiveTypeName valueType = float32 ? PrimitiveTypeName.FLOAT : PrimitiveTypeName.DOUBLE;
    Types.MessageTypeBuilder builder = Types.buildMessage();
    builder.required(PrimitiveTypeName.INT64).named(names.get(0));
    builder.required(PrimitiveTypeName.INT32).named(names.get(1));
    for (String name : names.subList(2, names.size())) {
      builder.required(valueType).named(name);
    }
    return builder.named(SCHEMA_NAME);
  }

  @Override
  public void write(long[] firmIds, int[] years, double[] state, double[] flows, int rows)
      throws IOException {
    if (closed) {
      throw new IOException("panel writer is closed");
    }
    PanelWriter.checkBatch(firmIds, years, state, flows, rows);
    Cursor c = cursor;
    c.firmIds = firmIds;
    c.years = years;
    c.state = state;
    c.flows = flows;
    try {
      for (int r = 0; r < rows; r++) {
        c.row = r;
        writer.write(c);
      }
    } finally {
      c.firmIds = null;
      c.years = null;
      c.state = null;
      c.flows = null;
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      writer.close();
    }
  }

  /** The row being written: the caller's arrays and a row index into them. */
  private static final class Cursor {
    long[] firmIds;
    int[] years;
    double[] state;
    double[] flows;
    int row;
  }

  /** Emits one {@link Cursor} row as one Parquet record. */
  private static final class PanelWriteSupport extends WriteSupport<Cursor> {
    private final MessageType schema;
    private final boolean float32;
    private final String[] names;
    private RecordConsumer consumer;

    PanelWriteSupport(MessageType schema, boolean float32) {
      this.schema = schema;
      this.float32 = float32;
      this.names = schema.getFields().stream().map(Type::getName).toArray(String[]::new);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public String getName() {
      return "firmsim";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Cursor c) {
      RecordConsumer rc = consumer;
      int r = c.row;
      rc.startMessage();
      rc.startField(names[0], 0);
      rc.addLong(c.firmIds[r]);
      rc.endField(names[0], 0);
      rc.startField(names[1], 1);
      rc.addInteger(c.years[r]);
      rc.endField(names[1], 1);
      writeValues(rc, c.state, r * StateVariable.count(), StateVariable.count(), 2);
      writeValues(
          rc, c.flows, r * FlowVariable.count(), FlowVariable.count(), 2 + StateVariable.count());
      rc.endMessage();
    }

    private void writeValues(RecordConsumer rc, double[] values, int from, int n, int field) {
      for (int i = 0; i < n; i++) {
        int index = field + i;
        String name = names[index];
        rc.startField(name, index);
        if (float32) {
          rc.addFloat((float) values[from + i]);
        } else {
          rc.addDouble(values[from + i]);
        }
        rc.endField(name, index);
      }
    }
  }

  /** The {@link ParquetWriter} builder for {@link PanelWriteSupport}. */
  private static final class Builder extends ParquetWriter.Builder<Cursor, Builder> {
    private final PanelWriteSupport writeSupport;

    Builder(LocalOutputFile file, PanelWriteSupport writeSupport) {
      super(file);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Cursor> getWriteSupport(ParquetConfiguration conf) {
      return writeSupport;
    }

    @Override
    protected WriteSupport<Cursor> getWriteSupport(Configuration conf) {
      return writeSupport;
    }
  }
}
