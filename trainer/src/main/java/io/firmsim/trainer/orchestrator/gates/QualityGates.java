package io.firmsim.trainer.orchestrator.gates;

import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.config.TrainingConfig.Gates;
import io.firmsim.trainer.orchestrator.gates.GateReport.Finding;
import io.firmsim.trainer.orchestrator.gates.GateReport.Outcome;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.Subsamples;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Method;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoublePredicate;

/**
 * The data-quality gates run on a panel before any fit: if one fails, the run stops with the {@link
 * GateReport} and nothing is trained or written. The gates, in order:
 *
 * <ol>
 *   <li><b>RequiredColumns</b>: the header has {@code firm_id}, {@code year} and every state and
 *       flow column, each once; every row has as many cells as the header; there is at least one
 *       row. Extra columns are ignored. If this gate fails the others are not run.
 *   <li><b>FirmYearKeys</b>: firm ids are non-negative integers, years integers, and no (firm,
 *       year) pair repeats (the rows after the first of a pair are counted).
 *   <li><b>MissingShare</b>: per column, the share of cells that are empty, not a number, NaN or
 *       infinite must not exceed {@code maxMissingShare}.
 *   <li><b>BalanceIdentity</b>: a row with all balance-sheet cells finite fails when {@code |assets
 *       - liabilities| > balanceTolerance * max(1, assets)} (MODEL.md section 1).
 *   <li><b>NonNegativeStocks</b>: per stock that must not be negative ({@link
 *       StateVariable#nonNegative()}), a finite value below {@code -negativeTolerance * max(1,
 *       assets)} fails its row.
 *   <li><b>Outliers</b>: per state and flow column (not the fixed characteristics, which are
 *       indicators and shares), a finite value is extreme when its robust z, {@code |x - median| /
 *       scale}, exceeds {@code outlierZ}, where {@code scale = max(1.4826 MAD, IQR / 1.349, 1e-6 x
 *       median |x| over the non-zero values, 1e-9)}: the floor keeps a column whose values agree to
 *       many digits from calling rounding noise extreme. For a column with {@code MAD = 0} (most
 *       values equal, as in a mostly-zero flow) the median and MAD are those of the values that
 *       differ from the median; a column whose values are all equal has none. Extreme values are
 *       counted and reported; the gate fails when their share of the column's finite values exceeds
 *       {@code maxOutlierShare}.
 *   <li><b>MinObservations</b>: on the rows a fit can use ({@link RawPanel#completePanel}) that
 *       have their firm's previous year (the rows of {@code FeatureTable}), every submodel of the
 *       selected equations must have at least {@code minObservations} rows in its subsample (the
 *       rows of {@link Subsamples}); every outcome of a binary submodel (0 and 1) and of the
 *       ordinal one (-1, 0, 1), and the uncensored (positive) values of a Tobit, at least {@code
 *       minEvents}. Not run when FirmYearKeys failed.
 * </ol>
 *
 * <p>Findings name the gate, the subject (column, {@code balance sheet} or submodel {@code
 * TARGET.submodel}), the number of failing rows and up to five example rows by their position in
 * the source (CSV line numbers). The checks read only the panel: they write nothing anywhere.
 * Stateless and thread-safe.
 */
public final class QualityGates {
  public static final String REQUIRED_COLUMNS = "RequiredColumns";
  public static final String FIRM_YEAR_KEYS = "FirmYearKeys";
  public static final String MISSING_SHARE = "MissingShare";
  public static final String BALANCE_IDENTITY = "BalanceIdentity";
  public static final String NON_NEGATIVE_STOCKS = "NonNegativeStocks";
  public static final String OUTLIERS = "Outliers";
  public static final String MIN_OBSERVATIONS = "MinObservations";

  /** All gates in the order they run. */
  public static final List<String> GATES =
      List.of(
          REQUIRED_COLUMNS,
          FIRM_YEAR_KEYS,
          MISSING_SHARE,
          BALANCE_IDENTITY,
          NON_NEGATIVE_STOCKS,
          OUTLIERS,
          MIN_OBSERVATIONS);

