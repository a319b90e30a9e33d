package io.firmsim.simulator.calibration;

import io.firmsim.simulator.calibration.PaperTable25.Item;
import io.firmsim.simulator.calibration.PaperTable25.Section;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The items of {@link PaperTable25} as the model defines them, and their weighted values for one
 * simulated year: from per-firm state and flow arrays ({@code [firms * StateVariable.count()]},
 * {@code [firms * FlowVariable.count()]}, row-major, as {@code ChunkSink.panel} and a {@code
 * PanelWriter} deliver them) and one weight per firm.
 *
 * <p><b>Money items</b> are weighted totals in SEK ({@code sum_i w_i x_i}; Table 25 prints million
 * SEK). Each is a state column, a flow column or a formula of them ({@link #money()} lists every
 * definition; MODEL.md sections 1 and 4): {@code Total} of assets {@code CA+MA+BU+OFA} and of
 * liabilities {@code CL+...+PF5}; {@code PFt-k t} = {@code PFk}; {@code OIAD = OIBD - EDEPMA -
 * EDEPBU}; {@code EBA = OIAD + FI - FE}; {@code TDEPma-EDEPma = TDEPMA - EDEPMA}; {@code NI = EBT -
 * TL}; {@code Olt} = {@code OL} and {@code Olt-1t} = last year's {@code OL} (only with the previous
 * year's states); {@code MPA = DMPA + PALLO}; {@code dURE = URE - URE_1} with {@code URE_1 = MCASH
 * - NBI + DRR} (MODEL.md section 4, step 15). These reproduce the table's own arithmetic (for 1999:
 * {@code OIAD}, {@code EBA}, {@code EBT} and {@code NI} to 1 MSEK).
 *
 * <p><b>Ratios</b> are ratios of the weighted totals, not means of per-firm ratios: that is how the
 * paper's numbers come out (all six years, to the printed three decimals, for CR, DR, DER, ICR,
 * ROI, EFFTAX and, from 2000, ECR), although its section is headed "mean". With untaxed reserves
 * {@code UR = ASD + OUR + PF0..PF5} and the tax rate {@value #TAX_RATE}: {@code CR = CA / CL};
 * {@code DR = (CL + LL + 0.28 UR) / K}; {@code ECR = (SC + RR + URE + 0.72 UR) / K}; {@code DER =
 * DR / ECR}; {@code ICR = (OIAD + FI) / FE}; {@code ROI = (OIAD + FI) / K}; {@code EFFTAX = FTAX /
 * EBA}. The paper's definitions of ROE, DI, FQ, RROI and ER could not be recovered from its
 * numbers; ROE and DI are given here with our definitions ({@code ROE = NBI / (SC + RR + URE + 0.72
 * UR)}, {@code DI = DIV / (SC + RR + URE + 0.72 UR)}) and flagged ({@link
 * Ratio#paperDefinition()}); FQ, RROI and ER are not computed.
 *
 * <p>Class is immutable and thread-safe.
 */
public final class Table25Items {
  /** The corporate tax rate that splits untaxed reserves into deferred tax and equity. */
  public static final double TAX_RATE = 0.28;

  private static final int S = StateVariable.count();
  private static final int F = FlowVariable.count();

  /** What a money item needs besides this year's states. */
  public enum Needs {
    /** This year's states only (what a population holds). */
    STATE,
    /** This year's flows too. */
    FLOWS,
    /** Last year's states too. */
    PREVIOUS_STATE
  }

  /** One firm's value of an item, from its state row, flow row and previous state row. */
  @FunctionalInterface
  public interface FirmValue {
    /**
     * @param s states, the firm's row starting at {@code so}
     * @param f flows (null for a {@link Needs#STATE} item), the row starting at {@code fo}
     * @param p previous states (null unless {@link Needs#PREVIOUS_STATE}), the row at {@code so}
     */
    double of(double[] s, int so, double[] f, int fo, double[] p);
  }

  /**
   * How the model defines one money item.
   *
   * @param item the Table 25 row
   * @param formula the definition in words, for reports
   * @param needs what it is computed from
   * @param value the per-firm value in SEK
   */
  public record Money(Item item, String formula, Needs needs, FirmValue value) {}

  /**
   * How one ratio is defined on the weighted totals.
   *
   * @param item the Table 25 row
   * @param formula the definition, for reports
   * @param paperDefinition whether it reproduces the paper's numbers (otherwise it is ours)
   */
  public record Ratio(Item item, String formula, boolean paperDefinition) {}

  private static final List<Money> MONEY = money0();
  private static final List<Ratio> RATIOS = ratios0();

  /** Every money item the model defines, in the table's order. */
  public static List<Money> money() {
    return MONEY;
  }

  /** Every ratio computed, in the table's order. */
  public static List<Ratio> ratios() {
    return RATIOS;
  }

  /** The definition of a money item, if the model has one. */
  public static java.util.Optional<Money> money(Item item) {
    return MONEY.stream().filter(m -> m.item().equals(item)).findFirst();
  }

  private final Map<Item, Double> values;
  private final double weightSum;

  private Table25Items(Map<Item, Double> values, double weightSum) {
    this.values = Collections.unmodifiableMap(values);
    this.weightSum = weightSum;
  }

  /**
   * The weighted items of one year.
   *
   * @param states {@code [firms * StateVariable.count()]}, row-major
   * @param flows {@code [firms * FlowVariable.count()]}, row-major, or null: then only the items
   *     and ratios of the states are computed (a population before its first year)
   * @param previousStates the same firms' states a year before, in the same order, or null: then
   *     items that need them ({@code Olt-1t}) are left out
   * @param weights one weight per firm
   */
  public static Table25Items compute(
      double[] states, double[] flows, double[] previousStates, double[] weights) {
    Objects.requireNonNull(states, "states");
    Objects.requireNonNull(weights, "weights");
    int firms = weights.length;
    if (states.length != firms * S) {
      throw new IllegalArgumentException(
          "states must hold " + firms + " x " + S + " numbers, found " + states.length);
    }
    if (flows != null && flows.length != firms * F) {
      throw new IllegalArgumentException(
          "flows must hold " + firms + " x " + F + " numbers, found " + flows.length);
    }
    if (previousStates != null && previousStates.length != firms * S) {
      throw new IllegalArgumentException(
          "previous states must hold "
              + firms
              + " x "
              + S
              + " numbers, found "
              + previousStates.length);
    }
    Map<Item, Double> v = new LinkedHashMap<>();
    double wsum = 0;
    for (double w : weights) {
      wsum += w;
    }
    for (Money m : MONEY) {
      if (m.needs() == Needs.FLOWS && flows == null
          || m.needs() == Needs.PREVIOUS_STATE && previousStates == null) {
        continue;
      }
      double sum = 0;
      for (int i = 0; i < firms; i++) {
        sum += weights[i] * m.value().of(states, i * S, flows, i * F, previousStates);
      }
      v.put(m.item(), sum);
    }
    ratios(v, flows != null);
    return new Table25Items(v, wsum);
  }

  /** As {@link #compute(double[], double[], double[], double[])} with every firm weighing 1. */
  public static Table25Items compute(double[] states, double[] flows) {
    double[] ones = new double[states.length / S];
    java.util.Arrays.fill(ones, 1.0);
    return compute(states, flows, null, ones);
  }

  /** The value of an item: a weighted total in SEK, or a ratio; empty if not computed. */
  public OptionalDouble value(Item item) {
    Double x = values.get(item);
    return x == null ? OptionalDouble.empty() : OptionalDouble.of(x);
  }

  /** As {@link #value(Item)}, money in the table's unit (million SEK). */
  public OptionalDouble inTableUnits(Item item) {
    Double x = values.get(item);
    if (x == null) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(item.section().isMoney() ? x / PaperTable25.UNIT_SEK : x);
  }

  /**
   * Every computed item and its value: the money items (SEK totals) in the table's order, then the
   * ratios.
   */
  public Map<Item, Double> values() {
    return values;
  }

  /** The sum of the weights: the number of firms the population stands for. */
  public double weightSum() {
    return weightSum;
  }

  // ---- definitions

  private static Item a(String name) {
    return new Item(Section.ASSETS, name);
  }

  private static Item l(String name) {
    return new Item(Section.LIABILITIES, name);
  }

  private static Item is(String name) {
    return new Item(Section.INCOME_STATEMENT, name);
  }

  private static Item fl(String name) {
    return new Item(Section.FLOWS, name);
  }

  private static Item r(String name) {
    return new Item(Section.RATIOS, name);
  }

  private static double st(double[] s, int so, StateVariable v) {
    return s[so + v.index()];
  }

  private static double fw(double[] f, int fo, FlowVariable v) {
    return f[fo + v.index()];
  }

  private static Money state(Item item, StateVariable v) {
    return new Money(item, v.name(), Needs.STATE, (s, so, f, fo, p) -> st(s, so, v));
  }

  private static Money flow(Item item, FlowVariable v) {
    return new Money(item, v.name() + " (flow)", Needs.FLOWS, (s, so, f, fo, p) -> fw(f, fo, v));
  }

  private static double assets(double[] s, int so) {
    return st(s, so, StateVariable.CA)
        + st(s, so, StateVariable.MA)
        + st(s, so, StateVariable.BU)
        + st(s, so, StateVariable.OFA);
  }

  private static double liabilities(double[] s, int so) {
    double sum = 0;
    for (StateVariable v : StateVariable.values()) {
      if (v.kind() == StateVariable.Kind.LIABILITY) {
        sum += st(s, so, v);
      }
    }
    return sum;
  }

  private static double oiad(double[] s, int so, double[] f, int fo) {
    return fw(f, fo, FlowVariable.OIBD)
        - st(s, so, StateVariable.EDEPMA)
        - st(s, so, StateVariable.EDEPBU);
  }

  private static List<Money> money0() {
    List<Money> m = new ArrayList<>();
    for (StateVariable v :
        List.of(StateVariable.CA, StateVariable.MA, StateVariable.BU, StateVariable.OFA)) {
      m.add(state(a(v.name()), v));
    }
    m.add(
        new Money(
            a("Total"), "CA + MA + BU + OFA", Needs.STATE, (s, so, f, fo, p) -> assets(s, so)));
    for (StateVariable v :
        List.of(
            StateVariable.CL,
            StateVariable.LL,
            StateVariable.ASD,
            StateVariable.OUR,
            StateVariable.SC,
            StateVariable.RR,
            StateVariable.URE)) {
      m.add(state(l(v.name()), v));
    }
    m.add(state(l("PFt"), StateVariable.PF0));
    m.add(state(l("PFt-1t"), StateVariable.PF1));
    m.add(state(l("PFt-2t"), StateVariable.PF2));
    m.add(state(l("PFt-3t"), StateVariable.PF3));
    m.add(state(l("PFt-4t"), StateVariable.PF4));
    m.add(state(l("PFt-5t"), StateVariable.PF5));
    m.add(
        new Money(
            l("Total"),
            "CL + LL + ASD + OUR + SC + RR + URE + PF0..PF5",
            Needs.STATE,
            (s, so, f, fo, p) -> liabilities(s, so)));
    m.add(flow(is("OIBD"), FlowVariable.OIBD));
    m.add(state(is("EDEPma"), StateVariable.EDEPMA));
    m.add(state(is("EDEPbu"), StateVariable.EDEPBU));
    m.add(
        new Money(
            is("OIAD"),
            "OIBD - EDEPMA - EDEPBU",
            Needs.FLOWS,
            (s, so, f, fo, p) -> oiad(s, so, f, fo)));
    m.add(flow(is("FI"), FlowVariable.FI));
    m.add(flow(is("FE"), FlowVariable.FE));
    m.add(
        new Money(
            is("EBA"),
            "OIAD + FI - FE",
            Needs.FLOWS,
            (s, so, f, fo, p) ->
                oiad(s, so, f, fo) + fw(f, fo, FlowVariable.FI) - fw(f, fo, FlowVariable.FE)));
    m.add(
        new Money(
            is("TDEPma-EDEPma"),
            "TDEPMA - EDEPMA",
            Needs.STATE,
            (s, so, f, fo, p) ->
                st(s, so, StateVariable.TDEPMA) - st(s, so, StateVariable.EDEPMA)));
    m.add(flow(is("OA"), FlowVariable.OA));
    m.add(flow(is("zPF"), FlowVariable.ZPF));
    m.add(state(is("Pallo"), StateVariable.PALLO));
    m.add(flow(is("EBT"), FlowVariable.EBT));
    m.add(flow(is("TL"), FlowVariable.TL));
    m.add(
        new Money(
            is("NI"),
            "EBT - TL",
            Needs.FLOWS,
            (s, so, f, fo, p) -> fw(f, fo, FlowVariable.EBT) - fw(f, fo, FlowVariable.TL)));
    m.add(flow(is("OTA"), FlowVariable.OTA));
    m.add(flow(is("TDEPbu"), FlowVariable.TDEPBU));
    m.add(
        new Money(
            is("Olt-1t"),
            "OL of the previous year",
            Needs.PREVIOUS_STATE,
            (s, so, f, fo, p) -> st(p, so, StateVariable.OL)));
    m.add(flow(is("TAX"), FlowVariable.TAX));
    m.add(flow(is("ROT"), FlowVariable.ROT));
    m.add(flow(is("FTAX"), FlowVariable.FTAX));
    m.add(state(is("Olt"), StateVariable.OL));
    m.add(flow(is("NBI"), FlowVariable.NBI));
    m.add(flow(fl("MTDM"), FlowVariable.MTDM));
    m.add(state(fl("MCASH"), StateVariable.MCASH));
    m.add(state(fl("I_ma"), StateVariable.IMA));
    m.add(state(fl("I_bu"), StateVariable.IBU));
    m.add(state(fl("CMA"), StateVariable.CMA));
    m.add(state(fl("dCA"), StateVariable.DCA));
    m.add(flow(fl("dOFA"), FlowVariable.DOFA));
    m.add(state(fl("dCL"), StateVariable.DCL));
    m.add(flow(fl("dLL"), FlowVariable.DLL));
    m.add(flow(fl("dOUR"), FlowVariable.DOUR));
    m.add(flow(fl("dSC"), FlowVariable.DSC));
    m.add(flow(fl("dRR"), FlowVariable.DRR));
    m.add(
        new Money(
            fl("dURE"),
            "URE - URE_1, URE_1 = MCASH - NBI + DRR",
            Needs.FLOWS,
            (s, so, f, fo, p) ->
                st(s, so, StateVariable.URE)
                    - (st(s, so, StateVariable.MCASH)
                        - fw(f, fo, FlowVariable.NBI)
                        + fw(f, fo, FlowVariable.DRR))));
    m.add(state(fl("DIV"), StateVariable.DIV));
    m.add(state(fl("CASHFL"), StateVariable.CASHFL));
    m.add(state(fl("SMA"), StateVariable.SMA));
    m.add(
        new Money(
            fl("MPA"),
            "DMPA + PALLO",
            Needs.STATE,
            (s, so, f, fo, p) -> st(s, so, StateVariable.DMPA) + st(s, so, StateVariable.PALLO)));
    return List.copyOf(m);
  }

  private static List<Ratio> ratios0() {
    return List.of(
        new Ratio(r("CR"), "CA / CL", true),
        new Ratio(r("DR"), "(CL + LL + 0.28 UR) / K", true),
        new Ratio(r("DER"), "DR / ECR", true),
        new Ratio(r("ECR"), "(SC + RR + URE + 0.72 UR) / K", true),
        new Ratio(r("ICR"), "(OIAD + FI) / FE", true),
        new Ratio(r("DI"), "DIV / (SC + RR + URE + 0.72 UR)", false),
        new Ratio(r("ROE"), "NBI / (SC + RR + URE + 0.72 UR)", false),
        new Ratio(r("ROI"), "(OIAD + FI) / K", true),
        new Ratio(r("EFFTAX"), "FTAX / EBA", true));
  }

  /** Adds the ratios of the totals in {@code v}. */
  private static void ratios(Map<Item, Double> v, boolean withFlows) {
    double k = v.get(a("Total"));
    double untaxed =
        v.get(l("ASD"))
            + v.get(l("OUR"))
            + v.get(l("PFt"))
            + v.get(l("PFt-1t"))
            + v.get(l("PFt-2t"))
            + v.get(l("PFt-3t"))
            + v.get(l("PFt-4t"))
            + v.get(l("PFt-5t"));
    double equity = v.get(l("SC")) + v.get(l("RR")) + v.get(l("URE")) + (1 - TAX_RATE) * untaxed;
    double dr = (v.get(l("CL")) + v.get(l("LL")) + TAX_RATE * untaxed) / k;
    double ecr = equity / k;
    v.put(r("CR"), v.get(a("CA")) / v.get(l("CL")));
    v.put(r("DR"), dr);
    v.put(r("DER"), dr / ecr);
    v.put(r("ECR"), ecr);
    v.put(r("DI"), v.get(fl("DIV")) / equity);
    if (withFlows) {
      double earnings = v.get(is("OIAD")) + v.get(is("FI"));
      v.put(r("ICR"), earnings / v.get(is("FE")));
      v.put(r("ROE"), v.get(is("NBI")) / equity);
      v.put(r("ROI"), earnings / k);
      v.put(r("EFFTAX"), v.get(is("FTAX")) / v.get(is("EBA")));
    }
  }
}
