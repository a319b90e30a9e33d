package io.firmsim.trainer.panel;

import static io.firmsim.zoo.vocabulary.StateVariable.BU;
import static io.firmsim.zoo.vocabulary.StateVariable.CA;
import static io.firmsim.zoo.vocabulary.StateVariable.CASHFL;
import static io.firmsim.zoo.vocabulary.StateVariable.CASHFL_1;
import static io.firmsim.zoo.vocabulary.StateVariable.CL;
import static io.firmsim.zoo.vocabulary.StateVariable.DMPA;
import static io.firmsim.zoo.vocabulary.StateVariable.DMPA_1;
import static io.firmsim.zoo.vocabulary.StateVariable.DMTDM;
import static io.firmsim.zoo.vocabulary.StateVariable.DMTDM_1;
import static io.firmsim.zoo.vocabulary.StateVariable.LL;
import static io.firmsim.zoo.vocabulary.StateVariable.MA;
import static io.firmsim.zoo.vocabulary.StateVariable.MCASH;
import static io.firmsim.zoo.vocabulary.StateVariable.MCASH_1;
import static io.firmsim.zoo.vocabulary.StateVariable.OFA;

import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoublePredicate;
import java.util.function.IntToDoubleFunction;

/**
 * Every feature of the model vocabulary ({@link Feature}, MODEL.md section 2) and every equation
 * target ({@link ModelSpec#TARGETS}) for the firm-years of a {@link Panel} that can be estimated
 * on: the rows whose firm's previous year is also in the panel. This is the design of every
 * submodel fit (MODEL.md section 6); {@link Subsamples} cuts it into the rows and columns of one
 * submodel.
 *
 * <p>Definitions (they follow the simulator's own computation in {@code
 * io.firmsim.models.step.Year} operation for operation, so on a float64 panel written by the
 * simulator a lagged feature here is bit for bit the value the simulator used):
 *
 * <ul>
 *   <li>lagged features come from the previous row's state ({@code dcasht_1 = CASHFL - CASHFL_1},
 *       {@code ddmcasht_1 = (MCASH - CASHFL) - (MCASH_1 - CASHFL_1)}, {@code MAt_1 = MA}, ...); the
 *       characteristics ({@code FAAB}, {@code Public}, ...) from the current row (they are fixed
 *       over time); {@code dgnp} and {@code realr} from the {@link MacroPath} at the current row's
 *       year;
 *   <li>current-year features come from the current row, as the simulator left them after every
 *       constraint: the lag-flow state columns ({@code EDEPMAt = EDEPMA}, {@code dcat = DCA}, ...),
 *       the flow columns ({@code OIBDt = OIBD}, {@code dofat = DOFA}, ...), {@code MPAt = DMPA +
 *       PALLO} (since {@code DMPA = MPA - PALLO}), indicators as 1.0 / 0.0, and powers;
 *   <li>targets: {@code EDEPMA SMA IMA EDEPBU IBU TDEPMA PALLO DCA DCL} from the current row's
 *       state, the other fifteen from its flows.
 * </ul>
 *
 * <p>A panel records each value once, after all its constraints (MODEL.md section 4), so targets
 * and current-year features are post-constraint values. Two simulated equations read a value before
 * a later constraint changes it: T2 and T3 read {@code EDEPMA} / {@code SMA} before the machinery
 * scaling of step 4, and T5 reads {@code EDEPBU} before its cap in step 6. Where those constraints
 * bind, {@code EDEPMAt}, {@code SMAt} / {@code smat} and {@code EDEPBUt} here differ from what
 * those equations saw; every other equation reads the final values.
 *
 * <p>Rows of the table keep the panel's order. Storage is one {@code double[rows]} column per
 * feature and per target; aliases ({@code smat} and {@code SMAt}, ...) and a current-year feature
 * equal to a target ({@code EDEPMAt} and {@code EDEPMA}, ...) share one column, so a table costs 93
 * doubles per row for the current vocabulary (670 MB for 900,000 rows). The table keeps no
 * reference to the panel.
 *
 * <p>Class is immutable: columns are copied out by the public accessors.
 */
public final class FeatureTable {
  private static final int S = Panel.S;
  private static final int F = Panel.F;
  private static final int TARGET_COUNT = ModelSpec.TARGETS.size();