  /** MAD to standard deviation under normality. */
  private static final double MAD_SCALE = 1.4826;

  /** The interquartile range of a standard normal distribution. */
  private static final double QUARTILE_SPREAD = 1.349;

  /** The outlier gate's scale is at least this share of a column's typical magnitude. */
  static final double RELATIVE_SCALE_FLOOR = 1e-6;

  /** The outlier gate's scale is at least this (SEK, or the column's unit). */
  static final double ABSOLUTE_SCALE_FLOOR = 1e-9;

  private static final List<Integer> ASSETS = indices(StateVariable.Kind.ASSET);
  private static final List<Integer> LIABILITIES = indices(StateVariable.Kind.LIABILITY);

  private QualityGates() {}

  /**
   * Runs the gates with the thresholds and equation selection of a configuration.
   *
   * @throws io.firmsim.zoo.modelspec.ModelSpecException if the base model cannot be loaded
   */
  public static GateReport check(RawPanel raw, TrainingConfig config) {
    Objects.requireNonNull(config, "config");
    return check(
        raw, config.model().base().loadStructure(), config.training().equations(), config.gates());
  }

  /**
   * Runs the gates.
   *
   * @param raw the panel as read
   * @param base the model whose submodels are fitted
   * @param equations targets of the equations to fit (their submodels are checked by
   *     MinObservations)
   * @param thresholds the thresholds; when not {@code enabled}, the report holds one passing
   *     finding saying so
   * @throws IllegalArgumentException if an equation is not in {@code base}
   */
  public static GateReport check(
      RawPanel raw, ModelSpec base, List<String> equations, Gates thresholds) {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(equations, "equations");
    Objects.requireNonNull(thresholds, "thresholds");
    List<EquationSpec> selected = new ArrayList<>();
    for (String target : equations) {
      selected.add(base.equation(target));
    }
    List<Finding> out = new ArrayList<>();
    if (!thresholds.enabled()) {
      out.add(
          new Finding(
              "All", "all", Outcome.PASSED, 0, List.of(), "gates disabled (gates.enabled: false)"));
      return new GateReport(raw.source, raw.rowUnit, raw.rows, out);
    }
    boolean columnsOk = requiredColumns(raw, out);
    if (!columnsOk) {
      for (String gate : GATES.subList(1, GATES.size())) {
        out.add(
            new Finding(
                gate,
                "all",
                Outcome.NOT_RUN,
                0,
                List.of(),
                "not run: " + REQUIRED_COLUMNS + " failed"));
      }
      return new GateReport(raw.source, raw.rowUnit, raw.rows, out);
    }
    boolean keysOk = firmYearKeys(raw, out);
    missingShare(raw, thresholds, out);
    balanceIdentity(raw, thresholds, out);
    nonNegativeStocks(raw, thresholds, out);
    outliers(raw, thresholds, out);
    if (keysOk) {
      minObservations(raw, selected, thresholds, out);
    } else {
      out.add(
          new Finding(
              MIN_OBSERVATIONS,
              "all",
              Outcome.NOT_RUN,
              0,
              List.of(),
              "not run: " + FIRM_YEAR_KEYS + " failed"));
    }
    return new GateReport(raw.source, raw.rowUnit, raw.rows, out);
  }

  // ------------------------------------------------------------------ the gates

  private static boolean requiredColumns(RawPanel raw, List<Finding> out) {
    int before = out.size();
    for (String name : raw.missingColumns) {
      out.add(
          new Finding(
              REQUIRED_COLUMNS,
              name,
              Outcome.FAILED,
              raw.rows,
              List.of(),
              "missing column: the header has no '" + name + "'"));
    }
    for (String name : raw.duplicateColumns) {
      out.add(
          new Finding(
              REQUIRED_COLUMNS,
              name,
              Outcome.FAILED,
              raw.rows,
              List.of(),
              "column '" + name + "' appears more than once in the header"));
    }
    if (raw.ragged > 0) {
      out.add(
          new Finding(
              REQUIRED_COLUMNS,
              "row width",
              Outcome.FAILED,
              raw.ragged,
              boxed(raw.raggedExamples),
              raw.ragged + " rows do not have the header's " + raw.header.size() + " cells"));
    }
    if (raw.rows == 0) {
      out.add(
          new Finding(
              REQUIRED_COLUMNS,
              "rows",
              Outcome.FAILED,
              0,
              List.of(),
              "the panel has no data rows"));
    }
    if (out.size() == before) {
      out.add(
          passed(
              REQUIRED_COLUMNS,
              "all "
                  + (2 + RawPanel.V)
                  + " panel columns present"
                  + (raw.extraColumns.isEmpty()
                      ? ""
                      : "; ignored extra columns " + raw.extraColumns)));
      return true;
    }
    return false;
  }

