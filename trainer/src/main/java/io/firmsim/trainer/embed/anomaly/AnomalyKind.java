package io.firmsim.trainer.embed.anomaly;

/**
 * The label of a firm-year after {@link AnomalyInjector}: untouched ({@link #NONE}) or one of the
 * four kinds of injected anomaly, each a kind of error or fabrication that a firm panel can carry.
 */
public enum AnomalyKind {
  /** Not changed by the injector. */
  NONE,
  /**
   * One asset moved without its counterpart: the balance identity no longer holds in this row (see
   * {@link AnomalyInjector}).
   */
  BROKEN_IDENTITY,
  /**
   * One balance-sheet stock multiplied by the jump factor (100), the difference booked in
   * unrestricted equity so the balance identity still holds.
   */
  STOCK_JUMP,
  /** One flow that the model never makes negative (EDEPMA, FE, TAX, ...) has its sign flipped. */
  WRONG_SIGN,
  /**
   * The firm's history from a year on is another firm's history with small multiplicative noise (a
   * firm-level anomaly: every copied firm-year carries the label).
   */
  COPIED_HISTORY;

  /** Whether this is an injected anomaly (any kind but {@link #NONE}). */
  public boolean isAnomaly() {
    return this != NONE;
  }
}