  private final int rows;
  private final int[] panelRows;
  private final long[] firmIds;
  private final int[] years;
  private final double[][] features; // by Feature ordinal
  private final double[][] targets; // by table - 1

  private FeatureTable(
      int[] panelRows, long[] firmIds, int[] years, double[][] features, double[][] targets) {
    this.rows = panelRows.length;
    this.panelRows = panelRows;
    this.firmIds = firmIds;
    this.years = years;
    this.features = features;
    this.targets = targets;
  }

  /** The table of a panel under the default macro scenario ({@code dgnp = realr = 0}). */
  public static FeatureTable of(Panel panel) {
    return of(panel, MacroPath.zeros());
  }

  /**
   * The table of a panel.
   *
   * @param macro the macro path the panel's years ran under (the panel does not record it): the
   *     source of {@code dgnp} and {@code realr}
   */
  public static FeatureTable of(Panel panel, MacroPath macro) {
    Objects.requireNonNull(panel, "panel");
    Objects.requireNonNull(macro, "macro");
    int n = 0;
    for (int r = 0; r < panel.rows(); r++) {
      if (panel.previousRow(r) >= 0) {
        n++;
      }
    }
    int[] cur = new int[n];
    int[] prev = new int[n];
    long[] ids = new long[n];
    int[] yrs = new int[n];
    int i = 0;
    for (int r = 0; r < panel.rows(); r++) {
      int p = panel.previousRow(r);
      if (p >= 0) {
        cur[i] = r;
        prev[i] = p;
        ids[i] = panel.firmIds[r];
        yrs[i] = panel.years[r];
        i++;
      }
    }
    Builder b = new Builder(panel, macro, cur, prev, yrs);
    return new FeatureTable(cur, ids, yrs, b.features(), b.targets);
  }

  /** Number of firm-years in the table. */
  public int rows() {
    return rows;
  }

  /** The panel row a table row was computed for (its previous year is another panel row). */
  public int panelRow(int row) {
    return panelRows[row];
  }

  /** Firm id of a table row. */
  public long firmId(int row) {
    return firmIds[row];
  }

  /** Year of a table row: the year whose equations the features feed. */
  public int year(int row) {
    return years[row];
  }

  /** The value of a feature at a table row. */
  public double value(int row, Feature feature) {
    Objects.checkIndex(row, rows);
    return features[feature.ordinal()][row];
  }

  /**
   * The value of an equation target at a table row.
   *
   * @param target one of {@link ModelSpec#TARGETS}
   * @throws IllegalArgumentException for another name
   */
  public double target(int row, String target) {
    Objects.checkIndex(row, rows);
    return targets[targetIndex(target)][row];
  }

  /** A feature's values over all rows (a copy). */
  public double[] column(Feature feature) {
    return features[feature.ordinal()].clone();
  }

  /**
   * A target's values over all rows (a copy).
   *
   * @param target one of {@link ModelSpec#TARGETS}
   * @throws IllegalArgumentException for another name
   */
  public double[] targetColumn(String target) {
    return targets[targetIndex(target)].clone();
  }

  /** The feature's column itself, for {@link Subsamples}: must not be modified. */
  double[] columnView(Feature feature) {
    return features[feature.ordinal()];
  }

  /** The target's column itself, for {@link Subsamples}: must not be modified. */
  double[] targetView(String target) {
    return targets[targetIndex(target)];
  }

  private static int targetIndex(String target) {
    int k = ModelSpec.TARGETS.indexOf(target);
    if (k < 0) {
      throw new IllegalArgumentException(
          "unknown target '" + target + "'; targets are " + ModelSpec.TARGETS);
    }
    return k;
  }

  @Override
  public String toString() {
    return "FeatureTable[" + rows + " rows]";
  }

  // ------------------------------------------------------------------ computation

  /** Computes the columns, each once, in parallel over rows. */
  private static final class Builder {
    private final double[] st;
    private final double[] fl;
    private final int[] cur;
    private final int[] prev;
    private final int[] years;
    private final MacroPath macro;
    private final int n;
    final double[][] targets = new double[TARGET_COUNT][];
    private final double[][] cache = new double[Feature.values().length][];