  private static boolean firmYearKeys(RawPanel raw, List<Finding> out) {
    int before = out.size();
    Examples badId = new Examples(raw);
    Examples badYear = new Examples(raw);
    Examples repeated = new Examples(raw);
    Map<Long, Map<Integer, Integer>> seen = new HashMap<>();
    for (int r = 0; r < raw.rows; r++) {
      byte p = raw.keyProblems[r];
      if ((p & 1) != 0) {
        badId.add(r);
      }
      if ((p & 2) != 0) {
        badYear.add(r);
      }
      if (p == 0) {
        Integer first =
            seen.computeIfAbsent(raw.firmIds[r], k -> new HashMap<>(8))
                .putIfAbsent(raw.years[r], r);
        if (first != null) {
          repeated.add(r);
        }
      }
    }
    if (badId.count > 0) {
      out.add(
          badId.finding(
              FIRM_YEAR_KEYS,
              "firm_id",
              badId.count + " rows whose firm id is missing, not an integer or negative"));
    }
    if (badYear.count > 0) {
      out.add(
          badYear.finding(
              FIRM_YEAR_KEYS,
              "year",
              badYear.count + " rows whose year is missing or not an integer"));
    }
    if (repeated.count > 0) {
      out.add(
          repeated.finding(
              FIRM_YEAR_KEYS,
              "firm_id, year",
              repeated.count + " rows repeat the (firm, year) of an earlier row"));
    }
    if (out.size() == before) {
      out.add(passed(FIRM_YEAR_KEYS, "firm ids and years valid, no (firm, year) repeated"));
      return true;
    }
    return false;
  }

  private static void missingShare(RawPanel raw, Gates g, List<Finding> out) {
    int before = out.size();
    for (int k = 0; k < RawPanel.V; k++) {
      double[] col = raw.values[k];
      Examples bad = new Examples(raw);
      for (int r = 0; r < raw.rows; r++) {
        if (!Double.isFinite(col[r])) {
          bad.add(r);
        }
      }
      double share = (double) bad.count / raw.rows;
      if (share > g.maxMissingShare()) {
        out.add(
            bad.finding(
                MISSING_SHARE,
                RawPanel.VALUE_NAMES.get(k),
                String.format(
                    "%d of %d cells (%s) empty, not a number or not finite; at most %s "
                        + "allowed (gates.maxMissingShare)",
                    bad.count, raw.rows, pct(share), pct(g.maxMissingShare()))));
      }
    }
    if (out.size() == before) {
      out.add(
          passed(
              MISSING_SHARE,
              "no column above " + pct(g.maxMissingShare()) + " missing or non-finite cells"));
    }
  }

  /** Total assets of a row over its finite asset cells. */
  private static double assets(RawPanel raw, int r) {
    double a = 0;
    for (int k : ASSETS) {
      double v = raw.values[k][r];
      if (Double.isFinite(v)) {
        a += v;
      }
    }
    return a;
  }

