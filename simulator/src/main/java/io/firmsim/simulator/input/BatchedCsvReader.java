package io.firmsim.simulator.input;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The reading loop the large CSV inputs (populations, panels) share: one thread tokenizes rows into
 * batches of cells, a small pool turns batches into numbers, and the batches are collected in file
 * order. Converting text to numbers costs about as much as splitting the CSV, so the two run side
 * by side.
 *
 * <p>Guarantee: the problem reported is always the first one in the file, as a plain top-to-bottom
 * read would find it: a batch's problem is raised when the batch is collected, in order, and a
 * problem found while tokenizing is raised only after every row before it has been parsed.
 */
public final class BatchedCsvReader {
  /** Rows per batch. */
  public static final int BATCH_ROWS = 1024;

  /** Fills {@code cells[from, from + width)} with the next wanted row. */
  public interface RowSource {
    /**
     * @return the row's line number, or -1 at the end of the file
     * @throws BadInputException for a row that cannot be read (wrong width, ...)
     */
    long next(String[] cells, int from) throws IOException;
  }

  /** A batch's parse, on a worker thread. */
  public interface BatchParser<B extends Parsed> {
    /**
     * @param cells row-major {@code [rows, width]} cell texts
     * @param lines the rows' line numbers
     * @param rows number of rows
     */
    B parse(String[] cells, long[] lines, int rows);
  }

  /** A parsed batch: its values, or the first problem among its rows. */
  public interface Parsed {
    /** The first problem in the batch's rows, null for none. */
    BadInputException problem();
  }

  private BatchedCsvReader() {}

  /**
   * Reads every wanted row and returns the parsed batches in file order.
   *
   * @param width cells per row
   * @param maxWorkers parse threads at most (fewer on fewer cores; none on one core)
   * @param threadName name of the worker threads
   * @throws BadInputException the first problem of the file
   */
  public static <B extends Parsed> List<B> read(
      Path file,
      int width,
      int maxWorkers,
      String threadName,
      RowSource source,
      BatchParser<B> parser)
      throws IOException {
    int workers = Math.min(maxWorkers, Runtime.getRuntime().availableProcessors() - 1);
    ExecutorService pool =
        workers < 1
            ? null
            : Executors.newFixedThreadPool(
                workers,
                r -> {
                  Thread t = new Thread(r, threadName);
                  t.setDaemon(true);
                  return t;
                });
    try {
      return readRows(file, width, pool, Math.max(1, workers), source, parser);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  private static <B extends Parsed> List<B> readRows(
      Path file,
      int width,
      ExecutorService pool,
      int workers,
      RowSource source,
      BatchParser<B> parser)
      throws IOException {
    ArrayDeque<Future<B>> pending = new ArrayDeque<>();
    List<B> done = new ArrayList<>();
    String[] cells = new String[BATCH_ROWS * width];
    long[] lines = new long[BATCH_ROWS];
    int rows = 0;
    Exception stop = null; // a problem found while tokenizing
    while (true) {
      long line;
      try {
        line = source.next(cells, rows * width);
      } catch (BadInputException | IOException e) {
        stop = e;
        break;
      }
      if (line < 0) {
        break;
      }
      lines[rows++] = line;
      if (rows == BATCH_ROWS) {
        submit(pool, parser, cells, lines, rows, pending);
        cells = new String[BATCH_ROWS * width];
        lines = new long[BATCH_ROWS];
        rows = 0;
        while (pending.size() > 2 * workers) {
          collect(file, pending.removeFirst(), done);
        }
      }
    }
    if (rows > 0) {
      submit(pool, parser, cells, lines, rows, pending);
    }
    while (!pending.isEmpty()) {
      collect(file, pending.removeFirst(), done);
    }
    if (stop instanceof IOException e) {
      throw e;
    } else if (stop != null) {
      throw (BadInputException) stop;
    }
    return done;
  }

  private static <B extends Parsed> void submit(
      ExecutorService pool,
      BatchParser<B> parser,
      String[] cells,
      long[] lines,
      int rows,
      ArrayDeque<Future<B>> pending) {
    java.util.concurrent.Callable<B> task =
        () -> {
          B b = parser.parse(cells, lines, rows);
          Arrays.fill(cells, null); // let the strings go early
          return b;
        };
    if (pool == null) {
      try {
        pending.addLast(CompletableFuture.completedFuture(task.call()));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    } else {
      pending.addLast(pool.submit(task));
    }
  }

  /** Waits for a batch (in file order), adds it to {@code done}, and raises its problem. */
  private static <B extends Parsed> void collect(Path file, Future<B> future, List<B> done) {
    B batch;
    try {
      batch = future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BadInputException(file + ": reading was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
    done.add(batch);
    if (batch.problem() != null) {
      throw batch.problem();
    }
  }

  /** What a row source does with a row whose cell count differs from the header's. */
  @FunctionalInterface
  public interface OtherWidth {
    /**
     * @param line the row's line number
     * @param found its number of cells
     * @throws BadInputException to refuse the row
     */
    void found(long line, int found);
  }

  /**
   * Reads the next non-blank row of {@code parser} into {@code row[from, from + width)} and checks
   * that it has {@code width} cells.
   *
   * @return its line number, or -1 at the end of the file
   * @throws BadInputException naming the line, for a row of another width
   */
  public static long nextCells(CsvParser parser, Path file, String[] row, int from, int width)
      throws IOException {
    return nextCells(
        parser,
        row,
        from,
        width,
        (line, found) -> {
          throw BadInputException.at(
              file, line, null, "expected " + width + " cells (as in the header), found " + found);
        });
  }

  /**
   * Reads the next non-blank row of {@code parser} into {@code row[from, from + width)}; a row of
   * another width goes to {@code otherWidth} and, if that returns, is cut to {@code width} cells or
   * padded with empty ones. A blank line (one empty or blank cell) is skipped.
   *
   * @return its line number, or -1 at the end of the file
   */
  public static long nextCells(
      CsvParser parser, String[] row, int from, int width, OtherWidth otherWidth)
      throws IOException {
    while (true) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return -1;
      }
      long line = -1;
      int count = 0;
      for (JsonToken t = parser.nextToken(); t == JsonToken.VALUE_STRING; t = parser.nextToken()) {
        if (count == 0) {
          line = parser.currentTokenLocation().getLineNr();
        }
        if (count < width) {
          row[from + count] = parser.getText();
        }
        count++;
      }
      if (count == 0 || count == 1 && row[from].isBlank()) {
        continue; // a blank line
      }
      if (count != width) {
        otherWidth.found(line, count);
        for (int c = count; c < width; c++) {
          row[from + c] = "";
        }
      }
      return line;
    }
  }
}