    Builder(Panel panel, MacroPath macro, int[] cur, int[] prev, int[] years) {
      this.st = panel.state;
      this.fl = panel.flows;
      this.cur = cur;
      this.prev = prev;
      this.years = years;
      this.macro = macro;
      this.n = cur.length;
      for (int k = 0; k < TARGET_COUNT; k++) {
        String name = ModelSpec.TARGETS.get(k);
        StateVariable v = StateVariable.byName(name).orElse(null);
        if (v != null) {
          int at = v.index();
          targets[k] = col(i -> st[cur[i] * S + at]);
        } else {
          int at = FlowVariable.valueOf(name).index();
          targets[k] = col(i -> fl[cur[i] * F + at]);
        }
      }
    }

    double[][] features() {
      for (Feature f : Feature.values()) {
        get(f);
      }
      return cache;
    }

    private double[] get(Feature f) {
      double[] c = cache[f.ordinal()];
      if (c == null) {
        c = compute(f);
        cache[f.ordinal()] = c;
      }
      return c;
    }

    /** Last year's state: the previous row. */
    private double last(int i, StateVariable v) {
      return st[prev[i] * S + v.index()];
    }

    /** This year's state: the current row. */
    private double now(int i, StateVariable v) {
      return st[cur[i] * S + v.index()];
    }

    private double[] t(String target) {
      return targets[ModelSpec.TARGETS.indexOf(target)];
    }

    private double[] col(IntToDoubleFunction value) {
      double[] a = new double[n];
      Arrays.parallelSetAll(a, value);
      return a;
    }

    private double[] lastState(StateVariable v) {
      int at = v.index();
      return col(i -> st[prev[i] * S + at]);
    }

    private double[] square(double[] a) {
      return col(i -> a[i] * a[i]);
    }

    private double[] cube(double[] a) {
      return col(i -> a[i] * a[i] * a[i]);
    }

    private double[] indicator(double[] a, DoublePredicate condition) {
      return col(i -> condition.test(a[i]) ? 1.0 : 0.0);
    }

