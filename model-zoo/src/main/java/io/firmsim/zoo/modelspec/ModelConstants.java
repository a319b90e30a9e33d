package io.firmsim.zoo.modelspec;

/**
 * The accounting and tax constants of a model (MODEL.md section 4): tax rate {@code tau},
 * periodical-reserve allocation rate {@code eta}, declining-balance and rest-value depreciation
 * rates, and the minimum share capital in SEK.
 *
 * @param taxRate corporate tax rate, in [0, 1]
 * @param allocationRate share of the profit base that may go to periodical reserves, in [0, 1]
 * @param decliningBalanceRate tax depreciation rate of the declining-balance rule, in [0, 1]
 * @param restValueRate tax depreciation rate of the rest-value rule, in [0, 1]
 * @param minShareCapital minimum share capital, non-negative
 */
public record ModelConstants(
    double taxRate,
    double allocationRate,
    double decliningBalanceRate,
    double restValueRate,
    double minShareCapital) {

  public ModelConstants {
    checkRate("tax_rate", taxRate);
    checkRate("allocation_rate", allocationRate);
    checkRate("declining_balance_rate", decliningBalanceRate);
    checkRate("rest_value_rate", restValueRate);
    if (!(minShareCapital >= 0) || !Double.isFinite(minShareCapital)) {
      throw new IllegalArgumentException(
          "min_share_capital must be a finite non-negative amount, found " + minShareCapital);
    }
  }

  private static void checkRate(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], found " + v);
    }
  }

  /** The rate of the maximum tax depreciation of machinery: max(declining balance, rest value). */
  public double maxTaxDepreciationRate() {
    return Math.max(decliningBalanceRate, restValueRate);
  }
}