  private static void balanceIdentity(RawPanel raw, Gates g, List<Finding> out) {
    Examples bad = new Examples(raw);
    double worst = 0;
    long worstAt = -1;
    rows:
    for (int r = 0; r < raw.rows; r++) {
      double a = 0;
      double l = 0;
      for (int k : ASSETS) {
        double v = raw.values[k][r];
        if (!Double.isFinite(v)) {
          continue rows;
        }
        a += v;
      }
      for (int k : LIABILITIES) {
        double v = raw.values[k][r];
        if (!Double.isFinite(v)) {
          continue rows;
        }
        l += v;
      }
      double gap = Math.abs(a - l) / Math.max(1, a);
      if (gap > g.balanceTolerance()) {
        bad.add(r);
        if (gap > worst) {
          worst = gap;
          worstAt = raw.positions[r];
        }
      }
    }
    if (bad.count > 0) {
      out.add(
          bad.finding(
              BALANCE_IDENTITY,
              "balance sheet",
              String.format(
                  "%d rows break CA + MA + BU + OFA = CL + LL + ASD + OUR + SC + RR + URE + PF0..PF5 by "
                      + "more than %s x max(1, assets) (gates.balanceTolerance); largest gap %.3g x "
                      + "max(1, assets) at %s %d",
                  bad.count, g.balanceTolerance(), worst, raw.rowUnit, worstAt)));
    } else {
      out.add(
          passed(
              BALANCE_IDENTITY,
              "every row balances within " + g.balanceTolerance() + " x max(1, assets)"));
    }
  }

  private static void nonNegativeStocks(RawPanel raw, Gates g, List<Finding> out) {
    int before = out.size();
    for (StateVariable v : StateVariable.all()) {
      if (!v.nonNegative()) {
        continue;
      }
      double[] col = raw.values[v.index()];
      Examples bad = new Examples(raw);
      double lowest = 0;
      for (int r = 0; r < raw.rows; r++) {
        double x = col[r];
        if (Double.isFinite(x) && x < -g.negativeTolerance() * Math.max(1, assets(raw, r))) {
          bad.add(r);
          lowest = Math.min(lowest, x);
        }
      }
      if (bad.count > 0) {
        out.add(
            bad.finding(
                NON_NEGATIVE_STOCKS,
                v.name(),
                String.format(
                    "%d rows with %s below -%s x max(1, assets) (gates.negativeTolerance); lowest %s",
                    bad.count, v.name(), g.negativeTolerance(), lowest)));
      }
    }
    if (out.size() == before) {
      out.add(passed(NON_NEGATIVE_STOCKS, "no stock that must be non-negative is negative"));
    }
  }

  private static void outliers(RawPanel raw, Gates g, List<Finding> out) {
    boolean failed = false;
    long counted = 0;
    for (int k = 0; k < RawPanel.V; k++) {
      if (k < RawPanel.S && StateVariable.at(k).kind() == StateVariable.Kind.CHARACTERISTIC) {
        continue;
      }
      double[] col = raw.values[k];
      double[] finite = Arrays.stream(col, 0, raw.rows).filter(Double::isFinite).toArray();
      if (finite.length == 0) {
        continue;
      }
      double[] centre = robustCentre(finite);
      if (centre == null) {
        continue; // all values equal
      }
      double median = centre[0];
      double scale = robustScale(centre[1], finite);
      double excluded = centre[2];
      Examples extreme = new Examples(raw);
      for (int r = 0; r < raw.rows; r++) {
        double x = col[r];
        if (Double.isFinite(x) && x != excluded && Math.abs(x - median) / scale > g.outlierZ()) {
          extreme.add(r);
        }
      }
      if (extreme.count == 0) {
        continue;
      }
      counted += extreme.count;
      double share = (double) extreme.count / finite.length;
      boolean fails = share > g.maxOutlierShare();
      failed |= fails;
      String name = RawPanel.VALUE_NAMES.get(k);
      out.add(
          new Finding(
              OUTLIERS,
              name,
              fails ? Outcome.FAILED : Outcome.PASSED,
              extreme.count,
              extreme.list(),
              String.format(
                  "%d of %d values (%s) with robust z above %s (median %.6g, scale %.6g); %s "
                      + "(gates.maxOutlierShare %s)",
                  extreme.count,
                  finite.length,
                  pct(share),
                  g.outlierZ(),
                  median,
                  scale,
                  fails ? "too many" : "counted",
                  pct(g.maxOutlierShare()))));
    }
    if (counted == 0) {
      out.add(passed(OUTLIERS, "no value with robust z above " + g.outlierZ()));
    } else if (!failed) {
      out.add(
          new Finding(
              OUTLIERS,
              "all",
              Outcome.PASSED,
              counted,
              List.of(),
              counted + " extreme values counted, no column above " + pct(g.maxOutlierShare())));
    }
  }

