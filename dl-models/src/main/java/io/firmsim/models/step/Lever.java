package io.firmsim.models.step;

import io.firmsim.zoo.modelspec.ModelConstants;
import java.util.List;

/**
 * The per-firm levers of one simulation year through which stress scenarios act on the model: the
 * optional {@code levers [N, Lever.count()]} input of {@link FirmYearBlock} and of the exported
 * year graph, one column per constant here, in declaration order. A firm whose row holds the {@link
 * #neutral neutral values} is simulated exactly as without levers, bit for bit: every lever enters
 * as {@code x - 0 * y}, {@code x * 1} or the model's own constant.
 *
 * <p>How each is booked so that the balance identity holds (docs/SCENARIOS.md):
 *
 * <ul>
 *   <li>{@link #OIBD_CUT} {@code m}: {@code OIBD' = OIBD - m |OIBD|} after equation T12; every
 *       later equation reads the cut value, and the cut reaches equity through NBI and cash;
 *   <li>{@link #FE_FACTOR} {@code f}: {@code FE' = f max(0, FE)} after T14;
 *   <li>{@link #DLL_CUT} {@code m}: new long-term borrowing refused, {@code DLL' = DLL - m max(0,
 *       DLL)} after T8's clamp (repayments are untouched);
 *   <li>{@link #TAX_RATE}, {@link #ALLOCATION_RATE}: the firm's tax rate and periodical-reserve
 *       allocation rate, in place of the model's constants;
 *   <li>{@link #MA_WRITE_DOWN}, {@link #BU_WRITE_DOWN}, {@link #OFA_WRITE_DOWN} {@code w}: at the
 *       start of the year, {@code w max(0, X_1)} of the asset is written off against unrestricted
 *       equity URE (the year then starts from the impaired balance sheet; the tax value CMA is not
 *       changed: an impairment is not a tax depreciation);
 *   <li>{@link #LL_CALL_IN} {@code c}: at the start of the year {@code min(c max(0, LL_1), max(0,
 *       CA_1))} of long-term liabilities is repaid out of current assets.
 * </ul>
 */
public enum Lever {
  OIBD_CUT,
  FE_FACTOR,
  DLL_CUT,
  TAX_RATE,
  ALLOCATION_RATE,
  MA_WRITE_DOWN,
  BU_WRITE_DOWN,
  OFA_WRITE_DOWN,
  LL_CALL_IN;

  private static final List<Lever> ALL = List.of(values());

  /** Column index in the levers input. */
  public int index() {
    return ordinal();
  }

  /** Number of lever columns. */
  public static int count() {
    return ALL.size();
  }

  /** All levers in column order. */
  public static List<Lever> all() {
    return ALL;
  }

  /** The value that leaves the year as the model has it. */
  public double neutral(ModelConstants constants) {
    switch (this) {
      case FE_FACTOR:
        return 1;
      case TAX_RATE:
        return constants.taxRate();
      case ALLOCATION_RATE:
        return constants.allocationRate();
      default:
        return 0;
    }
  }

  /** One row of neutral values, in column order. */
  public static double[] neutralRow(ModelConstants constants) {
    double[] row = new double[count()];
    for (Lever l : ALL) {
      row[l.index()] = l.neutral(constants);
    }
    return row;
  }
}
