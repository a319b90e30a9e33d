package io.firmsim.simulator.engine;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.List;

/**
 * The outcome of a run: per reported year, every state column and every flow summed over firms, the
 * firm count and the largest relative balance gap; and the loop's timing.
 *
 * <p>Sums are formed in a fixed order that depends only on the population: each tile of 512 firms
 * (firms {@code 512 t .. 512 t + 511}) is summed on the device in the run's precision by a fixed
 * pairwise tree of elementwise additions, and the tile sums are added in float64 on the host in
 * firm order. Chunks are whole tiles, so {@code aggregates.csv} is byte-identical across chunk
 * sizes and thread counts, as the per-firm panel is. Class is immutable.
 */
public final class SimulationResult {
  private static final int V = StateVariable.count();

  private final int startYear;
  private final long firms;
  private final AggregateTable table; // columns: StateVariable, then FlowVariable; never modified
  private final long firmYearsStepped;
  private final double loopSeconds;

  SimulationResult(
      int startYear, long firms, AggregateTable table, long firmYearsStepped, double loopSeconds) {
    if (table.width() != V + FlowVariable.count()) {
      throw new IllegalArgumentException("aggregate table has " + table.width() + " columns");
    }
    this.startYear = startYear;
    this.firms = firms;
    this.table = table;
    this.firmYearsStepped = firmYearsStepped;
    this.loopSeconds = loopSeconds;
  }

  /**
   * The result of a run split into parts ({@link Simulator#runPart}): the parts' tile sums are
   * added in the order given, tile after tile, as a single-machine run adds them, so that with the
   * parts in firm order the aggregates equal that run's bit for bit; the largest gaps are the
   * largest over the parts.
   *
   * @param parts the parts in firm order, at least one, all with the same years
   * @param loopSeconds the wall time to report (the parts ran side by side)
   * @throws IllegalArgumentException if the parts disagree on their years
   */
  public static SimulationResult combine(List<PartialAggregates> parts, double loopSeconds) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no parts to combine");
    }
    PartialAggregates first = parts.get(0);
    int years = first.years();
    AggregateTable table = new AggregateTable(V + FlowVariable.count());
    table.ensureRows(years);
    long firms = 0;
    long stepped = 0;
    for (PartialAggregates p : parts) {
      if (p.years() != years || p.startYear() != first.startYear()) {
        throw new IllegalArgumentException(
            "parts disagree: years "
                + p.startYear()
                + "+"
                + p.years()
                + " against "
                + first.startYear()
                + "+"
                + years);
      }
      if (p.width() != table.width()) {
        throw new IllegalArgumentException("a part has " + p.width() + " columns");
      }
      for (int y = 0; y < years; y++) {
        double[] sums = p.tileSums(y);
        for (int o = 0; o < sums.length; o += p.width()) {
          table.add(y, sums, o);
        }
        table.maxGap(y, p.maxGap(y));
      }
      firms += p.firms();
      stepped += p.firmYearsStepped();
    }
    return new SimulationResult(first.startYear(), firms, table, stepped, loopSeconds);
  }

  public int startYear() {
    return startYear;
  }

  public int years() {
    return table.rows();
  }

  public long firms() {
    return firms;
  }

  /** Sum over firms of a state column at the end of reported year index {@code y} (0-based). */
  public double stateSum(int y, StateVariable v) {
    return table.sum(y, v.index());
  }

  /** Sum over firms of a flow in reported year index {@code y} (0-based). */
  public double flowSum(int y, FlowVariable f) {
    return table.sum(y, V + f.index());
  }

  /** Largest relative balance gap over firms in reported year index {@code y}. */
  public double maxBalanceGap(int y) {
    return table.gap(y);
  }

  /** Firm-years the loop stepped, burn-in included. */
  public long firmYearsStepped() {
    return firmYearsStepped;
  }

  /** Wall time of the simulation loop alone (no input generation, no file output). */
  public double loopSeconds() {
    return loopSeconds;
  }

  /** Stepped firm-years per second of loop time. */
  public double firmYearsPerSecond() {
    return firmYearsStepped / loopSeconds;
  }

  /** Columns of an aggregate row, in order: state columns (no characteristics), then flows. */
  public static List<String> aggregateColumns() {
    java.util.ArrayList<String> cols = new java.util.ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      if (v.kind() != StateVariable.Kind.CHARACTERISTIC) {
        cols.add(v.name());
      }
    }
    for (FlowVariable f : FlowVariable.all()) {
      cols.add(f.name());
    }
    return cols;
  }
}
