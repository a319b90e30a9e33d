package io.firmsim.simulator.population;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.random.CounterRng;
import io.firmsim.zoo.modelspec.ModelConstants;
import io.firmsim.zoo.vocabulary.StateVariable;

/**
 * Synthetic start-up firms (MODEL.md section 5, Velez-Pareja's construction): {@code CA ~
 * Uniform(0.2, 0.6) * 1e6}, {@code URE = CA}, {@code SC = max(0.3 URE, min share capital)}, {@code
 * RR = 0.3 URE}, {@code MA = URE / 1.5}, {@code BU = MA}, {@code OFA = 6 MA}, {@code CL = CA},
 * {@code LL} closing the balance identity, the start-up purchases as last year's flows, {@code
 * Public ~ Bernoulli(0.01)}, {@code ruralare ~ Bernoulli(0.2)}, {@code largcity ~ Bernoulli(0.3)}
 * and {@code marketw = (K_i / mean K) / market_firms} (MODEL.md sections 1 and 5).
 *
 * <p>Why {@code market_firms} and not the population's own size: a simulated population is a sample
 * of the firms a market holds, and with the paper's coefficients a unit of {@code marketw} moves a
 * firm's levels by up to 1.5e8 SEK, so a share of the simulated population ({@code 1 / N} on
 * average) would make 50 simulated firms behave unlike a million. {@code K} is total assets at t=0
 * and the mean is over the generated population, so {@code marketw} averages {@code 1 /
 * market_firms} whatever the number of firms simulated.
 *
 * <p>Firm {@code i} has id {@code i} and its values are a pure function of (seed, i) and the
 * population's mean total assets, so any slice of the population can be generated alone. The mean
 * is summed once, in firm order, at construction. Class is immutable and thread-safe.
 */
public final class StartupPopulation implements PopulationSource {
  private static final int STREAM_CA = 0;
  private static final int STREAM_PUBLIC = 1;
  private static final int STREAM_RURAL = 2;
  private static final int STREAM_LARGE_CITY = 3;

  private final CounterRng rng;
  private final int firms;
  private final double minShareCapital;
  private final double meanTotalAssets;
  private final int marketFirms;

  /** Firms a market holds unless told otherwise (MODEL.md section 1). */
  public static final int DEFAULT_MARKET_FIRMS = 4000;

  /**
   * A population with {@link #DEFAULT_MARKET_FIRMS} firms per market.
   *
   * @param seed the run's seed
   * @param firms population size, positive
   * @param constants the model's constants (minimum share capital)
   * @throws BadInputException if {@code firms} is not positive
   */
  public StartupPopulation(long seed, int firms, ModelConstants constants) {
    this(seed, firms, constants, DEFAULT_MARKET_FIRMS);
  }

  /**
   * @param seed the run's seed
   * @param firms population size, positive
   * @param constants the model's constants (minimum share capital)
   * @param marketFirms the number of firms a market holds, at least 1: a firm of average size has
   *     {@code marketw = 1 / marketFirms}
   * @throws BadInputException if {@code firms} or {@code marketFirms} is below 1
   */
  public StartupPopulation(long seed, int firms, ModelConstants constants, int marketFirms) {
    this(seed, firms, constants, marketFirms, Double.NaN);
  }

  /**
   * The population of {@link #StartupPopulation(long, int, ModelConstants, int)} with its mean
   * total assets already known (a scale-out task generating its slice of a population whose mean
   * the driver summed once): the same firms, without summing the mean again.
   *
   * @param meanTotalAssets {@link #meanTotalAssets()} of the population with the same seed, size
   *     and constants
   * @throws BadInputException if {@code firms} or {@code marketFirms} is below 1
   * @throws IllegalArgumentException if the mean is not finite and positive
   */
  public static StartupPopulation withMeanTotalAssets(
      long seed, int firms, ModelConstants constants, int marketFirms, double meanTotalAssets) {
    if (!(meanTotalAssets > 0) || !Double.isFinite(meanTotalAssets)) {
      throw new IllegalArgumentException(
          "mean total assets must be finite and positive, found " + meanTotalAssets);
    }
    return new StartupPopulation(seed, firms, constants, marketFirms, meanTotalAssets);
  }

