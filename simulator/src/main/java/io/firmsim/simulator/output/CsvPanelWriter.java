package io.firmsim.simulator.output;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Writes the panel as CSV: a header line with {@link PanelWriter#columnNames()}, then one line per
 * row, comma-separated, {@code '\n'} line ends, no quoting (no value needs it), US-ASCII.
 *
 * <p>{@code firm_id} and {@code year} are plain integers. The values are written as {@code
 * Double.toString(v)}, or {@code Float.toString((float) v)} in float32 mode, so every value parses
 * back exactly with {@code Double.parseDouble} / {@code Float.parseFloat}; integral values look
 * like {@code 100000.0}, and NaN and infinities as {@code NaN}, {@code Infinity}, {@code
 * -Infinity}.
 *
 * <p>Panels run to tens of millions of rows of 60+ numbers, and turning doubles into decimal text
 * dominates the cost. So the rows given to {@link #write} (however few per call) are copied into
 * chunks of {@value #CHUNK_ROWS} rows, each full chunk is formatted by a task on the common {@link
 * ForkJoinPool}, and the calling thread writes the finished chunks, in order, through a 1 MiB
 * {@link BufferedOutputStream} (the chunks are already ASCII bytes, so no character encoder is
 * needed). The file is the same whatever the parallelism. A bounded number of chunks is in flight,
 * so memory stays small; the last rows reach the file in {@link #close()}, which is also where an
 * I/O error of a chunk formatted in the background may be reported. Formatting uses {@link
 * StringBuilder#append(double)}, which produces the digits of {@code Double.toString} without
 * allocating a string per value, and a shortcut for small integral values (zeros, dummies).
 */
public final class CsvPanelWriter implements PanelWriter {
  private static final int BUFFER_BYTES = 1 << 20;

  /** Rows formatted by one task; about 0.5 MB of text. */
  private static final int CHUNK_ROWS = 512;

  /** Integral values below this magnitude print as {@code <integer>.0} in Java's toString. */
  private static final long PLAIN_INTEGRAL_LIMIT = 10_000_000L;

  private static final int S = StateVariable.count();
  private static final int F = FlowVariable.count();

  private final OutputStream out;
  private final boolean float32;
  private final ForkJoinPool pool;

  /** Most chunks formatted or being formatted but not yet written. */
  private final int window;

  private final ArrayDeque<ForkJoinTask<byte[]>> inFlight = new ArrayDeque<>();
  private Chunk pending = new Chunk();
  private boolean closed;

  /**
   * Creates or truncates {@code file} and writes the header line; formats on the common pool.
   *
   * @param float32 write values as {@code Float.toString((float) v)} instead of doubles
   */
  public CsvPanelWriter(Path file, boolean float32) throws IOException {
    this(file, float32, ForkJoinPool.commonPool());
  }

  /** As {@link #CsvPanelWriter(Path, boolean)}, formatting on {@code pool} (for tests). */
  CsvPanelWriter(Path file, boolean float32, ForkJoinPool pool) throws IOException {
    this(Files.newOutputStream(file), float32, pool);
  }

  /**
   * Writes the same text to {@code stream} instead of a file (a network response, say): the header
   * line now, the rows as they are formatted, and closes the stream in {@link #close()}. An {@link
   * IOException} of the stream is reported by the {@link #write} or {@link #close()} that meets it.
   *
   * @param float32 write values as {@code Float.toString((float) v)} instead of doubles
   */
  public CsvPanelWriter(OutputStream stream, boolean float32) throws IOException {
    this(stream, float32, ForkJoinPool.commonPool());
  }

  private CsvPanelWriter(OutputStream stream, boolean float32, ForkJoinPool pool)
      throws IOException {
    this.float32 = float32;
    this.pool = pool;
    this.window = 2 * pool.getParallelism() + 2;
    this.out = new BufferedOutputStream(stream, BUFFER_BYTES);
    try {
      String header = String.join(",", PanelWriter.columnNames()) + "\n";
      out.write(header.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  @Override
  public void write(long[] firmIds, int[] years, double[] state, double[] flows, int rows)
      throws IOException {
    if (closed) {
      throw new IOException("panel writer is closed");
    }
    PanelWriter.checkBatch(firmIds, years, state, flows, rows);
    int r = 0;
    while (r < rows) {
      Chunk c = pending;
      int n = Math.min(rows - r, CHUNK_ROWS - c.rows);
      System.arraycopy(firmIds, r, c.firmIds, c.rows, n);
      System.arraycopy(years, r, c.years, c.rows, n);
      System.arraycopy(state, r * S, c.state, c.rows * S, n * S);
      System.arraycopy(flows, r * F, c.flows, c.rows * F, n * F);
      c.rows += n;
      r += n;
      if (c.rows == CHUNK_ROWS) {
        submitPending();
        writeFinished(window);
      }
    }
  }

  /** Hands the pending chunk to the pool and starts a new one. */
  private void submitPending() {
    Chunk c = pending;
    if (c.rows > 0) {
      inFlight.add(pool.submit(() -> format(c)));
      pending = new Chunk();
    }
  }

  /**
   * Writes chunks in order: those already formatted, and more, waiting, until at most {@code keep}
   * remain in flight.
   */
  private void writeFinished(int keep) throws IOException {
    while (!inFlight.isEmpty() && (inFlight.size() > keep || inFlight.peek().isDone())) {
      out.write(inFlight.poll().join());
    }
  }

  /** The rows of {@code c} as CSV lines in US-ASCII. */
  private byte[] format(Chunk c) {
    StringBuilder sb = new StringBuilder(c.rows * (S + F + 2) * 14);
    for (int r = 0; r < c.rows; r++) {
      sb.append(c.firmIds[r]).append(',').append(c.years[r]);
      int so = r * S;
      int fo = r * F;
      if (float32) {
        for (int i = 0; i < S; i++) {
          appendFloat(sb.append(','), (float) c.state[so + i]);
        }
        for (int i = 0; i < F; i++) {
          appendFloat(sb.append(','), (float) c.flows[fo + i]);
        }
      } else {
        for (int i = 0; i < S; i++) {
          appendDouble(sb.append(','), c.state[so + i]);
        }
        for (int i = 0; i < F; i++) {
          appendDouble(sb.append(','), c.flows[fo + i]);
        }
      }
      sb.append('\n');
    }
    // All characters are ASCII, so the string holds one byte per char and this is a plain copy.
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Appends exactly {@code Double.toString(v)}, with a shortcut for small integral values. */
  static void appendDouble(StringBuilder sb, double v) {
    long l = (long) v;
    if (l == v
        && l > -PLAIN_INTEGRAL_LIMIT
        && l < PLAIN_INTEGRAL_LIMIT
        && (l != 0 || Double.doubleToRawLongBits(v) == 0L)) {
      sb.append(l).append(".0");
    } else {
      sb.append(v);
    }
  }

  /** Appends exactly {@code Float.toString(v)}, with a shortcut for small integral values. */
  static void appendFloat(StringBuilder sb, float v) {
    int i = (int) v;
    if (i == v
        && i > -PLAIN_INTEGRAL_LIMIT
        && i < PLAIN_INTEGRAL_LIMIT
        && (i != 0 || Float.floatToRawIntBits(v) == 0)) {
      sb.append(i).append(".0");
    } else {
      sb.append(v);
    }
  }

  /** Writes the remaining rows and closes the file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (OutputStream o = out) {
      submitPending();
      writeFinished(0);
    } finally {
      for (ForkJoinTask<byte[]> task : inFlight) {
        task.cancel(false);
      }
      inFlight.clear();
    }
  }

  /** Up to {@value #CHUNK_ROWS} rows copied from the caller, row-major like its arrays. */
  private static final class Chunk {
    final long[] firmIds = new long[CHUNK_ROWS];
    final int[] years = new int[CHUNK_ROWS];
    final double[] state = new double[CHUNK_ROWS * S];
    final double[] flows = new double[CHUNK_ROWS * F];
    int rows;
  }
}