  /**
   * The robust scale of a column: {@code 1.4826 MAD}, or the interquartile range divided by 1.349
   * when that is larger (both estimate the standard deviation under normality; the second keeps a
   * column with two modes, such as share capital that most firms leave at the minimum and some
   * raise, from calling a whole mode extreme), floored at {@value #RELATIVE_SCALE_FLOOR} times the
   * column's typical magnitude (the median of its non-zero absolute values) and at {@value
   * #ABSOLUTE_SCALE_FLOOR}, so that a column whose values agree to many digits (a stock that barely
   * moves) does not call rounding noise an outlier.
   */
  static double robustScale(double mad, double[] finite) {
    double[] magnitudes = Arrays.stream(finite).map(Math::abs).filter(v -> v > 0).toArray();
    double typical = magnitudes.length == 0 ? 0 : median(magnitudes);
    double[] sorted = finite.clone();
    Arrays.sort(sorted);
    double q25 = sorted[(int) Math.floor(0.25 * (sorted.length - 1))];
    double q75 = sorted[(int) Math.ceil(0.75 * (sorted.length - 1))];
    double spread = (q75 - q25) / QUARTILE_SPREAD;
    return Math.max(
        Math.max(MAD_SCALE * mad, spread),
        Math.max(RELATIVE_SCALE_FLOOR * typical, ABSOLUTE_SCALE_FLOOR));
  }

  /**
   * {median, MAD, excluded}: the median and MAD of the values, or, when the MAD is 0, those of the
   * values that differ from the median, which is then {@code excluded} (never extreme); NaN when
   * nothing is excluded. Null when all values are equal.
   */
  static double[] robustCentre(double[] values) {
    double median = median(values.clone());
    double mad = mad(values, median);
    if (mad > 0) {
      return new double[] {median, mad, Double.NaN};
    }
    double[] rest = Arrays.stream(values).filter(v -> v != median).toArray();
    if (rest.length == 0) {
      return null;
    }
    double m = median(rest.clone());
    double d = mad(rest, m);
    if (d > 0) {
      return new double[] {m, d, median};
    }
    // the differing values are themselves all equal: only their spread from the mode counts
    return new double[] {median, Math.abs(m - median), Double.NaN};
  }

