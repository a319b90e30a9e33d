package io.firmsim.spark.output;

import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.simulator.output.ParquetPanelWriter;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * A task's part of the panel as Parquet, partitioned by year the way Spark and Hive lay out tables:
 * {@code DIR/year=Y/part-RRRRR-aA.parquet} per reported year {@code Y}, for range {@code R} and
 * task attempt {@code A} (the driver renames the successful attempt's files to {@code
 * part-RRRRR.parquet}). The files hold the columns of the single-machine panel ({@link
 * ParquetPanelWriter#schema}) without {@code year}, which the folder name carries, as in any
 * partitioned Parquet table; {@code spark.read().parquet(DIR)}, pyarrow, DuckDB and polars read the
 * year back from it.
 *
 * <p>Written with Spark's own parquet-hadoop (1.13 in Spark 3.5) through the Hadoop file system of
 * the path, so the panel can go to HDFS or an object store; SNAPPY, and dictionary encoding only
 * for the characteristics, as the single-machine writer. Memory: one row group buffer per year (the
 * row group size is chosen so that all years together buffer at most about 256 MB).
 */
public final class YearPartitionedPanelWriter implements PanelWriter {
  private static final long BUFFER_BUDGET = 256L << 20;

  private final Configuration conf;
  private final Path dir;
  private final int range;
  private final int attempt;
  private final int firstYear;
  private final boolean float32;
  private final MessageType schema;
  private final int rowGroupSize;
  private final ParquetWriter<Row>[] writers;
  private final List<String> files = new ArrayList<>();
  private final Row row = new Row();
  private boolean closed;

  /**
   * @param dir the panel folder (its {@code year=Y} folders are made as needed)
   * @param range the task's range (its partition)
   * @param attempt the task's attempt number
   * @param firstYear the first reported year
   * @param years reported years
   * @param float32 whether values are FLOAT rather than DOUBLE
   */
  @SuppressWarnings("unchecked")
  public YearPartitionedPanelWriter(
      Configuration conf,
      Path dir,
      int range,
      int attempt,
      int firstYear,
      int years,
      boolean float32) {
    this.conf = conf;
    this.dir = dir;
    this.range = range;
    this.attempt = attempt;
    this.firstYear = firstYear;
    this.float32 = float32;
    this.schema = schema(float32);
    this.rowGroupSize =
        (int) Math.max(1L << 20, Math.min(128L << 20, BUFFER_BUDGET / Math.max(1, years)));
    this.writers = new ParquetWriter[years];
  }

  /**
   * The part files' schema: the single-machine panel's ({@link ParquetPanelWriter#schema}) without
   * {@code year}: {@code firm_id} INT64, then the state and the flow variables, REQUIRED. Built
   * here rather than taken from that class, which is compiled against a newer parquet-java than
   * Spark ships.
   */
  public static MessageType schema(boolean float32) {
    PrimitiveTypeName value = float32 ? PrimitiveTypeName.FLOAT : PrimitiveTypeName.DOUBLE;
    Types.MessageTypeBuilder b = Types.buildMessage();
    b.required(PrimitiveTypeName.INT64).named("firm_id");
    for (StateVariable v : StateVariable.all()) {
      b.required(value).named(v.name());
    }
    for (FlowVariable f : FlowVariable.all()) {
      b.required(value).named(f.name());
    }
    return b.named("firmsim_panel");
  }

  /** The file of a range's attempt for a year, relative to the panel folder. */
  public static String fileName(int year, int range, int attempt) {
    return String.format(Locale.ROOT, "year=%d/part-%05d-a%d.parquet", year, range, attempt);
  }

  /** The committed name of a range's file for a year, relative to the panel folder. */
  public static String committedName(int year, int range) {
    return String.format(Locale.ROOT, "year=%d/part-%05d.parquet", year, range);
  }

  @Override
  public void write(long[] firmIds, int[] years, double[] state, double[] flows, int rows)
      throws IOException {
    if (closed) {
      throw new IOException("panel writer is closed");
    }
    Row c = row;
    c.firmIds = firmIds;
    c.state = state;
    c.flows = flows;
    for (int r = 0; r < rows; r++) {
      c.row = r;
      writer(years[r]).write(c);
    }
  }

  private ParquetWriter<Row> writer(int year) throws IOException {
    int k = year - firstYear;
    if (k < 0 || k >= writers.length) {
      throw new IOException("year " + year + " is not a reported year of this panel");
    }
    if (writers[k] == null) {
      Path file = new Path(dir, fileName(year, range, attempt));
      Builder b =
          new Builder(HadoopOutputFile.fromPath(file, conf), new RowWriteSupport(schema, float32))
              .withConf(conf)
              .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withRowGroupSize(rowGroupSize)
              .withDictionaryEncoding(false);
      for (StateVariable v : StateVariable.all()) {
        if (v.kind() == StateVariable.Kind.CHARACTERISTIC) {
          b.withDictionaryEncoding(v.name(), true);
        }
      }
      writers[k] = b.build();
      files.add(file.toString());
    }
    return writers[k];
  }

  /** The files written, as Hadoop path strings, in the order they were opened. */
  public List<String> files() {
    return List.copyOf(files);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (ParquetWriter<Row> w : writers) {
      if (w != null) {
        try {
          w.close();
        } catch (IOException e) {
          if (first == null) {
            first = e;
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The row being written: the caller's arrays and a row index. */
  private static final class Row {
    long[] firmIds;
    double[] state;
    double[] flows;
    int row;
  }

  private static final class RowWriteSupport extends WriteSupport<Row> {
    private final MessageType schema;
    private final boolean float32;
    private final String[] names;
    private RecordConsumer consumer;

    RowWriteSupport(MessageType schema, boolean float32) {
      this.schema = schema;
      this.float32 = float32;
      this.names = schema.getFields().stream().map(Type::getName).toArray(String[]::new);
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
    public void write(Row c) {
      RecordConsumer rc = consumer;
      int r = c.row;
      rc.startMessage();
      rc.startField(names[0], 0);
      rc.addLong(c.firmIds[r]);
      rc.endField(names[0], 0);
      values(rc, c.state, r * StateVariable.count(), StateVariable.count(), 1);
      values(
          rc, c.flows, r * FlowVariable.count(), FlowVariable.count(), 1 + StateVariable.count());
      rc.endMessage();
    }

    private void values(RecordConsumer rc, double[] v, int from, int n, int field) {
      for (int i = 0; i < n; i++) {
        int index = field + i;
        rc.startField(names[index], index);
        if (float32) {
          rc.addFloat((float) v[from + i]);
        } else {
          rc.addDouble(v[from + i]);
        }
        rc.endField(names[index], index);
      }
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Row, Builder> {
    private final RowWriteSupport support;

    Builder(HadoopOutputFile file, RowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Row> getWriteSupport(Configuration conf) {
      return support;
    }
  }
}
