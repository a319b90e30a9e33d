package io.firmsim.trainer.panel;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A firm-year panel held on the host: one row per firm and year with the firm's state at the end of
 * that year (every {@link StateVariable}) and the year's flows (every {@link FlowVariable}),
 * exactly the columns of the simulator's panel output. It is the input of estimation (MODEL.md
 * section 6): {@link FeatureTable} turns it into features and targets.
 *
 * <p>Storage is four primitive arrays, row-major like the simulator's tensors, so a panel of
 * millions of rows costs no per-row objects: {@code firmIds[rows]}, {@code years[rows]}, {@code
 * state[rows * S]} and {@code flows[rows * F]} with {@code S = StateVariable.count()} and {@code F
 * = FlowVariable.count()}.
 *
 * <p>Guarantees: the class is immutable (arrays are copied in by {@link #of} and out by the bulk
 * accessors); every value is finite; firm ids are non-negative; no (firm, year) pair occurs twice.
 * Rows keep the order they were given in; the panel does not need to be sorted, although the
 * simulator writes it firm-major with years ascending (the fast case). {@link #previousRow} links
 * each row to its firm's row of the year before, when there is one.
 */
public final class Panel {
  /** Number of state columns, {@link StateVariable#count()}. */
  public static final int S = StateVariable.count();

  /** Number of flow columns, {@link FlowVariable#count()}. */
  public static final int F = FlowVariable.count();

  /** Most rows a panel can hold: its state array must be indexable by an int. */
  public static final int MAX_ROWS = (Integer.MAX_VALUE - 8) / S;

  // Package-private so that FeatureTable reads them without copies; never modified.
  final long[] firmIds;
  final int[] years;
  final double[] state;
  final double[] flows;
  private final int[] previous;

  /** Takes ownership of the arrays; they must be consistent, finite and without duplicates. */
  private Panel(long[] firmIds, int[] years, double[] state, double[] flows, int[] previous) {
    this.firmIds = firmIds;
    this.years = years;
    this.state = state;
    this.flows = flows;
    this.previous = previous;
  }

  /**
   * A panel from in-memory rows (tests, data built in code). The arrays are copied.
   *
   * @param firmIds firm of each row, non-negative
   * @param years year of each row, same length
   * @param state row-major {@code [rows * S]} state values, in {@link StateVariable} order
   * @param flows row-major {@code [rows * F]} flow values, in {@link FlowVariable} order
   * @throws IllegalArgumentException if the lengths disagree, a value is not finite, a firm id is
   *     negative or a (firm, year) pair is repeated; the message names the row
   */
  public static Panel of(long[] firmIds, int[] years, double[] state, double[] flows) {
    Objects.requireNonNull(firmIds, "firmIds");
    Objects.requireNonNull(years, "years");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(flows, "flows");
    int rows = firmIds.length;
    if (rows > MAX_ROWS) {
      throw new IllegalArgumentException("at most " + MAX_ROWS + " rows, found " + rows);
    }
    if (years.length != rows
        || state.length != (long) rows * S
        || flows.length != (long) rows * F) {
      throw new IllegalArgumentException(
          String.format(
              "%d rows need years[%d], state[%d], flows[%d]; got %d, %d, %d",
              rows,
              rows,
              (long) rows * S,
              (long) rows * F,
              years.length,
              state.length,
              flows.length));
    }
    for (int r = 0; r < rows; r++) {
      if (firmIds[r] < 0) {
        throw new IllegalArgumentException("row " + r + ": negative firm id " + firmIds[r]);
      }
      for (int i = 0; i < S; i++) {
        if (!Double.isFinite(state[r * S + i])) {
          throw new IllegalArgumentException(
              "row " + r + ": " + StateVariable.at(i) + " is not finite: " + state[r * S + i]);
        }
      }
      for (int i = 0; i < F; i++) {
        if (!Double.isFinite(flows[r * F + i])) {
          throw new IllegalArgumentException(
              "row "
                  + r
                  + ": "
                  + FlowVariable.all().get(i)
                  + " is not finite: "
                  + flows[r * F + i]);
        }
      }
    }
    long[] ids = firmIds.clone();
    int[] yrs = years.clone();
    Links links = link(ids, yrs);
    if (links.duplicate >= 0) {
      throw new IllegalArgumentException(
          "row "
              + links.duplicate
              + " repeats firm "
              + ids[links.duplicate]
              + ", year "
              + yrs[links.duplicate]
              + " of row "
              + links.duplicateOf);
    }
    return new Panel(ids, yrs, state.clone(), flows.clone(), links.previous);
  }

  /**
   * For {@link PanelCsvReader}: links the rows it has read (each row's previous-year row), or finds
   * the first repeated (firm, year) pair, which the reader reports with its line numbers.
   */
  static Links linkRows(long[] firmIds, int[] years) {
    return link(firmIds, years);
  }

  /**
   * For {@link PanelCsvReader}, after {@link #linkRows} found no duplicate: a panel that takes the
   * arrays it has built and checked (lengths, finite values, firm ids) without copying them.
   */
  static Panel owning(long[] firmIds, int[] years, double[] state, double[] flows, Links links) {
    if (links.duplicate >= 0) {
      throw new IllegalArgumentException("rows have a duplicate");
    }
    return new Panel(firmIds, years, state, flows, links.previous);
  }

  /** Number of rows. */
  public int rows() {
    return firmIds.length;
  }

  /** Firm id of a row. */
  public long firmId(int row) {
    return firmIds[row];
  }

  /** Year of a row. */
  public int year(int row) {
    return years[row];
  }

  /** A state value of a row: the firm's state at the end of the row's year. */
  public double state(int row, StateVariable variable) {
    Objects.checkIndex(row, firmIds.length);
    return state[row * S + variable.index()];
  }

  /** A flow value of a row: the flow of the row's year. */
  public double flow(int row, FlowVariable variable) {
    Objects.checkIndex(row, firmIds.length);
    return flows[row * F + variable.index()];
  }

  /** The row of the same firm's previous year ({@code year(row) - 1}); -1 if not in the panel. */
  public int previousRow(int row) {
    return previous[row];
  }

  /** Firm ids of all rows (a copy). */
  public long[] firmIds() {
    return firmIds.clone();
  }

  /** Years of all rows (a copy). */
  public int[] years() {
    return years.clone();
  }

  /** Row-major {@code [rows * S]} state values (a copy). */
  public double[] state() {
    return state.clone();
  }

  /** Row-major {@code [rows * F]} flow values (a copy). */
  public double[] flows() {
    return flows.clone();
  }

  @Override
  public String toString() {
    return "Panel[" + rows() + " rows]";
  }

  // ------------------------------------------------------------------ linking rows

  /**
   * Each row's previous-year row, or the first repeated (firm, year) pair in row order: {@code
   * duplicate} is the earliest row whose pair occurred before, at row {@code duplicateOf} (both -1
   * when there is none, and then {@code previous} is complete).
   */
  static final class Links {
    final int[] previous;
    final int duplicate;
    final int duplicateOf;

    Links(int[] previous, int duplicate, int duplicateOf) {
      this.previous = previous;
      this.duplicate = duplicate;
      this.duplicateOf = duplicateOf;
    }
  }

  private static Links link(long[] ids, int[] years) {
    int n = ids.length;
    int[] previous = new int[n];
    Arrays.fill(previous, -1);
    if (firmMajorLinks(ids, years, previous)) {
      return new Links(previous, -1, -1);
    }
    // General case: sort the rows by (firm, year, row); equal neighbours are duplicates.
    Arrays.fill(previous, -1);
    int[] order =
        IntStream.range(0, n)
            .boxed()
            .sorted(
                Comparator.<Integer>comparingLong(r -> ids[r])
                    .thenComparingInt(r -> years[r])
                    .thenComparingInt(r -> r))
            .mapToInt(Integer::intValue)
            .toArray();
    int duplicate = -1;
    int duplicateOf = -1;
    for (int k = 1; k < n; k++) {
      int a = order[k - 1];
      int b = order[k];
      if (ids[a] != ids[b]) {
        continue;
      }
      if (years[a] == years[b]) {
        // a group of equal pairs is sorted by row: its first row is the original
        int first = a;
        for (int j = k - 1;
            j > 0 && ids[order[j - 1]] == ids[b] && years[order[j - 1]] == years[b];
            j--) {
          first = order[j - 1];
        }
        if (duplicate < 0 || b < duplicate) {
          duplicate = b;
          duplicateOf = first;
        }
      } else if (years[a] == years[b] - 1) {
        previous[b] = a;
      }
    }
    return new Links(previous, duplicate, duplicateOf);
  }

  /**
   * The fast case of the simulator's layout: each firm's rows contiguous with years strictly
   * ascending, and no firm in two runs. Fills {@code previous} and returns true if the rows are so
   * laid out (then there are no duplicates); returns false otherwise.
   */
  private static boolean firmMajorLinks(long[] ids, int[] years, int[] previous) {
    int n = ids.length;
    long[] runFirms = new long[n];
    int runs = 0;
    for (int r = 0; r < n; r++) {
      if (r == 0 || ids[r] != ids[r - 1]) {
        runFirms[runs++] = ids[r];
      } else if (years[r] <= years[r - 1]) {
        return false;
      } else if (years[r] == years[r - 1] + 1) {
        previous[r] = r - 1;
      }
    }
    long[] sorted = Arrays.copyOf(runFirms, runs);
    Arrays.sort(sorted);
    for (int k = 1; k < runs; k++) {
      if (sorted[k] == sorted[k - 1]) {
        return false;
      }
    }
    return true;
  }
}
