package io.firmsim.simulator.engine;

/**
 * The balance identity failed beyond tolerance for a firm in a year (or a value became non-finite).
 * The run stops; the message names the firm, the year and the gap.
 */
public class BalanceViolationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long firmId;
  private final int year;
  private final double gap;

  public BalanceViolationException(long firmId, int year, double gap, double tolerance) {
    super(
        "balance identity violated for firm "
            + firmId
            + " in year "
            + year
            + ": |assets - liabilities| = "
            + gap
            + " of the firm's balance-sheet scale max(1, assets, sum of |liability items|)"
            + " (tolerance "
            + tolerance
            + (Double.isNaN(gap) ? "; the firm's values are not finite" : "")
            + ")");
    this.firmId = firmId;
    this.year = year;
    this.gap = gap;
  }

  public long firmId() {
    return firmId;
  }

  public int year() {
    return year;
  }

  /** The relative gap, NaN where values were not finite. */
  public double gap() {
    return gap;
  }
}
