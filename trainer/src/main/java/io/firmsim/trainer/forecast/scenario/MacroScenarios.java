package io.firmsim.trainer.forecast.scenario;

/**
 * The result of {@link MacroScenarioGenerator#generate()}: the point forecast, the rolling-origin
 * errors and K sampled paths of real GDP growth and the real interest rate (percent, N years each),
 * and {@link #dgnp} to map growth to the simulator's {@code dgnp}.
 *
 * <p>Class is immutable: arrays are copied in and out.
 */
public final class MacroScenarios {
  private final double[] pointGrowthPct;
  private final double[] pointRealrPct;
  private final int[] originYears;
  private final double[][] growthErrors;
  private final double[][] realrErrors;
  private final int[] pathOrigins;
  private final double[][] growthPct;
  private final double[][] realrPct;
  private final int firstOriginHistory;
  private final int horizon;

  MacroScenarios(
      double[] pointGrowthPct,
      double[] pointRealrPct,
      int[] originYears,
      double[][] growthErrors,
      double[][] realrErrors,
      int[] pathOrigins,
      double[][] growthPct,
      double[][] realrPct,
      int firstOriginHistory,
      int horizon) {
    this.pointGrowthPct = pointGrowthPct.clone();
    this.pointRealrPct = pointRealrPct.clone();
    this.originYears = originYears.clone();
    this.growthErrors = deepCopy(growthErrors);
    this.realrErrors = deepCopy(realrErrors);
    this.pathOrigins = pathOrigins.clone();
    this.growthPct = deepCopy(growthPct);
    this.realrPct = deepCopy(realrPct);
    this.firstOriginHistory = firstOriginHistory;
    this.horizon = horizon;
  }

  /**
   * The change of the GNP level each year when the level grows by {@code growthPct[h]} percent in
   * year h from {@code base}, the level of the year before the first: {@code L_{-1} = base}, {@code
   * dgnp_h = L_{h-1} growth_h / 100}, {@code L_h = L_{h-1} + dgnp_h}.
   *
   * @throws IllegalArgumentException if {@code base} is not positive and finite
   */
  public static double[] dgnp(double base, double[] growthPct) {
    if (!(base > 0) || !Double.isFinite(base)) {
      throw new IllegalArgumentException("the GNP base must be positive and finite, found " + base);
    }
    double[] out = new double[growthPct.length];
    double level = base;
    for (int h = 0; h < growthPct.length; h++) {
      out[h] = level * growthPct[h] / 100;
      level += out[h];
    }
    return out;
  }

  /** Number of paths K. */
  public int paths() {
    return growthPct.length;
  }

  /** Number of years N of every path. */
  public int years() {
    return pointGrowthPct.length;
  }

  /** Number of rolling origins the paths were drawn from. */
  public int origins() {
    return originYears.length;
  }

  /** The forecaster's horizon (N above it means recursive forecasts). */
  public int horizon() {
    return horizon;
  }

  /** Years of history known at the first origin (the forecaster's lookback, at least 1). */
  public int firstOriginHistory() {
    return firstOriginHistory;
  }

  /** The point forecast of real GDP growth, percent, N years. */
  public double[] pointGrowthPct() {
    return pointGrowthPct.clone();
  }

  /** The point forecast of the real interest rate, percent, N years. */
  public double[] pointRealrPct() {
    return pointRealrPct.clone();
  }

  /** The last history year of each rolling origin, in order. */
  public int[] originYears() {
    return originYears.clone();
  }

  /** Origin i's growth errors (actual minus forecast), N values. */
  public double[] growthErrors(int origin) {
    return growthErrors[origin].clone();
  }

  /** Origin i's real interest rate errors (actual minus forecast), N values. */
  public double[] realrErrors(int origin) {
    return realrErrors[origin].clone();
  }

  /** The origin index (into {@link #originYears()}) drawn by path k. */
  public int pathOrigin(int k) {
    return pathOrigins[k];
  }

  /** Path k's real GDP growth, percent, N years. */
  public double[] growthPct(int k) {
    return growthPct[k].clone();
  }

  /** Path k's real interest rate, percent, N years. */
  public double[] realrPct(int k) {
    return realrPct[k].clone();
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