  private static double mad(double[] values, double median) {
    double[] dev = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      dev[i] = Math.abs(values[i] - median);
    }
    return median(dev);
  }

  /** Median of an array, which it sorts. */
  private static double median(double[] a) {
    Arrays.sort(a);
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
  }

  private static void minObservations(
      RawPanel raw, List<EquationSpec> equations, Gates g, List<Finding> out) {
    int before = out.size();
    Panel panel = raw.completePanel(null);
    for (EquationSpec e : equations) {
      double[] v = targetValues(panel, e.target());
      for (String sub : e.method().submodels()) {
        String subject = e.target() + "." + sub;
        Counts c = counts(v, e.method(), sub);
        if (c.rows < g.minObservations()) {
          out.add(
              new Finding(
                  MIN_OBSERVATIONS,
                  subject,
                  Outcome.FAILED,
                  c.rows,
                  List.of(),
                  String.format(
                      "%d observations (%s), at least %d needed (gates.minObservations)",
                      c.rows, c.rowsLabel, g.minObservations())));
        }
        for (int i = 0; i < c.outcomeLabels.length; i++) {
          if (c.outcomes[i] < g.minEvents()) {
            out.add(
                new Finding(
                    MIN_OBSERVATIONS,
                    subject,
                    Outcome.FAILED,
                    c.outcomes[i],
                    List.of(),
                    String.format(
                        "%d observations with outcome %s, at least %d needed (gates.minEvents)",
                        c.outcomes[i], c.outcomeLabels[i], g.minEvents())));
          }
        }
      }
    }
    if (out.size() == before) {
      out.add(
          passed(
              MIN_OBSERVATIONS,
              "every submodel of " + equations.size() + " equations has enough observations"));
    }
  }

  /** The target's values on the panel rows whose previous year is present (FeatureTable rows). */
  static double[] targetValues(Panel panel, String target) {
    StateVariable s = StateVariable.byName(target).orElse(null);
    FlowVariable f = s != null ? null : FlowVariable.valueOf(target);
    double[] v = new double[panel.rows()];
    int n = 0;
    for (int r = 0; r < panel.rows(); r++) {
      if (panel.previousRow(r) >= 0) {
        v[n++] = s != null ? panel.state(r, s) : panel.flow(r, f);
      }
    }
    return Arrays.copyOf(v, n);
  }

  /**
   * Rows and outcome counts of a submodel's subsample, with the selection rules of {@link
   * Subsamples}.
   */
  record Counts(long rows, String rowsLabel, String[] outcomeLabels, long[] outcomes) {}

  static Counts counts(double[] v, Method method, String submodel) {
    Family family = method.familyOf(submodel);
    String t = "value";
    switch (submodel) {
      case "level_pos":
        return new Counts(count(v, x -> x > 0), t + " > 0", new String[0], new long[0]);
      case "level_neg":
        return new Counts(count(v, x -> x < 0), t + " < 0", new String[0], new long[0]);
      case "prob_pos":
        return binary(v, x -> x > 0, "1 (value > 0)", "0 (value <= 0)");
      case "prob_neg":
        return binary(v, x -> x < 0, "1 (value < 0)", "0 (value >= 0)");
      default:
        break;
    }
    if (family == Family.ORDINAL3) {
      return new Counts(
          v.length,
          "all rows",
          new String[] {"-1 (value < 0)", "0 (value = 0)", "1 (value > 0)"},
          new long[] {count(v, x -> x < 0), count(v, x -> x == 0), count(v, x -> x > 0)});
    }
    if (family == Family.BINARY) {
      return binary(v, x -> x != 0, "1 (value != 0)", "0 (value = 0)");
    }
    if (family == Family.HUBER && method != Method.HS) {
      return new Counts(count(v, x -> x != 0), t + " != 0", new String[0], new long[0]);
    }
    if (family == Family.TOBIT) {
      return new Counts(
          v.length,
          "all rows",
          new String[] {"uncensored (value > 0)"},
          new long[] {count(v, x -> x > 0)});
    }
    return new Counts(v.length, "all rows", new String[0], new long[0]);
  }

  private static Counts binary(double[] v, DoublePredicate event, String one, String zero) {
    long events = count(v, event);
    return new Counts(
        v.length, "all rows", new String[] {one, zero}, new long[] {events, v.length - events});
  }

  private static long count(double[] v, DoublePredicate test) {
    long n = 0;
    for (double x : v) {
      if (test.test(x)) {
        n++;
      }
    }
    return n;
  }

  // ------------------------------------------------------------------ helpers

  private static Finding passed(String gate, String detail) {
    return new Finding(gate, "all", Outcome.PASSED, 0, List.of(), detail);
  }

  private static List<Integer> indices(StateVariable.Kind kind) {
    return StateVariable.all().stream()
        .filter(v -> v.kind() == kind)
        .map(StateVariable::index)
        .toList();
  }

  private static String pct(double share) {
    return String.format("%.4g%%", 100 * share);
  }

  private static List<Long> boxed(long[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  /** A count of rows with the positions of the first few. */
  private static final class Examples {
    private final RawPanel raw;
    long count;
    private final long[] first = new long[GateReport.MAX_EXAMPLES];

    Examples(RawPanel raw) {
      this.raw = raw;
    }

    void add(int row) {
      if (count < first.length) {
        first[(int) count] = raw.positions[row];
      }
      count++;
    }

    List<Long> list() {
      return boxed(Arrays.copyOf(first, (int) Math.min(count, first.length)));
    }

    Finding finding(String gate, String subject, String detail) {
      return new Finding(gate, subject, Outcome.FAILED, count, list(), detail);
    }
  }
}