  private StartupPopulation(
      long seed, int firms, ModelConstants constants, int marketFirms, double knownMean) {
    if (firms <= 0) {
      throw new BadInputException("the number of firms must be at least 1, found " + firms);
    }
    if (marketFirms < 1) {
      throw new BadInputException(
          "the number of firms per market (--market-firms) must be at least 1, found "
              + marketFirms);
    }
    this.rng = new CounterRng(seed);
    this.firms = firms;
    this.minShareCapital = constants.minShareCapital();
    this.marketFirms = marketFirms;
    if (Double.isNaN(knownMean)) {
      double total = 0;
      for (int i = 0; i < firms; i++) {
        total += totalAssets(currentAssets(i));
      }
      this.meanTotalAssets = total / firms;
    } else {
      this.meanTotalAssets = knownMean;
    }
  }

  /** The population's mean total assets at t=0, summed in firm order (the scale of marketw). */
  public double meanTotalAssets() {
    return meanTotalAssets;
  }

  /** The number of firms a market holds, which sets the scale of {@code marketw}. */
  public int marketFirms() {
    return marketFirms;
  }

  @Override
  public int size() {
    return firms;
  }

  private double currentAssets(long firm) {
    return (0.2 + 0.4 * CounterRng.uniform(rng.base(firm, CounterRng.POPULATION_YEAR), STREAM_CA))
        * 1e6;
  }

  private static double totalAssets(double ca) {
    double ma = ca / 1.5;
    return ca + ma + ma + 6 * ma;
  }

  /** Firms {@code [from, to)}. */
  @Override
  public Population slice(int from, int to) {
    if (from < 0 || to > firms || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + firms);
    }
    int n = to - from;
    int width = StateVariable.count();
    long[] ids = new long[n];
    double[] v = new double[n * width];
    for (int r = 0; r < n; r++) {
      long id = from + r;
      ids[r] = id;
      long base = rng.base(id, CounterRng.POPULATION_YEAR);
      int o = r * width;
      double ca = currentAssets(id);
      double ure = ca;
      double ma = ure / 1.5;
      double bu = ma;
      double ofa = 6 * ma;
      double cl = ca;
      double sc = Math.max(0.3 * ure, minShareCapital);
      double rr = 0.3 * ure;
      double ll = (ca + ma + bu + ofa) - (ure + sc + rr + cl);
      v[o + StateVariable.CA.index()] = ca;
      v[o + StateVariable.MA.index()] = ma;
      v[o + StateVariable.BU.index()] = bu;
      v[o + StateVariable.OFA.index()] = ofa;
      v[o + StateVariable.CL.index()] = cl;
      v[o + StateVariable.LL.index()] = ll;
      v[o + StateVariable.SC.index()] = sc;
      v[o + StateVariable.RR.index()] = rr;
      v[o + StateVariable.URE.index()] = ure;
      v[o + StateVariable.CMA.index()] = ma;
      v[o + StateVariable.IMA.index()] = ma;
      v[o + StateVariable.IBU.index()] = bu;
      v[o + StateVariable.DCA.index()] = ca;
      v[o + StateVariable.DCL.index()] = cl;
      v[o + StateVariable.Public.index()] = bernoulli(base, STREAM_PUBLIC, 0.01);
      v[o + StateVariable.ruralare.index()] = bernoulli(base, STREAM_RURAL, 0.2);
      v[o + StateVariable.largcity.index()] = bernoulli(base, STREAM_LARGE_CITY, 0.3);
      v[o + StateVariable.marketw.index()] = totalAssets(ca) / meanTotalAssets / marketFirms;
      // ASD, OUR, OL, PF vintages, the other lag flows, FAAB and market stay 0.
    }
    return new Population(ids, v);
  }

  private static double bernoulli(long base, int stream, double p) {
    return CounterRng.uniform(base, stream) < p ? 1.0 : 0.0;
  }
}
