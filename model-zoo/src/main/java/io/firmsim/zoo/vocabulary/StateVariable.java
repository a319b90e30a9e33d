package io.firmsim.zoo.vocabulary;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Registry of the columns of the firm state tensor {@code [firms, StateVariable.count()]} (MODEL.md
 * section 1): the balance sheet, the tax memo, the flows kept as lags and the fixed per-firm
 * characteristics. A variable's {@link #ordinal()} is its column index; its {@link #name()} is its
 * column name in population and panel files.
 *
 * <p>Characteristics are carried in the state tensor so one tensor describes a firm completely; the
 * step copies them through unchanged.
 */
public enum StateVariable {
  // balance sheet, assets
  CA(Kind.ASSET),
  MA(Kind.ASSET),
  BU(Kind.ASSET),
  OFA(Kind.ASSET),
  // balance sheet, liabilities and equity
  CL(Kind.LIABILITY),
  LL(Kind.LIABILITY),
  ASD(Kind.LIABILITY),
  OUR(Kind.LIABILITY),
  SC(Kind.LIABILITY),
  RR(Kind.LIABILITY),
  URE(Kind.LIABILITY),
  PF0(Kind.LIABILITY),
  PF1(Kind.LIABILITY),
  PF2(Kind.LIABILITY),
  PF3(Kind.LIABILITY),
  PF4(Kind.LIABILITY),
  PF5(Kind.LIABILITY),
  // tax memo
  CMA(Kind.TAX_MEMO),
  OL(Kind.TAX_MEMO),
  // flows kept as lags
  EDEPMA(Kind.LAG_FLOW),
  SMA(Kind.LAG_FLOW),
  IMA(Kind.LAG_FLOW),
  EDEPBU(Kind.LAG_FLOW),
  IBU(Kind.LAG_FLOW),
  TDEPMA(Kind.LAG_FLOW),
  PALLO(Kind.LAG_FLOW),
  DCA(Kind.LAG_FLOW),
  DCL(Kind.LAG_FLOW),
  DIV(Kind.LAG_FLOW),
  CASHFL(Kind.LAG_FLOW),
  MCASH(Kind.LAG_FLOW),
  DMTDM(Kind.LAG_FLOW),
  DMPA(Kind.LAG_FLOW),
  CASHFL_1(Kind.LAG_FLOW),
  MCASH_1(Kind.LAG_FLOW),
  DMTDM_1(Kind.LAG_FLOW),
  DMPA_1(Kind.LAG_FLOW),
  // per-firm characteristics, fixed over time
  FAAB(Kind.CHARACTERISTIC),
  Public(Kind.CHARACTERISTIC),
  ruralare(Kind.CHARACTERISTIC),
  largcity(Kind.CHARACTERISTIC),
  market(Kind.CHARACTERISTIC),
  marketw(Kind.CHARACTERISTIC);

  /** The role of a state column. */
  public enum Kind {
    ASSET,
    LIABILITY,
    TAX_MEMO,
    LAG_FLOW,
    CHARACTERISTIC
  }

  private static final StateVariable[] VALUES = values();

  private final Kind kind;

  StateVariable(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** Column index in the state tensor. */
  public int index() {
    return ordinal();
  }

  /** Number of columns of the state tensor. */
  public static int count() {
    return VALUES.length;
  }

  /** All variables in column order (a fresh copy). */
  public static List<StateVariable> all() {
    return List.of(VALUES);
  }

  /** The variable at a column index. */
  public static StateVariable at(int index) {
    return VALUES[index];
  }

  /** The variable with this exact column name, if any. */
  public static Optional<StateVariable> byName(String name) {
    return Arrays.stream(VALUES).filter(v -> v.name().equals(name)).findFirst();
  }

  /**
   * Whether MODEL.md section 4 keeps this stock non-negative (MA, BU, OFA, CA, CL, LL, RR, OUR,
   * ASD, the PF vintages, CMA, OL). URE and SC may be anything (SC is held above the minimum share
   * capital by the DSC clamp, but a loaded population may start below it).
   */
  public boolean nonNegative() {
    switch (this) {
      case CA:
      case MA:
      case BU:
      case OFA:
      case CL:
      case LL:
      case ASD:
      case OUR:
      case RR:
      case PF0:
      case PF1:
      case PF2:
      case PF3:
      case PF4:
      case PF5:
      case CMA:
      case OL:
        return true;
      default:
        return false;
    }
  }

  /** Whether this is a balance-sheet stock (asset or liability/equity). */
  public boolean isBalanceSheet() {
    return kind == Kind.ASSET || kind == Kind.LIABILITY;
  }
}
