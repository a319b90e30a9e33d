package io.firmsim.zoo.vocabulary;

import java.util.List;

/**
 * Registry of the columns of the per-year flow tensor {@code [firms, FlowVariable.count()]} that
 * the firm-year step returns beside the new state: the flows of MODEL.md section 4 that are not
 * already kept in the state as lags. A variable's {@link #ordinal()} is its column index.
 */
public enum FlowVariable {
  OIBD,
  FI,
  FE,
  EBT,
  TAX,
  FTAX,
  NBI,
  ZPF,
  OA,
  TL,
  OTA,
  TDEPBU,
  DOFA,
  DLL,
  DSC,
  DRR,
  DOUR,
  GC,
  ROT,
  MTDM;

  private static final FlowVariable[] VALUES = values();

  /** Column index in the flow tensor. */
  public int index() {
    return ordinal();
  }

  public static int count() {
    return VALUES.length;
  }

  public static List<FlowVariable> all() {
    return List.of(VALUES);
  }
}
