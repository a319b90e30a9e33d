package io.firmsim.simulator.calibration;

import io.firmsim.simulator.calibration.PaperTable25.Section;
import io.firmsim.simulator.calibration.Raking.Constraint;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.simulator.random.CounterRng;
import io.firmsim.zoo.modelspec.ModelConstants;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A population that looks like the Swedish incorporated businesses of Table 25 (Shahnazarian 2004)
 * at the end of 1999: generated firms with a size distribution and a balance-sheet composition,
 * then weighted by {@link Raking} so that their weighted totals equal the table's 1999 totals. The
 * weights are the number of Swedish firms each generated firm stands for; they sum to the 1999
 * sampling frame ({@value PaperTable25#FIRMS_1999} firms), so weighted totals compare with the
 * table directly (in SEK; the table prints million SEK).
 *
 * <p><b>Generation</b> (firm {@code i} is a pure function of (seed, i), drawn with {@link
 * CounterRng} in the start-up population's pseudo-year; "m(s)" is a log-normal factor {@code exp(s
 * Z - s^2/2)} of mean 1):
 *
 * <ul>
 *   <li>total assets {@code K} log-normal with log-sd {@value #LOG_SD_TOTAL_ASSETS} and the mean of
 *       Table 25 ({@code 6,236,489 MSEK / 243,131 firms = 25.65 million SEK}; median {@code mean *
 *       exp(-1.5^2/2) = 8.34} million SEK). The paper gives no size distribution; 1.5 is a guess at
 *       the spread of firm sizes that leaves the raking little to do on size;
 *   <li>each asset's share of {@code K}: its 1999 share in Table 25 times m({@value
 *       #COMPOSITION_LOG_SD}), zero with probability {@code 1 - p} (and scaled by {@code 1 / p}
 *       otherwise: {@code p} = 0.5 for BU, 0.9 for MA and OFA, 1 for CA), then normalised to sum to
 *       1;
 *   <li>each liability but {@code URE} likewise ({@code p} = 0.8 for LL, 0.6 for ASD, 0.1 for OUR,
 *       0.6 for a firm that uses periodical reserves, each vintage then present with probability
 *       0.85), {@code SC} at least the minimum share capital, and {@code URE} closes the balance
 *       identity (exactly, up to one rounding);
 *   <li>the flows of 1999, kept as lags, at their Table 25 rates to their stock times m(0.3):
 *       {@code EDEPMA}, {@code IMA} (to MA), {@code SMA} ({@code MA * rate * 2U}), {@code EDEPBU},
 *       {@code IBU} (to BU); {@code TDEPMA = EDEPMA + min(ASD, MA * rate / 0.6 * m)} for firms with
 *       ASD (so last year's ASD is not negative), {@code EDEPMA} for the others; {@code PALLO =
 *       PF0}; {@code DCA}, {@code DCL} at their rate plus a normal spread of 0.1 of the stock (at
 *       most half of it, so last year's stock is positive); {@code CASHFL} at its rate to K plus a
 *       normal spread of 0.03 K; {@code MCASH = URE + K (rate + 0.01 Z)}; {@code DIV = 0} (as in
 *       the table); {@code CMA} at its rate to MA, at least {@code IMA - SMA - TDEPMA} (so last
 *       year's is not negative); {@code DMTDM} at the table's {@code (MTDM - TDEPMA) / CMA}; {@code
 *       DMPA = 0.1 U PALLO} (the table's {@code MPA - PALLO} is negative, which the model's {@code
 *       PALLO <= MPA} does not allow); {@code OL} for 30% of firms; the {@code _1} copies drawn the
 *       same way (no jump in the first year's differences);
 *   <li>characteristics as {@link StartupPopulation} (same streams, so the same firm id gets the
 *       same {@code Public}, {@code ruralare}, {@code largcity}); {@code FAAB = market = 0}; {@code
 *       marketw = (K / mean K) / market_firms} (MODEL.md section 1) with the table's mean, which is
 *       also the raked population's weighted mean.
 * </ul>
 *
 * <p><b>Raking</b>: design weights {@code 243,131 / N}; constraints: the weighted count, the 1999
 * totals of CA, MA, BU, OFA, CL, LL, ASD, OUR, SC, RR, PF0..PF5, CMA, OL ({@code Olt}), EDEPMA,
 * SMA, IMA, EDEPBU, IBU, TDEPMA ({@code EDEPma + (TDEPma-EDEPma)}), DCA, DCL, CASHFL, MCASH and
 * DMTDM ({@code MTDM - TDEPMA}), each met to {@value Raking#DEFAULT_TOLERANCE} relative. URE is not
 * a constraint: the identity makes it the difference of the others, and the table's two totals
 * differ by 4 MSEK (its rounding), so URE comes out 4 MSEK above the table's value. PALLO equals
 * PF0 firm by firm. The table's ratios are ratios of these totals ({@link Table25Items}), so they
 * follow. See {@code docs/CALIBRATION.md} for achieved values and weight spread.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class CalibratedPopulation {
  /** Standard deviation of log total assets. */
  public static final double LOG_SD_TOTAL_ASSETS = 1.5;

  /** Log-sd of the factor around each balance-sheet share. */
  public static final double COMPOSITION_LOG_SD = 0.5;

  /** Log-sd of the factor around each lag flow's rate. */
  public static final double FLOW_LOG_SD = 0.3;

  private static final int YEAR = 1999;
  private static final int V = StateVariable.count();

  // streams in CounterRng.POPULATION_YEAR: 1-3 are StartupPopulation's characteristics
  private static final int STREAM_PUBLIC = 1;
  private static final int STREAM_RURAL = 2;
  private static final int STREAM_LARGE_CITY = 3;
  private static final int STREAM_FIRST = 16; // then two uniforms per normal draw

  /**
   * One weighted total the raking met (SEK; a count for firms).
   *
   * @param name the constraint
   * @param target the table's value
   * @param design the total with the design weights, before raking
   * @param achieved the total with the calibrated weights
   */
  public record Target(String name, double target, double design, double achieved) {
    /** {@code |achieved - target| / |target|} (absolute for a zero target). */
    public double relativeError() {
      double d = Math.abs(achieved - target);
      return target == 0 ? d : d / Math.abs(target);
    }
  }

  /**
   * The spread of the calibrated weights against the design weight.
   *
   * @param design the design weight {@code 243,131 / N}
   * @param min smallest weight
   * @param max largest weight
   * @param cv coefficient of variation (standard deviation over mean)
   */
  public record WeightSpread(double design, double min, double max, double cv) {}

  private final Population population;
  private final List<Target> targets;
  private final Raking.Result raking;

  private CalibratedPopulation(Population population, List<Target> targets, Raking.Result raking) {
    this.population = population;
    this.targets = List.copyOf(targets);
    this.raking = raking;
  }

  /**
   * With the bundled Table 25 and {@link StartupPopulation#DEFAULT_MARKET_FIRMS}.
   *
   * @throws RakingException if the raking does not converge (a population too small to reach the
   *     targets)
   */
  public static CalibratedPopulation generate(long seed, int firms, ModelConstants constants) {
    return generate(
        seed, firms, constants, PaperTable25.load(), StartupPopulation.DEFAULT_MARKET_FIRMS);
  }

  /**
   * @param seed the run's seed
   * @param firms how many firms to generate, at least 100 (fewer cannot carry the 30 constraints
   *     with moderate weights)
   * @param constants the model's constants (minimum share capital)
   * @param table the targets (its 1999 column)
   * @param marketFirms firms per market, at least 1 (MODEL.md section 1)
   * @throws BadInputException for fewer than 100 firms or {@code marketFirms < 1}
   * @throws RakingException if the raking does not converge
   */
  public static CalibratedPopulation generate(
      long seed, int firms, ModelConstants constants, PaperTable25 table, int marketFirms) {
    Objects.requireNonNull(constants, "constants");
    Objects.requireNonNull(table, "table");
    Population raw = unraked(seed, firms, constants, table, marketFirms);
    double design = PaperTable25.FIRMS_1999 / (double) firms;
    double[] d = new double[firms];
    java.util.Arrays.fill(d, design);
    List<Constraint> constraints = constraints(raw, table);
    Raking.Result result = new Raking(d, constraints).solve();
    double[] w = result.weights();
    List<Target> targets = new ArrayList<>();
    for (Constraint c : constraints) {
      double[] x = c.values();
      double sum = 0;
      double before = 0;
      for (int i = 0; i < firms; i++) {
        sum += w[i] * x[i];
        before += d[i] * x[i];
      }
      targets.add(new Target(c.name(), c.target(), before, sum));
    }
    return new CalibratedPopulation(raw.withWeights(w), targets, result);
  }

  /**
   * The generated firms before raking (no weights): firm {@code i} has id {@code i} and values that
   * are a pure function of (seed, i), the table's 1999 column and the constants.
   */
  public static Population unraked(
      long seed, int firms, ModelConstants constants, PaperTable25 table, int marketFirms) {
    if (firms < 100) {
      throw new BadInputException(
          "a calibrated population needs at least 100 firms to carry its 30 raking constraints,"
              + " found "
              + firms);
    }
    if (marketFirms < 1) {
      throw new BadInputException(
          "the number of firms per market must be at least 1, found " + marketFirms);
    }
    Rates rates = new Rates(table);
    CounterRng rng = new CounterRng(seed);
    long[] ids = new long[firms];
    double[] values = new double[firms * V];
    for (int i = 0; i < firms; i++) {
      ids[i] = i;
      firm(rng.base(i, CounterRng.POPULATION_YEAR), rates, constants, marketFirms, values, i * V);
    }
    return new Population(ids, values);
  }

  /** The calibrated population, with its weights. */
  public Population population() {
    return population;
  }

  /** Every raking target with the weighted value achieved, in constraint order. */
  public List<Target> targets() {
    return targets;
  }

  /** The raking's result (weights, multipliers, iterations, errors). */
  public Raking.Result raking() {
    return raking;
  }

  /** Min, max and coefficient of variation of the weights. */
  public WeightSpread weightSpread() {
    double[] w = population.weights();
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    double sum = 0;
    for (double x : w) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
    }
    double mean = sum / w.length;
    double ss = 0;
    for (double x : w) {
      ss += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(ss / (w.length - 1));
    return new WeightSpread(PaperTable25.FIRMS_1999 / (double) w.length, min, max, sd / mean);
  }

  // ---- raking constraints

  private static List<Constraint> constraints(Population p, PaperTable25 t) {
    int n = p.size();
    List<Constraint> c = new ArrayList<>();
    c.add(Constraint.count("firms", n, PaperTable25.FIRMS_1999));
    Section as = Section.ASSETS;
    Section li = Section.LIABILITIES;
    Section is = Section.INCOME_STATEMENT;
    Section fl = Section.FLOWS;
    c.add(total(p, "CA", StateVariable.CA, t.sek(YEAR, as, "CA")));
    c.add(total(p, "MA", StateVariable.MA, t.sek(YEAR, as, "MA")));
    c.add(total(p, "BU", StateVariable.BU, t.sek(YEAR, as, "BU")));
    c.add(total(p, "OFA", StateVariable.OFA, t.sek(YEAR, as, "OFA")));
    for (String name : List.of("CL", "LL", "ASD", "OUR", "SC", "RR")) {
      c.add(total(p, name, StateVariable.valueOf(name), t.sek(YEAR, li, name)));
    }
    String[] vintages = {"PFt", "PFt-1t", "PFt-2t", "PFt-3t", "PFt-4t", "PFt-5t"};
    for (int k = 0; k < vintages.length; k++) {
      c.add(total(p, vintages[k], StateVariable.valueOf("PF" + k), t.sek(YEAR, li, vintages[k])));
    }
    c.add(total(p, "CMA", StateVariable.CMA, t.sek(YEAR, fl, "CMA")));
    c.add(total(p, "Olt", StateVariable.OL, t.sek(YEAR, is, "Olt")));
    c.add(total(p, "EDEPma", StateVariable.EDEPMA, t.sek(YEAR, is, "EDEPma")));
    c.add(total(p, "SMA", StateVariable.SMA, t.sek(YEAR, fl, "SMA")));
    c.add(total(p, "I_ma", StateVariable.IMA, t.sek(YEAR, fl, "I_ma")));
    c.add(total(p, "EDEPbu", StateVariable.EDEPBU, t.sek(YEAR, is, "EDEPbu")));
    c.add(total(p, "I_bu", StateVariable.IBU, t.sek(YEAR, fl, "I_bu")));
    c.add(
        total(
            p,
            "TDEPMA = EDEPma + (TDEPma-EDEPma)",
            StateVariable.TDEPMA,
            t.sek(YEAR, is, "EDEPma") + t.sek(YEAR, is, "TDEPma-EDEPma")));
    c.add(total(p, "dCA", StateVariable.DCA, t.sek(YEAR, fl, "dCA")));
    c.add(total(p, "dCL", StateVariable.DCL, t.sek(YEAR, fl, "dCL")));
    c.add(total(p, "CASHFL", StateVariable.CASHFL, t.sek(YEAR, fl, "CASHFL")));
    c.add(total(p, "MCASH", StateVariable.MCASH, t.sek(YEAR, fl, "MCASH")));
    c.add(
        total(
            p,
            "DMTDM = MTDM - TDEPMA",
            StateVariable.DMTDM,
            t.sek(YEAR, fl, "MTDM")
                - t.sek(YEAR, is, "EDEPma")
                - t.sek(YEAR, is, "TDEPma-EDEPma")));
    return c;
  }

  private static Constraint total(Population p, String name, StateVariable v, double target) {
    double[] x = new double[p.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = p.value(i, v);
    }
    return Constraint.total(name, x, target);
  }

  // ---- generation

  /** The table's 1999 shares and rates that generation draws around. */
  private static final class Rates {
    final double meanAssets;
    final double[] assetShare = new double[4]; // CA, MA, BU, OFA
    final double cl;
    final double ll;
    final double asd;
    final double our;
    final double sc;
    final double rr;
    final double pf; // all vintages
    final double[] vintageShare = new double[6];
    final double edepma;
    final double ima;
    final double sma;
    final double edepbu;
    final double ibu;
    final double excess; // (TDEPMA - EDEPMA) / MA
    final double dca;
    final double dcl;
    final double cashfl;
    final double mcash;
    final double cma;
    final double dmtdm;
    final double ol;

    Rates(PaperTable25 t) {
      Section as = Section.ASSETS;
      Section li = Section.LIABILITIES;
      Section is = Section.INCOME_STATEMENT;
      Section fl = Section.FLOWS;
      double k = t.sek(YEAR, as, "Total");
      meanAssets = k / PaperTable25.FIRMS_1999;
      String[] assets = {"CA", "MA", "BU", "OFA"};
      for (int j = 0; j < 4; j++) {
        assetShare[j] = t.sek(YEAR, as, assets[j]) / k;
      }
      cl = t.sek(YEAR, li, "CL") / k;
      ll = t.sek(YEAR, li, "LL") / k;
      asd = t.sek(YEAR, li, "ASD") / k;
      our = t.sek(YEAR, li, "OUR") / k;
      sc = t.sek(YEAR, li, "SC") / k;
      rr = t.sek(YEAR, li, "RR") / k;
      String[] v = {"PFt", "PFt-1t", "PFt-2t", "PFt-3t", "PFt-4t", "PFt-5t"};
      double pfSum = 0;
      for (String name : v) {
        pfSum += t.sek(YEAR, li, name);
      }
      pf = pfSum / k;
      for (int j = 0; j < 6; j++) {
        vintageShare[j] = t.sek(YEAR, li, v[j]) / pfSum;
      }
      double ma = t.sek(YEAR, as, "MA");
      double bu = t.sek(YEAR, as, "BU");
      edepma = t.sek(YEAR, is, "EDEPma") / ma;
      ima = t.sek(YEAR, fl, "I_ma") / ma;
      sma = t.sek(YEAR, fl, "SMA") / ma;
      edepbu = t.sek(YEAR, is, "EDEPbu") / bu;
      ibu = t.sek(YEAR, fl, "I_bu") / bu;
      excess = t.sek(YEAR, is, "TDEPma-EDEPma") / ma;
      dca = t.sek(YEAR, fl, "dCA") / t.sek(YEAR, as, "CA");
      dcl = t.sek(YEAR, fl, "dCL") / t.sek(YEAR, li, "CL");
      cashfl = t.sek(YEAR, fl, "CASHFL") / k;
      mcash = (t.sek(YEAR, fl, "MCASH") - t.sek(YEAR, li, "URE")) / k;
      cma = t.sek(YEAR, fl, "CMA") / ma;
      double tdepma = t.sek(YEAR, is, "EDEPma") + t.sek(YEAR, is, "TDEPma-EDEPma");
      dmtdm = (t.sek(YEAR, fl, "MTDM") - tdepma) / t.sek(YEAR, fl, "CMA");
      ol = t.sek(YEAR, is, "Olt") / k;
    }
  }

  /** Draws from a firm's streams in order: uniforms and standard normals. */
  private static final class Draws {
    private final long base;
    private int stream = STREAM_FIRST;

    Draws(long base) {
      this.base = base;
    }

    double uniform() {
      return CounterRng.uniform(base, stream++);
    }

    /** Box-Muller from two uniforms. */
    double normal() {
      double u1 = uniform();
      double u2 = uniform();
      return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A log-normal factor of mean 1. */
    double factor(double logSd) {
      return Math.exp(logSd * normal() - logSd * logSd / 2);
    }

    /** {@code share / p * factor} with probability p, else 0 (mean {@code share}). */
    double sometimes(double share, double p, double logSd) {
      boolean present = uniform() < p; // drawn first, so the stream order never depends on it
      double f = factor(logSd);
      return present ? share / p * f : 0;
    }
  }

  private static void firm(
      long base, Rates r, ModelConstants constants, int marketFirms, double[] out, int o) {
    Draws d = new Draws(base);
    double s = LOG_SD_TOTAL_ASSETS;
    double k = r.meanAssets * Math.exp(s * d.normal() - s * s / 2);
    double c = COMPOSITION_LOG_SD;
    double[] share = {
      d.sometimes(r.assetShare[0], 1.0, c),
      d.sometimes(r.assetShare[1], 0.9, c),
      d.sometimes(r.assetShare[2], 0.5, c),
      d.sometimes(r.assetShare[3], 0.9, c)
    };
    double sum = share[0] + share[1] + share[2] + share[3];
    double ca = k * share[0] / sum;
    double ma = k * share[1] / sum;
    double bu = k * share[2] / sum;
    double ofa = k * share[3] / sum;
    double assets = ca + ma + bu + ofa;
    double cl = k * d.sometimes(r.cl, 1.0, c);
    double ll = k * d.sometimes(r.ll, 0.8, c);
    double asd = k * d.sometimes(r.asd, 0.6, c);
    double our = k * d.sometimes(r.our, 0.1, c);
    double sc = Math.max(k * d.sometimes(r.sc, 1.0, c), constants.minShareCapital());
    double rr = k * d.sometimes(r.rr, 1.0, c);
    double pfAll = k * d.sometimes(r.pf, 0.6, c);
    double[] pf = new double[6];
    for (int v = 0; v < 6; v++) {
      pf[v] = pfAll * d.sometimes(r.vintageShare[v], 0.85, c);
    }
    double others = cl + ll + asd + our + sc + rr;
    for (double x : pf) {
      others += x;
    }
    double ure = assets - others;

    double f = FLOW_LOG_SD;
    double edepma = ma * r.edepma * d.factor(f);
    double ima = ma * r.ima * d.factor(f);
    double sma = ma * r.sma * 2 * d.uniform();
    double edepbu = bu * r.edepbu * d.factor(f);
    double ibu = bu * r.ibu * d.factor(f);
    // tax over book depreciation builds ASD: only firms with ASD have it (60% of firms)
    double excess = ma * r.excess / 0.6 * d.factor(f);
    double tdepma = edepma + (asd > 0 ? Math.min(asd, excess) : 0);
    double dca = Math.min(ca * (r.dca + 0.1 * d.normal()), 0.5 * ca);
    double dcl = Math.min(cl * (r.dcl + 0.1 * d.normal()), 0.5 * cl);
    double cashfl = k * (r.cashfl + 0.01 * d.normal());
    double mcash = ure + k * (r.mcash + 0.01 * d.normal());
    double cma = Math.max(ma * r.cma * d.factor(f), Math.max(0, ima - sma - tdepma));
    double dmtdm = cma * r.dmtdm * d.factor(f);
    double dmpa = 0.1 * pf[0] * d.uniform();
    double ol = k * d.sometimes(r.ol, 0.3, c);
    double cashfl1 = k * (r.cashfl + 0.01 * d.normal());
    double mcash1 = mcash - k * 0.01 * d.normal();
    double dmtdm1 = cma * r.dmtdm * d.factor(f);
    double dmpa1 = 0.1 * pf[0] * d.uniform();

    set(out, o, StateVariable.CA, ca);
    set(out, o, StateVariable.MA, ma);
    set(out, o, StateVariable.BU, bu);
    set(out, o, StateVariable.OFA, ofa);
    set(out, o, StateVariable.CL, cl);
    set(out, o, StateVariable.LL, ll);
    set(out, o, StateVariable.ASD, asd);
    set(out, o, StateVariable.OUR, our);
    set(out, o, StateVariable.SC, sc);
    set(out, o, StateVariable.RR, rr);
    set(out, o, StateVariable.URE, ure);
    for (int v = 0; v < 6; v++) {
      set(out, o, StateVariable.valueOf("PF" + v), pf[v]);
    }
    set(out, o, StateVariable.CMA, cma);
    set(out, o, StateVariable.OL, ol);
    set(out, o, StateVariable.EDEPMA, edepma);
    set(out, o, StateVariable.SMA, sma);
    set(out, o, StateVariable.IMA, ima);
    set(out, o, StateVariable.EDEPBU, edepbu);
    set(out, o, StateVariable.IBU, ibu);
    set(out, o, StateVariable.TDEPMA, tdepma);
    set(out, o, StateVariable.PALLO, pf[0]);
    set(out, o, StateVariable.DCA, dca);
    set(out, o, StateVariable.DCL, dcl);
    set(out, o, StateVariable.DIV, 0);
    set(out, o, StateVariable.CASHFL, cashfl);
    set(out, o, StateVariable.MCASH, mcash);
    set(out, o, StateVariable.DMTDM, dmtdm);
    set(out, o, StateVariable.DMPA, dmpa);
    set(out, o, StateVariable.CASHFL_1, cashfl1);
    set(out, o, StateVariable.MCASH_1, mcash1);
    set(out, o, StateVariable.DMTDM_1, dmtdm1);
    set(out, o, StateVariable.DMPA_1, dmpa1);
    set(out, o, StateVariable.FAAB, 0);
    set(out, o, StateVariable.Public, bernoulli(base, STREAM_PUBLIC, 0.01));
    set(out, o, StateVariable.ruralare, bernoulli(base, STREAM_RURAL, 0.2));
    set(out, o, StateVariable.largcity, bernoulli(base, STREAM_LARGE_CITY, 0.3));
    set(out, o, StateVariable.market, 0);
    set(out, o, StateVariable.marketw, assets / r.meanAssets / marketFirms);
  }

  private static void set(double[] out, int o, StateVariable v, double x) {
    out[o + v.index()] = x;
  }

  private static double bernoulli(long base, int stream, double p) {
    return CounterRng.uniform(base, stream) < p ? 1.0 : 0.0;
  }
}
