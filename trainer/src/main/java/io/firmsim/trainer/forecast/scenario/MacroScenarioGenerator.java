package io.firmsim.trainer.forecast.scenario;

import io.firmsim.trainer.forecast.model.Forecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Turns a univariate forecaster into K sampled annual paths of the two macro drivers (real GDP
 * growth and the real interest rate, in percent) by a joint block bootstrap of rolling-origin
 * forecast errors (docs/FORECASTING.md, "Macro scenarios from a forecaster"):
 *
 * <ol>
 *   <li><b>Point forecast.</b> The forecaster is global: the same network forecasts both series,
 *       each from its own history. Forecasts for more years than its horizon are made recursively,
 *       the forecasts fed back as history ({@link #forecastRecursively}).
 *   <li><b>Rolling-origin errors.</b> For every origin {@code t} (the first {@code t} years of the
 *       history known) with a full lookback window behind it ({@code t >= lookback}) and N actual
 *       years after it ({@code t + N <= T}), both series are forecast N years ahead in the same way
 *       and the errors {@code e_t[v][h] = actual[v][t + h] - forecast_t[v][h]} recorded. Only
 *       origins with all N years are used, so every path has errors of the same origin at every
 *       horizon; fewer than {@link Builder#optMinOrigins min origins} (default {@value
 *       #DEFAULT_MIN_ORIGINS}) is refused.
 *   <li><b>Paths.</b> Path k draws one origin uniformly and adds that origin's errors, for both
 *       variables and every horizon, to the point forecast. Drawing whole error vectors keeps the
 *       dependence across horizons (an error that persists) and between the variables (a recession
 *       year that moves both) as the history had it. Path k's origin is drawn by the k-th {@link
 *       SplittableRandom#split() split} of {@code new SplittableRandom(seed)}, so it is a pure
 *       function of (seed, k): the first K paths of a larger run are the same paths.
 * </ol>
 *
 * <p>Instances are immutable; {@link #generate()} calls the forecaster, which must not be closed
 * before.
 */
public final class MacroScenarioGenerator {
  /** Fewest rolling origins accepted by default. */
  public static final int DEFAULT_MIN_ORIGINS = 5;

  private final Forecaster forecaster;
  private final AnnualMacroHistory history;
  private final int years;
  private final int paths;
  private final long seed;
  private final int minOrigins;

  private MacroScenarioGenerator(Builder b) {
    this.forecaster = b.forecaster;
    this.history = b.history;
    this.years = b.years;
    this.paths = b.paths;
    this.seed = b.seed;
    this.minOrigins = b.minOrigins;
  }

  /** A builder: {@code setX} required, {@code optX} optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The number of rolling origins a history of {@code historyYears} years offers for forecasts of
   * {@code years} years by a forecaster with this {@code lookback}: {@code T - N - max(1, L) + 1}
   * (0 when negative).
   */
  public static int originCount(int historyYears, int years, int lookback) {
    return Math.max(0, historyYears - years - Math.max(1, lookback) + 1);
  }

  /**
   * Generates the paths.
   *
   * @throws IllegalArgumentException if the history offers fewer origins than required (the message
   *     says how many years it would need)
   * @throws IllegalStateException if the forecaster returns the wrong number of rows or values, or
   *     a value that is not finite
   */
  public MacroScenarios generate() {
    int t0 = Math.max(1, forecaster.lookback());
    int size = history.size();
    int origins = originCount(size, years, forecaster.lookback());
    if (origins < minOrigins) {
      throw new IllegalArgumentException(
          "the history "
              + history.firstYear()
              + ".."
              + history.lastYear()
              + " has "
              + size
              + " years and offers "
              + origins
              + " rolling origin(s) for "
              + years
              + "-year forecasts with lookback "
              + forecaster.lookback()
              + "; at least "
              + minOrigins
              + " are needed, so the history needs "
              + (t0 + years + minOrigins - 1)
              + " years (or ask for fewer years)");
    }
    double[] g = history.growthPct();
    double[] r = history.realrPct();

    // One batch: the full histories (point forecast) and every origin's prefixes, both variables.
    List<double[]> inputs = new ArrayList<>(2 + 2 * origins);
    inputs.add(g);
    inputs.add(r);
    for (int i = 0; i < origins; i++) {
      int t = t0 + i;
      inputs.add(Arrays.copyOf(g, t));
      inputs.add(Arrays.copyOf(r, t));
    }
    double[][] f = forecastRecursively(forecaster, inputs, years);
    double[] pointG = f[0];
    double[] pointR = f[1];
    double[][] errG = new double[origins][years];
    double[][] errR = new double[origins][years];
    int[] originYears = new int[origins];
    for (int i = 0; i < origins; i++) {
      int t = t0 + i;
      originYears[i] = history.firstYear() + t - 1;
      for (int h = 0; h < years; h++) {
        errG[i][h] = g[t + h] - f[2 + 2 * i][h];
        errR[i][h] = r[t + h] - f[3 + 2 * i][h];
      }
    }

    SplittableRandom root = new SplittableRandom(seed);
    int[] chosen = new int[paths];
    double[][] pathG = new double[paths][years];
    double[][] pathR = new double[paths][years];
    for (int k = 0; k < paths; k++) {
      int o = root.split().nextInt(origins);
      chosen[k] = o;
      for (int h = 0; h < years; h++) {
        pathG[k][h] = pointG[h] + errG[o][h];
        pathR[k][h] = pointR[h] + errR[o][h];
      }
    }
    return new MacroScenarios(
        pointG, pointR, originYears, errG, errR, chosen, pathG, pathR, t0, forecaster.horizon());
  }

  /**
   * Forecasts every history {@code n} values ahead: one call of the forecaster when {@code n <=
   * horizon}, otherwise repeated calls, each appending its forecast to the history it forecasts
   * from (recursive multi-step forecasting), until {@code n} values are known.
   *
   * @return one row of {@code n} values per history
   * @throws IllegalStateException if the forecaster returns the wrong number of rows or values, or
   *     a value that is not finite
   */
  public static double[][] forecastRecursively(
      Forecaster forecaster, List<double[]> histories, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("the number of values must be positive, found " + n);
    }
    int horizon = forecaster.horizon();
    int count = histories.size();
    double[][] extended = new double[count][];
    int[] start = new int[count];
    for (int i = 0; i < count; i++) {
      extended[i] = histories.get(i).clone();
      start[i] = extended[i].length;
    }
    int done = 0;
    while (done < n) {
      double[][] f = forecaster.forecast(Arrays.asList(extended));
      if (f.length != count) {
        throw new IllegalStateException(
            "the forecaster returned " + f.length + " forecasts for " + count + " series");
      }
      int take = Math.min(horizon, n - done);
      for (int i = 0; i < count; i++) {
        if (f[i].length != horizon) {
          throw new IllegalStateException(
              "the forecaster returned "
                  + f[i].length
                  + " values for series "
                  + (i + 1)
                  + " where its horizon is "
                  + horizon);
        }
        double[] x = Arrays.copyOf(extended[i], extended[i].length + take);
        for (int h = 0; h < take; h++) {
          if (!Double.isFinite(f[i][h])) {
            throw new IllegalStateException(
                "the forecaster returned " + f[i][h] + " for series " + (i + 1) + ", step " + h);
          }
          x[extended[i].length + h] = f[i][h];
        }
        extended[i] = x;
      }
      done += take;
    }
    double[][] out = new double[count][];
    for (int i = 0; i < count; i++) {
      out[i] = Arrays.copyOfRange(extended[i], start[i], start[i] + n);
    }
    return out;
  }

  /** Builds a {@link MacroScenarioGenerator}; {@link #build()} checks every value. */
  public static final class Builder {
    private Forecaster forecaster;
    private AnnualMacroHistory history;
    private int years;
    private int paths;
    private long seed = 1;
    private int minOrigins = DEFAULT_MIN_ORIGINS;

    private Builder() {}

    /** The forecaster (required): univariate, applied to each driver's series. */
    public Builder setForecaster(Forecaster forecaster) {
      this.forecaster = forecaster;
      return this;
    }

    /** The annual history of both drivers (required). */
    public Builder setHistory(AnnualMacroHistory history) {
      this.history = history;
      return this;
    }

    /** Number of years of every path (required, at least 1). */
    public Builder setYears(int years) {
      this.years = years;
      return this;
    }

    /** Number of paths (required, at least 1). */
    public Builder setPaths(int paths) {
      this.paths = paths;
      return this;
    }

    /** Seed of the origin draws (default 1). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Fewest rolling origins accepted (default {@value #DEFAULT_MIN_ORIGINS}, at least 1). */
    public Builder optMinOrigins(int minOrigins) {
      this.minOrigins = minOrigins;
      return this;
    }

    /**
     * The generator.
     *
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public MacroScenarioGenerator build() {
      Objects.requireNonNull(forecaster, "You must set the forecaster");
      Objects.requireNonNull(history, "You must set the history");
      if (years < 1) {
        throw new IllegalArgumentException("years must be at least 1, found " + years);
      }
      if (paths < 1) {
        throw new IllegalArgumentException("paths must be at least 1, found " + paths);
      }
      if (minOrigins < 1) {
        throw new IllegalArgumentException("minOrigins must be at least 1, found " + minOrigins);
      }
      if (forecaster.horizon() < 1) {
        throw new IllegalArgumentException(
            "the forecaster's horizon must be at least 1, found " + forecaster.horizon());
      }
      return new MacroScenarioGenerator(this);
    }
  }
}
