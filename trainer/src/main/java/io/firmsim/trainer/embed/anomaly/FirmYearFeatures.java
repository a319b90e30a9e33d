package io.firmsim.trainer.embed.anomaly;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Scale-free features of each firm-year of a panel, for anomaly scoring: one row per panel row, in
 * the panel's order, with the columns of {@link #columnNames()}. With {@code K = max(1, CA + MA +
 * BU + OFA)} (total assets, MODEL.md section 1) and {@code Kp} the firm's previous-year {@code K}:
 *
 * <ul>
 *   <li>{@code debt_ratio = (CL + LL) / K}; {@code current_ratio = ln((CA + e K) / (CL + e K))}
 *       with {@code e = 1e-3} (bounded where a firm has no current liabilities); {@code
 *       equity_ratio = (SC + RR + URE) / K}; {@code return_on_assets = OIBD / K}; {@code
 *       log_total_assets = ln K};
 *   <li>{@code asset_growth = ln(K / Kp)}; {@code oibd_growth = (OIBD - OIBD_prev) / Kp};
 *   <li>{@code balance_gap}: the gap of the balance identity {@code |assets - liabilities and
 *       equity| / K} on a log scale above a floor, {@code max(0, log10(gap / FLOOR))} with {@link
 *       #FLOOR} {@code = 1e-6}, so a panel that keeps the identity (to float32 rounding) has 0;
 *   <li>{@code wrong_sign_flows}: how many of the flows the model never makes negative (EDEPMA,
 *       EDEPBU, IBU, TDEPMA, PALLO, DIV, DMPA, FI, FE, TAX, FTAX, ZPF, ROT, MTDM: MODEL.md section
 *       4) are below {@code -FLOOR * K};
 *   <li>{@code dlog_X} for each of the 17 balance-sheet stocks: the year-on-year change of {@code
 *       asinh(X / (e Kp))}, a log change ({@code ln(X / Xp)} for stocks well above {@code e Kp})
 *       that stays finite for stocks at zero and for URE below it;
 *   <li>{@code continuity_gap}: the accounting that links a firm's consecutive years (MODEL.md
 *       section 4, step 16): {@code CA = CA_1 + DCA}, {@code MA = MA_1 + IMA - SMA - EDEPMA},
 *       {@code BU = BU_1 + IBU - EDEPBU}, OFA, CL, LL, SC, RR and OUR plus their flows, {@code ASD
 *       = ASD_1 + TDEPMA - EDEPMA}, {@code URE = URE_1 + NBI - DIV_1 - DRR - CASHFL}; the largest
 *       violation relative to {@code max(K, Kp)} on the same log scale as {@code balance_gap};
 *   <li>{@code lag_copy_gap}: {@code CASHFL_1}, {@code MCASH_1}, {@code DMTDM_1} and {@code DMPA_1}
 *       must equal last year's {@code CASHFL}, {@code MCASH}, {@code DMTDM}, {@code DMPA}; the
 *       largest difference, likewise.
 * </ul>
 *
 * A firm-year without a previous year in the panel has 0 for the change features ({@code
 * asset_growth}, {@code oibd_growth}, {@code dlog_X}, {@code continuity_gap}, {@code
 * lag_copy_gap}). The last two see what a per firm-year score can see of a history copied from
 * another firm: the break between the firm's own last year and the first copied one, and noise that
 * breaks the accounting between copied years.
 *
 * <p>{@link #SCORING_COLUMNS} are the columns an isolation forest scores by default: all but the 17
 * {@code dlog_X}. An isolation forest draws the attribute of each split uniformly, so every column
 * that an anomaly does not move dilutes the chance that a path meets one that it does; on a
 * simulated panel the per-stock changes cost a flipped flow sign about 0.05 of AUC (docs/
 * EMBEDDINGS.md, "Anomaly scores") while stock jumps are seen by {@code continuity_gap}.
 *
 * <p>The class is immutable; arrays are copied out.
 */
public final class FirmYearFeatures {
  /** Relative size below which a gap counts as rounding (the population-file tolerance). */
  public static final double FLOOR = 1e-6;

  private static final double E = 1e-3;

  private static final StateVariable[] STOCKS =
      StateVariable.all().stream()
          .filter(StateVariable::isBalanceSheet)
          .toArray(StateVariable[]::new);

  private static final StateVariable[] NON_NEGATIVE_STATE_FLOWS = {
    StateVariable.EDEPMA,
    StateVariable.EDEPBU,
    StateVariable.IBU,
    StateVariable.TDEPMA,
    StateVariable.PALLO,
    StateVariable.DIV,
    StateVariable.DMPA
  };

  private static final FlowVariable[] NON_NEGATIVE_FLOWS = {
    FlowVariable.FI,
    FlowVariable.FE,
    FlowVariable.TAX,
    FlowVariable.FTAX,
    FlowVariable.ZPF,
    FlowVariable.ROT,
    FlowVariable.MTDM
  };

  private static final List<String> NAMES = names();

  /** The columns scored by default: every column but the per-stock changes {@code dlog_X}. */
  public static final List<String> SCORING_COLUMNS =
      NAMES.stream().filter(n -> !n.startsWith("dlog_")).collect(Collectors.toUnmodifiableList());

  private final int rows;
  private final double[] values;

  private FirmYearFeatures(int rows, double[] values) {
    this.rows = rows;
    this.values = values;
  }

  /** The flows that the model never makes negative (state lag columns), in feature order. */
  static List<StateVariable> nonNegativeStateFlows() {
    return List.of(NON_NEGATIVE_STATE_FLOWS);
  }

  /** The flows that the model never makes negative (flow columns), in feature order. */
  static List<FlowVariable> nonNegativeFlows() {
    return List.of(NON_NEGATIVE_FLOWS);
  }

  /** The feature names in column order. */
  public static List<String> columnNames() {
    return NAMES;
  }

  private static List<String> names() {
    List<String> n = new ArrayList<>();
    n.add("debt_ratio");
    n.add("current_ratio");
    n.add("equity_ratio");
    n.add("return_on_assets");
    n.add("log_total_assets");
    n.add("asset_growth");
    n.add("oibd_growth");
    n.add("balance_gap");
    n.add("wrong_sign_flows");
    for (StateVariable s : STOCKS) {
      n.add("dlog_" + s.name());
    }
    n.add("continuity_gap");
    n.add("lag_copy_gap");
    return Collections.unmodifiableList(n);
  }

  /** The features of every row of {@code panel}. */
  public static FirmYearFeatures of(Panel panel) {
    Objects.requireNonNull(panel, "panel");
    int n = panel.rows();
    int p = NAMES.size();
    double[] state = panel.state();
    double[] flows = panel.flows();
    double[] out = new double[Math.multiplyExact(n, p)];
    for (int r = 0; r < n; r++) {
      compute(state, flows, r, panel.previousRow(r), out, r * p);
    }
    return new FirmYearFeatures(n, out);
  }

  /**
   * The features of a panel given as arrays in the layout of the simulator's panel output (see
   * {@link Panel#of}).
   *
   * @throws IllegalArgumentException if the arrays do not form a panel (see {@link Panel#of})
   */
  public static FirmYearFeatures of(long[] firmIds, int[] years, double[] state, double[] flows) {
    return of(Panel.of(firmIds, years, state, flows));
  }

  /**
   * The features of the panel CSV that {@code firmsim simulate --panel csv} writes.
   *
   * @throws BadInputException if the file cannot be read or is not such a panel; the message names
   *     the file, row and column
   */
  public static FirmYearFeatures ofCsv(Path file) {
    return of(PanelCsvReader.read(file));
  }

  private static void compute(double[] st, double[] fl, int r, int prev, double[] out, int o) {
    int s = Panel.S;
    int f = Panel.F;
    int a = r * s;
    int b = r * f;
    double k = totalAssets(st, a);
    double ca = st[a + StateVariable.CA.index()];
    double cl = st[a + StateVariable.CL.index()];
    double ll = st[a + StateVariable.LL.index()];
    double equity =
        st[a + StateVariable.SC.index()]
            + st[a + StateVariable.RR.index()]
            + st[a + StateVariable.URE.index()];
    double oibd = fl[b + FlowVariable.OIBD.index()];
    int c = o;
    out[c++] = (cl + ll) / k;
    out[c++] = Math.log((ca + E * k) / (cl + E * k));
    out[c++] = equity / k;
    out[c++] = oibd / k;
    out[c++] = Math.log(k);
    int growth = c;
    c += 2;
    double assets = 0;
    double claims = 0;
    for (StateVariable v : STOCKS) {
      if (v.kind() == StateVariable.Kind.ASSET) {
        assets += st[a + v.index()];
      } else {
        claims += st[a + v.index()];
      }
    }
    out[c++] = logAboveFloor(Math.abs(assets - claims) / k);
    int wrong = 0;
    for (StateVariable v : NON_NEGATIVE_STATE_FLOWS) {
      if (st[a + v.index()] < -FLOOR * k) {
        wrong++;
      }
    }
    for (FlowVariable v : NON_NEGATIVE_FLOWS) {
      if (fl[b + v.index()] < -FLOOR * k) {
        wrong++;
      }
    }
    out[c++] = wrong;
    if (prev < 0) {
      return; // change features stay 0
    }
    int pa = prev * s;
    int pb = prev * f;
    double kp = totalAssets(st, pa);
    out[growth] = Math.log(k / kp);
    out[growth + 1] = (oibd - fl[pb + FlowVariable.OIBD.index()]) / kp;
    double unit = E * kp;
    for (StateVariable v : STOCKS) {
      out[c++] = asinh(st[a + v.index()] / unit) - asinh(st[pa + v.index()] / unit);
    }
    double scale = Math.max(k, kp);
    double worst = 0;
    worst = Math.max(worst, stockGap(st, a, pa, StateVariable.CA, st[a + idx(StateVariable.DCA)]));
    worst =
        Math.max(
            worst,
            stockGap(
                st,
                a,
                pa,
                StateVariable.MA,
                st[a + idx(StateVariable.IMA)]
                    - st[a + idx(StateVariable.SMA)]
                    - st[a + idx(StateVariable.EDEPMA)]));
    worst =
        Math.max(
            worst,
            stockGap(
                st,
                a,
                pa,
                StateVariable.BU,
                st[a + idx(StateVariable.IBU)] - st[a + idx(StateVariable.EDEPBU)]));
    worst =
        Math.max(worst, stockGap(st, a, pa, StateVariable.OFA, fl[b + FlowVariable.DOFA.index()]));
    worst = Math.max(worst, stockGap(st, a, pa, StateVariable.CL, st[a + idx(StateVariable.DCL)]));
    worst =
        Math.max(worst, stockGap(st, a, pa, StateVariable.LL, fl[b + FlowVariable.DLL.index()]));
    worst =
        Math.max(worst, stockGap(st, a, pa, StateVariable.SC, fl[b + FlowVariable.DSC.index()]));
    worst =
        Math.max(worst, stockGap(st, a, pa, StateVariable.RR, fl[b + FlowVariable.DRR.index()]));
    worst =
        Math.max(worst, stockGap(st, a, pa, StateVariable.OUR, fl[b + FlowVariable.DOUR.index()]));
    worst =
        Math.max(
            worst,
            stockGap(
                st,
                a,
                pa,
                StateVariable.ASD,
                st[a + idx(StateVariable.TDEPMA)] - st[a + idx(StateVariable.EDEPMA)]));
    worst =
        Math.max(
            worst,
            stockGap(
                st,
                a,
                pa,
                StateVariable.URE,
                fl[b + FlowVariable.NBI.index()]
                    - st[pa + idx(StateVariable.DIV)]
                    - fl[b + FlowVariable.DRR.index()]
                    - st[a + idx(StateVariable.CASHFL)]));
    out[c++] = logAboveFloor(worst / scale);
    double lag = 0;
    lag = Math.max(lag, lagGap(st, a, pa, StateVariable.CASHFL_1, StateVariable.CASHFL));
    lag = Math.max(lag, lagGap(st, a, pa, StateVariable.MCASH_1, StateVariable.MCASH));
    lag = Math.max(lag, lagGap(st, a, pa, StateVariable.DMTDM_1, StateVariable.DMTDM));
    lag = Math.max(lag, lagGap(st, a, pa, StateVariable.DMPA_1, StateVariable.DMPA));
    out[c++] = logAboveFloor(lag / scale);
  }

  private static int idx(StateVariable v) {
    return v.index();
  }

  private static double stockGap(double[] st, int a, int pa, StateVariable stock, double flow) {
    return Math.abs(st[a + stock.index()] - st[pa + stock.index()] - flow);
  }

  private static double lagGap(double[] st, int a, int pa, StateVariable lag, StateVariable now) {
    return Math.abs(st[a + lag.index()] - st[pa + now.index()]);
  }

  /** {@code max(1, CA + MA + BU + OFA)} of the state row starting at {@code a}. */
  static double totalAssets(double[] st, int a) {
    return Math.max(
        1,
        st[a + StateVariable.CA.index()]
            + st[a + StateVariable.MA.index()]
            + st[a + StateVariable.BU.index()]
            + st[a + StateVariable.OFA.index()]);
  }

  private static double logAboveFloor(double relative) {
    return relative > FLOOR ? Math.log10(relative / FLOOR) : 0;
  }

  private static double asinh(double x) {
    double ax = Math.abs(x);
    double v = Math.log(ax + Math.sqrt(ax * ax + 1));
    return x < 0 ? -v : v;
  }

  /** The number of rows (the panel's rows). */
  public int rows() {
    return rows;
  }

  /** The number of columns ({@code columnNames().size()}). */
  public int columns() {
    return NAMES.size();
  }

  /** One value. */
  public double value(int row, int column) {
    Objects.checkIndex(row, rows);
    Objects.checkIndex(column, NAMES.size());
    return values[row * NAMES.size() + column];
  }

  /** One value by feature name. */
  public double value(int row, String name) {
    int column = NAMES.indexOf(name);
    if (column < 0) {
      throw new IllegalArgumentException("no feature " + name + "; features: " + NAMES);
    }
    return value(row, column);
  }

  /**
   * All features as a fresh {@code [rows][columns]} matrix, the input of {@link IsolationForest}.
   */
  public double[][] matrix() {
    return matrix(NAMES);
  }

  /**
   * The named features, in the order given, as a fresh {@code [rows][names.size()]} matrix.
   *
   * @throws IllegalArgumentException if a name is not a feature
   */
  public double[][] matrix(List<String> names) {
    int[] columns = new int[names.size()];
    for (int j = 0; j < columns.length; j++) {
      columns[j] = NAMES.indexOf(names.get(j));
      if (columns[j] < 0) {
        throw new IllegalArgumentException("no feature " + names.get(j) + "; features: " + NAMES);
      }
    }
    int p = NAMES.size();
    double[][] m = new double[rows][columns.length];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < columns.length; j++) {
        m[r][j] = values[r * p + columns[j]];
      }
    }
    return m;
  }
}
