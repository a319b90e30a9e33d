package io.firmsim.simulator.output;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Writes the per-firm panel of a simulation: one row per firm and year with the columns {@code
 * firm_id} (long), {@code year} (int), then every {@link StateVariable} in enum order, then every
 * {@link FlowVariable} in enum order (see {@link #columnNames()}). Rows are written in the order
 * the caller gives them. A writer may hold rows back (in I/O buffers, a Parquet row group, CSV
 * chunks being formatted) until {@link #close()}, which completes the file.
 *
 * <p>The writer takes whole batches of rows as flat primitive arrays, in the row-major layout of
 * the state and flow tensors, so the simulator can hand over a chunk of firms for one year without
 * building an object per row. Implementations are not thread-safe.
 */
public interface PanelWriter extends AutoCloseable {

  /**
   * Appends rows: for r in [0, rows): firm {@code firmIds[r]}, year {@code years[r]}, state values
   * {@code state[r*S .. r*S+S)}, flows {@code flows[r*F .. r*F+F)} with S = {@link
   * StateVariable#count()}, F = {@link FlowVariable#count()}. The arrays may be longer than needed;
   * they are only read during the call.
   *
   * @throws IllegalArgumentException if an array is too short for {@code rows} rows
   * @throws IOException if the file cannot be written
   */
  void write(long[] firmIds, int[] years, double[] state, double[] flows, int rows)
      throws IOException;

  /** Flushes what is buffered, completes the file (e.g. the Parquet footer) and closes it. */
  @Override
  void close() throws IOException;

  /**
   * Opens a writer of {@code format} that creates or truncates {@code file}.
   *
   * @param float32 write the state and flow values as 32-bit floats (CSV: {@code
   *     Float.toString((float) v)}; Parquet: FLOAT columns) instead of 64-bit doubles, to halve the
   *     size of the panel when single precision is enough
   */
  static PanelWriter open(PanelFormat format, Path file, boolean float32) throws IOException {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(file, "file");
    switch (format) {
      case CSV:
        return new CsvPanelWriter(file, float32);
      case PARQUET:
        return new ParquetPanelWriter(file, float32);
      default:
        throw new IllegalArgumentException("unsupported panel format " + format);
    }
  }

  /**
   * The panel's column names in file order: {@code firm_id}, {@code year}, the state variable
   * names, the flow variable names.
   */
  static List<String> columnNames() {
    List<String> names = new ArrayList<>(2 + StateVariable.count() + FlowVariable.count());
    names.add("firm_id");
    names.add("year");
    for (StateVariable v : StateVariable.all()) {
      names.add(v.name());
    }
    for (FlowVariable v : FlowVariable.all()) {
      names.add(v.name());
    }
    return Collections.unmodifiableList(names);
  }

  /**
   * Checks the arguments of {@link #write} for implementations: non-null arrays long enough for
   * {@code rows >= 0} rows.
   *
   * @throws IllegalArgumentException if they are not
   */
  static void checkBatch(long[] firmIds, int[] years, double[] state, double[] flows, int rows) {
    Objects.requireNonNull(firmIds, "firmIds");
    Objects.requireNonNull(years, "years");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(flows, "flows");
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    long s = (long) rows * StateVariable.count();
    long f = (long) rows * FlowVariable.count();
    if (firmIds.length < rows || years.length < rows || state.length < s || flows.length < f) {
      throw new IllegalArgumentException(
          String.format(
              "%d rows need firmIds[%d], years[%d], state[%d], flows[%d]; got %d, %d, %d, %d",
              rows, rows, rows, s, f, firmIds.length, years.length, state.length, flows.length));
    }
  }
}
