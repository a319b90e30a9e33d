package io.firmsim.simulator.bands;

import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The spread of a population's aggregates across macro paths: for every reported year and every
 * numeric column of {@code aggregates.csv} after {@code year} and {@code firms} (the state sums,
 * the flow sums and {@code max_balance_gap}), the mean and the 5%, 50% and 95% quantiles of the
 * values the paths gave ({@link Quantiles}: type 7, R's default). The runs are of the same
 * population with the same seed, so the firms' draws are the same in every run and the bands show
 * the macro paths' effect alone.
 *
 * <p>Written as {@value #FILE} in long form, one row per year and column: {@code
 * year,column,mean,p05,p50,p95}, values with {@link Double#toString(double)} (they read back as the
 * same doubles). Class is immutable.
 */
public final class AggregateBands {
  /** File name of the bands in the output folder. */
  public static final String FILE = "aggregates-bands.csv";

  /** The probabilities of the written quantiles. */
  public static final double[] PROBABILITIES = {0.05, 0.5, 0.95};

  private final int startYear;
  private final List<String> columns;
  private final int paths;
  private final double[][] mean; // [year][column]
  private final double[][][] quantile; // [probability][year][column]

  private AggregateBands(
      int startYear, List<String> columns, int paths, double[][] mean, double[][][] quantile) {
    this.startYear = startYear;
    this.columns = columns;
    this.paths = paths;
    this.mean = mean;
    this.quantile = quantile;
  }

  /**
   * The bands of the results of one population under several macro paths.
   *
   * @throws IllegalArgumentException if {@code results} is empty, or the results differ in their
   *     years or firm count (they are not runs of one population)
   */
  public static AggregateBands of(List<SimulationResult> results) {
    Objects.requireNonNull(results, "results");
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no results to summarize");
    }
    SimulationResult first = results.get(0);
    for (SimulationResult r : results) {
      if (r.startYear() != first.startYear()
          || r.years() != first.years()
          || r.firms() != first.firms()) {
        throw new IllegalArgumentException(
            "results of different runs: years "
                + r.startYear()
                + "+"
                + r.years()
                + " and "
                + first.startYear()
                + "+"
                + first.years()
                + ", firms "
                + r.firms()
                + " and "
                + first.firms());
      }
    }
    List<String> columns = new ArrayList<>(SimulationResult.aggregateColumns());
    columns.add("max_balance_gap");
    int years = first.years();
    int k = results.size();
    double[][] mean = new double[years][columns.size()];
    double[][][] quantile = new double[PROBABILITIES.length][years][columns.size()];
    double[] across = new double[k];
    for (int y = 0; y < years; y++) {
      for (int c = 0; c < columns.size(); c++) {
        for (int i = 0; i < k; i++) {
          across[i] = value(results.get(i), y, c);
        }
        mean[y][c] = Quantiles.mean(across);
        for (int q = 0; q < PROBABILITIES.length; q++) {
          quantile[q][y][c] = Quantiles.type7(across, PROBABILITIES[q]);
        }
      }
    }
    return new AggregateBands(
        first.startYear(), Collections.unmodifiableList(columns), k, mean, quantile);
  }

  /** Column {@code c} of year index {@code y}, in the order of {@code aggregates.csv}. */
  private static double value(SimulationResult r, int y, int c) {
    int states = 0;
    for (StateVariable v : StateVariable.all()) {
      if (v.kind() != StateVariable.Kind.CHARACTERISTIC) {
        if (states == c) {
          return r.stateSum(y, v);
        }
        states++;
      }
    }
    int f = c - states;
    if (f < FlowVariable.count()) {
      return r.flowSum(y, FlowVariable.all().get(f));
    }
    return r.maxBalanceGap(y);
  }

  /** Number of paths summarized. */
  public int paths() {
    return paths;
  }

  /** Number of the first reported year. */
  public int startYear() {
    return startYear;
  }

  /** Number of reported years. */
  public int years() {
    return mean.length;
  }

  /** The summarized columns, in the order of {@code aggregates.csv}. */
  public List<String> columns() {
    return columns;
  }

  /** Mean across paths of column {@code c} in year index {@code y} (0-based). */
  public double mean(int y, int c) {
    return mean[y][c];
  }

  /**
   * Quantile across paths of column {@code c} in year index {@code y} at {@code PROBABILITIES[q]}.
   */
  public double quantile(int q, int y, int c) {
    return quantile[q][y][c];
  }

  /** Writes the bands as CSV (class doc). */
  public void write(Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("year,column,mean,p05,p50,p95\n");
      for (int y = 0; y < years(); y++) {
        for (int c = 0; c < columns.size(); c++) {
          w.write(Integer.toString(startYear + y));
          w.write(',');
          w.write(columns.get(c));
          w.write(',');
          w.write(Double.toString(mean[y][c]));
          for (int q = 0; q < PROBABILITIES.length; q++) {
            w.write(',');
            w.write(Double.toString(quantile[q][y][c]));
          }
          w.write('\n');
        }
      }
    }
  }
}