    private double[] compute(Feature f) {
      return switch (f) {
          // ---- lagged: last year's state (the order of operations is Year's)
        case dcasht_1 -> col(i -> last(i, CASHFL) - last(i, CASHFL_1));
        case dcasht_12 -> square(get(Feature.dcasht_1));
        case ddmcasht_1 ->
            col(i -> (last(i, MCASH) - last(i, CASHFL)) - (last(i, MCASH_1) - last(i, CASHFL_1)));
        case ddmcasht_12 -> square(get(Feature.ddmcasht_1));
        case sumcasht_1 -> {
          double[] a = get(Feature.ddmcasht_1);
          double[] b = get(Feature.dcasht_1);
          yield col(i -> a[i] + b[i]);
        }
        case diffcasht_1 -> {
          double[] a = get(Feature.ddmcasht_1);
          double[] b = get(Feature.dcasht_1);
          yield col(i -> a[i] - b[i]);
        }
        case ddmtdmt_1 -> col(i -> last(i, DMTDM) - last(i, DMTDM_1));
        case ddmtdmt_12 -> square(get(Feature.ddmtdmt_1));
        case ddmpat_1 -> col(i -> last(i, DMPA) - last(i, DMPA_1));
        case ddmpat_12 -> square(get(Feature.ddmpat_1));
        case ddmpat_13 -> cube(get(Feature.ddmpat_1));
        case dmpat_1 -> lastState(DMPA);
        case TDEPMAt_1 -> lastState(StateVariable.TDEPMA);
        case TDEPMAt_12 -> square(get(Feature.TDEPMAt_1));
        case MAt_1 -> lastState(MA);
        case I_MAt_1 -> lastState(StateVariable.IMA);
        case I_MAt_12 -> square(get(Feature.I_MAt_1));
        case EDEPBUt_1 -> lastState(StateVariable.EDEPBU);
        case EDEPBUt_12 -> square(get(Feature.EDEPBUt_1));
        case I_BUt_1 -> lastState(StateVariable.IBU);
        case I_BUt_12 -> square(get(Feature.I_BUt_1));
        case BUt_1 -> lastState(BU);
        case BUt_12 -> square(get(Feature.BUt_1));
        case OFAt_1 -> lastState(OFA);
        case CAt_1 -> lastState(CA);
        case LLt_1 -> lastState(LL);
        case PALLOt_1 -> lastState(StateVariable.PALLO);
        case dcat_1 -> lastState(StateVariable.DCA);
        case dclt_1 -> lastState(StateVariable.DCL);
        case dclt_12 -> square(get(Feature.dclt_1));
        case sumcaclt_1 -> col(i -> last(i, CA) + last(i, CL));
        case diffcaclt_1 -> col(i -> last(i, CA) - last(i, CL));
          // ---- macro inputs of the current row's year
        case dgnp -> col(i -> macro.dgnp(years[i]));
        case realr -> col(i -> macro.realr(years[i]));
          // ---- characteristics, fixed over time: the current row
        case FAAB -> col(i -> now(i, StateVariable.FAAB));
        case Public -> col(i -> now(i, StateVariable.Public));
        case ruralare -> col(i -> now(i, StateVariable.ruralare));
        case largcity -> col(i -> now(i, StateVariable.largcity));
        case market -> col(i -> now(i, StateVariable.market));
        case marketw -> col(i -> now(i, StateVariable.marketw));
          // ---- current year: this year's values after their constraints
        case EDEPMAt -> t("EDEPMA");
        case EDEPMAt2 -> square(t("EDEPMA"));
        case SMAt, smat -> t("SMA");
        case SMAt2 -> square(t("SMA"));
        case IMAt, I_MAt -> t("IMA");
        case I_MAt2 -> square(t("IMA"));
        case DIMA -> indicator(t("IMA"), v -> v > 0);
        case EDEPBUt -> t("EDEPBU");
        case EDEPBUt2 -> square(t("EDEPBU"));
        case IBUt, I_BUt -> t("IBU");
        case IBUt2 -> square(t("IBU"));
        case IBUt3 -> cube(t("IBU"));
        case DIBU -> indicator(t("IBU"), v -> v != 0);
        case OIBDt -> t("OIBD");
        case OIBDt2 -> square(t("OIBD"));
        case OIBDt3 -> cube(t("OIBD"));
        case FIt -> t("FI");
        case FIt2 -> square(t("FI"));
        case FEt -> t("FE");
        case FEt2 -> square(t("FE"));
        case TDEPMAt -> t("TDEPMA");
        case TDEPMAt2 -> square(t("TDEPMA"));
        case DTDEPMA -> indicator(t("TDEPMA"), v -> v > 0);
        case ZPFt -> t("ZPF");
        case DZPF -> indicator(t("ZPF"), v -> v > 0);
        case GCt -> t("GC");
        case TLt -> t("TL");
        case OTAt -> t("OTA");
        case OTAt2 -> square(t("OTA"));
        case TDEPBUt -> t("TDEPBU");
        case TDEPBUt2 -> square(t("TDEPBU"));
        case MPAt -> col(i -> now(i, DMPA) + now(i, StateVariable.PALLO));
        case dcat -> t("DCA");
        case dcat2 -> square(t("DCA"));
        case dclt -> t("DCL");
        case dofat -> t("DOFA");
        case Ddofa -> indicator(t("DOFA"), v -> v != 0);
        case dourt -> t("DOUR");
        case dourt2 -> square(t("DOUR"));
        case Ddll -> indicator(t("DLL"), v -> v != 0);
        case Ddsc -> indicator(t("DSC"), v -> v != 0);
        case sumdcadclt -> sum(t("DCA"), t("DCL"));
        case diffdcadclt -> difference(t("DCA"), t("DCL"));
        case sumdofadllt -> sum(t("DOFA"), t("DLL"));
        case diffdofadllt -> difference(t("DOFA"), t("DLL"));
        case sumallozpft -> sum(t("PALLO"), t("ZPF"));
        case diffallozpft -> difference(t("PALLO"), t("ZPF"));
      };
    }

    private double[] sum(double[] a, double[] b) {
      return col(i -> a[i] + b[i]);
    }

    private double[] difference(double[] a, double[] b) {
      return col(i -> a[i] - b[i]);
    }
  }
}
