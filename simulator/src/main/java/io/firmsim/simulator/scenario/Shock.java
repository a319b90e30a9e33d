package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.util.Objects;

/**
 * One shock of a scenario: its kind (and, for some kinds, what it targets), the years it lasts, who
 * it hits and how hard.
 *
 * @param kind the kind of shock
 * @param target for {@link ShockKind#COST_OF_DEBT} a {@link ShockKind.DebtCostTarget}, for {@link
 *     ShockKind#IMPAIRMENT} a {@link ShockKind.Asset}, for {@link ShockKind#TAX_CHANGE} a {@link
 *     ShockKind.TaxTarget}; null for the other kinds
 * @param startYear the first calendar year shocked
 * @param duration the number of years shocked, at least 1
 * @param who the firms hit
 * @param magnitude the size per hit firm (kind by kind: docs/SCENARIOS.md)
 * @param callIn for {@link ShockKind#CREDIT_CRUNCH}, the share of long-term liabilities called in
 *     in the first shocked year (0 for none); 0 for the other kinds
 */
public record Shock(
    ShockKind kind,
    Enum<?> target,
    int startYear,
    int duration,
    Selection who,
    Magnitude magnitude,
    double callIn)
    implements Serializable {
  public Shock {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(who, "who");
    Objects.requireNonNull(magnitude, "magnitude");
    if (duration < 1) {
      throw new IllegalArgumentException("duration must be at least 1, found " + duration);
    }
    Class<?> expected =
        switch (kind) {
          case COST_OF_DEBT -> ShockKind.DebtCostTarget.class;
          case IMPAIRMENT -> ShockKind.Asset.class;
          case TAX_CHANGE -> ShockKind.TaxTarget.class;
          default -> null;
        };
    if (expected == null ? target != null : !expected.isInstance(target)) {
      throw new IllegalArgumentException(
          kind.label()
              + " shock needs "
              + (expected == null ? "no target" : "a target of " + expected.getSimpleName())
              + ", found "
              + target);
    }
    if (!(callIn >= 0 && callIn <= 1) || (kind != ShockKind.CREDIT_CRUNCH && callIn != 0)) {
      throw new IllegalArgumentException(
          "callIn is a share in [0, 1] for creditCrunch shocks only, found " + callIn);
    }
  }

  /** The last calendar year shocked. */
  public int endYear() {
    return startYear + duration - 1;
  }

  /** Whether {@code year} is shocked. */
  public boolean covers(int year) {
    return year >= startYear && year <= endYear();
  }

  /** A short description for reports, e.g. {@code impairment MA}. */
  public String describe() {
    return target == null ? kind.label() : kind.label() + " " + target.name();
  }
}
