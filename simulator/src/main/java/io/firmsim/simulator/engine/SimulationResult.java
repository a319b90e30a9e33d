package io.firmsim.simulator.engine;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.List;

/**
 * The outcome of a run: per reported year, every state column and every flow summed over firms, the
 * firm count and the largest relative balance gap; and the loop's timing.
 *
 * <p>Sums are formed per chunk on the device in the run's precision and added across chunks in
 * float64 on the host, in chunk order; so they agree across chunk sizes to rounding, not bit for
 * bit (the per-firm panel does agree bit for bit). Class is immutable.
 */
public final class SimulationResult {
  private final int startYear;
  private final long firms;
  private final double[][] stateSums; // [year][StateVariable]
  private final double[][] flowSums; // [year][FlowVariable]
  private final double[] maxGap;
  private final long firmYearsStepped;
  private final double loopSeconds;

  SimulationResult(
      int startYear,
      long firms,
      double[][] stateSums,
      double[][] flowSums,
      double[] maxGap,
      long firmYearsStepped,
      double loopSeconds) {
    this.startYear = startYear;
    this.firms = firms;
    this.stateSums = deepCopy(stateSums);
    this.flowSums = deepCopy(flowSums);
    this.maxGap = maxGap.clone();
    this.firmYearsStepped = firmYearsStepped;
    this.loopSeconds = loopSeconds;
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  public int startYear() {
    return startYear;
  }

  public int years() {
    return maxGap.length;
  }

  public long firms() {
    return firms;
  }

  /** Sum over firms of a state column at the end of reported year index {@code y} (0-based). */
  public double stateSum(int y, StateVariable v) {
    return stateSums[y][v.index()];
  }

  /** Sum over firms of a flow in reported year index {@code y} (0-based). */
  public double flowSum(int y, FlowVariable f) {
    return flowSums[y][f.index()];
  }

  /** Largest relative balance gap over firms in reported year index {@code y}. */
  public double maxBalanceGap(int y) {
    return maxGap[y];
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
