package io.firmsim.trainer.embed.features;

import java.util.List;

/**
 * The scale-free features of one firm-year, in column order ({@link #ordinal()}): ratios of the
 * firm's state (MODEL.md section 1) and flows that do not depend on the firm's size, so firms of
 * every size can be compared and a trajectory encoder sees shapes, not magnitudes.
 *
 * <p>Notation: {@code K = max(1, CA + MA + BU + OFA)}, total assets floored at 1 exactly as
 * MODEL.md section 2 floors them; {@code _1} is the value at the end of the year before. The lags
 * of the stocks come from the row itself through the model's accounting identities (MODEL.md
 * section 4): {@code MA_1 = MA - IMA + SMA + EDEPMA}, {@code BU_1 = BU - IBU + EDEPBU}, {@code
 * OFA_1 = OFA - DOFA}, {@code CA_1 = CA - DCA}, so a firm's first panel year has them too. Only
 * {@link #OIBD_GROWTH} needs the previous panel row (the flow {@code OIBD_1} is kept nowhere else).
 *
 * <p>Transform: every ratio {@code r} becomes {@code clip(sign(r) log(1 + |r|), -10, 10)} (see
 * {@link FirmFeatures#transform}). The signed log keeps the sign and is nearly linear for the
 * common ratios below 1 (debt ratio, returns, rates), while ratios with heavy tails (a current
 * ratio of 500, asset growth from a tiny base) are compressed instead of dominating a squared-error
 * loss; the clip at 10 (a raw ratio of about 22,000) bounds the rare ratio over a near-empty
 * denominator. Clipping alone would keep the tails linear up to the clip and flatten them beyond
 * it; the log keeps their order.
 *
 * <p>Zero denominators: a denominator below 1 (one currency unit, the floor MODEL.md puts on {@code
 * K}) makes the ratio undefined; its value is then 0 and the matching {@code *_DEFINED} indicator
 * is 0 (else 1). The indicators matter because undefined is common and informative: many firms own
 * no buildings ({@code BU_1 = 0}), have no current liabilities, or make a loss ({@code EBT <= 0}).
 * Indicators are 0/1 and are not standardised (see {@link FeatureScaling}).
 */
public enum FirmFeature {
  /** {@code (CL + LL) / K}: leverage. */
  DEBT_RATIO(false),
  /** {@code CA / CL}, when {@code CL >= 1}: liquidity. */
  CURRENT_RATIO(false),
  /** 1 when {@code CL >= 1}, else 0. */
  CURRENT_RATIO_DEFINED(true),
  /** {@code (SC + RR + URE) / K}: restricted and unrestricted equity over assets. */
  EQUITY_RATIO(false),
  /** {@code OIBD / K}: operating return on assets. */
  RETURN_OIBD(false),
  /** {@code NBI / K}: net return on assets. */
  RETURN_NBI(false),
  /** {@code K / K_1 - 1}, {@code K_1 = max(1, CA_1 + MA_1 + BU_1 + OFA_1)}: asset growth. */
  ASSET_GROWTH(false),
  /**
   * {@code (OIBD - OIBD_1) / K_1}, when the previous year's row is in the panel: the change of the
   * sales proxy OIBD, over last year's assets (OIBD crosses zero, so a ratio to {@code OIBD_1}
   * would be unbounded and change sign meaninglessly).
   */
  OIBD_GROWTH(false),
  /** 1 when the previous year's row is in the panel, else 0. */
  OIBD_GROWTH_DEFINED(true),
  /** {@code IMA / MA_1}, when {@code MA_1 >= 1}: the machinery investment rate. */
  MA_INVESTMENT_RATE(false),
  /** {@code EDEPMA / MA_1}, when {@code MA_1 >= 1}: the machinery depreciation rate. */
  MA_DEPRECIATION_RATE(false),
  /** 1 when {@code MA_1 >= 1}, else 0. */
  MA_DEFINED(true),
  /** {@code IBU / BU_1}, when {@code BU_1 >= 1}: the buildings investment rate. */
  BU_INVESTMENT_RATE(false),
  /** {@code EDEPBU / BU_1}, when {@code BU_1 >= 1}: the buildings depreciation rate. */
  BU_DEPRECIATION_RATE(false),
  /** 1 when {@code BU_1 >= 1}, else 0. */
  BU_DEFINED(true),
  /** {@code ZPF / K}: periodisation reserves taken back into income. */
  RESERVE_RELEASE(false),
  /** {@code PALLO / K}: allocation to periodisation reserves. */
  RESERVE_ALLOCATION(false),
  /** {@code FTAX / EBT}, when {@code EBT >= 1}: the effective tax rate. */
  TAX_RATE(false),
  /** 1 when {@code EBT >= 1}, else 0. */
  TAX_RATE_DEFINED(true);

  private static final FirmFeature[] VALUES = values();

  private final boolean indicator;

  FirmFeature(boolean indicator) {
    this.indicator = indicator;
  }

  /** Whether this is a 0/1 indicator (not standardised) rather than a transformed ratio. */
  public boolean indicator() {
    return indicator;
  }

  /** The number of features. */
  public static int count() {
    return VALUES.length;
  }

  /** All features in column order. */
  public static List<FirmFeature> all() {
    return List.of(VALUES);
  }

  /** The feature names in column order. */
  public static List<String> names() {
    return all().stream().map(Enum::name).toList();
  }
}
