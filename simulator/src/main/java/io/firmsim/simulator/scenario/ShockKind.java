package io.firmsim.simulator.scenario;

import java.util.Locale;

/**
 * The kinds of shock a scenario can apply to firms. Each is booked inside the simulation year so
 * that the balance identity holds (docs/SCENARIOS.md says how each one is booked):
 *
 * <ul>
 *   <li>{@link #DEMAND}: a share {@code m} of the firm's operating income is lost, {@code OIBD' =
 *       OIBD - m |OIBD|} (for a profitable firm, OIBD scaled by {@code 1 - m});
 *   <li>{@link #COST_OF_DEBT}: financial expenses scaled by {@code 1 + m} ({@link
 *       DebtCostTarget#FE}), or the real interest rate raised by {@code m} for the whole economy
 *       ({@link DebtCostTarget#REALR});
 *   <li>{@link #IMPAIRMENT}: a share {@code m} of an asset (MA, BU or OFA) written down against
 *       unrestricted equity at the start of each shocked year;
 *   <li>{@link #CREDIT_CRUNCH}: a share {@code m} of new long-term borrowing is refused and, in the
 *       first shocked year, a share {@code callIn} of long-term liabilities is called in against
 *       current assets (never more than the firm's current assets);
 *   <li>{@link #TAX_CHANGE}: the tax rate or the periodical-reserve allocation rate raised by
 *       {@code m} (a fraction: 0.02 is two percentage points).
 * </ul>
 */
public enum ShockKind {
  DEMAND("demand"),
  COST_OF_DEBT("costOfDebt"),
  IMPAIRMENT("impairment"),
  CREDIT_CRUNCH("creditCrunch"),
  TAX_CHANGE("taxChange");

  private final String label;

  ShockKind(String label) {
    this.label = label;
  }

  /** The name scenario files use (e.g. {@code costOfDebt}). */
  public String label() {
    return label;
  }

  /** The kind a scenario file names, or null. */
  public static ShockKind fromLabel(String label) {
    for (ShockKind k : values()) {
      if (k.label.equals(label) || k.name().equals(label.toUpperCase(Locale.ROOT))) {
        return k;
      }
    }
    return null;
  }

  /** What a {@link #COST_OF_DEBT} shock raises. */
  public enum DebtCostTarget {
    /** Financial expenses of the hit firms, scaled by {@code 1 + m}. */
    FE,
    /** The real interest rate of the macro path, raised by {@code m}, for every firm. */
    REALR
  }

  /** The asset an {@link #IMPAIRMENT} writes down. */
  public enum Asset {
    MA,
    BU,
    OFA
  }

  /** The rate a {@link #TAX_CHANGE} raises. */
  public enum TaxTarget {
    /** The corporate tax rate {@code tau}. */
    TAX_RATE,
    /** The periodical-reserve allocation rate {@code eta}. */
    ALLOCATION_RATE
  }
}
