package io.firmsim.trainer.embed.features;

import static io.firmsim.trainer.embed.features.FirmFeature.ASSET_GROWTH;
import static io.firmsim.trainer.embed.features.FirmFeature.BU_DEFINED;
import static io.firmsim.trainer.embed.features.FirmFeature.BU_DEPRECIATION_RATE;
import static io.firmsim.trainer.embed.features.FirmFeature.BU_INVESTMENT_RATE;
import static io.firmsim.trainer.embed.features.FirmFeature.CURRENT_RATIO;
import static io.firmsim.trainer.embed.features.FirmFeature.CURRENT_RATIO_DEFINED;
import static io.firmsim.trainer.embed.features.FirmFeature.DEBT_RATIO;
import static io.firmsim.trainer.embed.features.FirmFeature.EQUITY_RATIO;
import static io.firmsim.trainer.embed.features.FirmFeature.MA_DEFINED;
import static io.firmsim.trainer.embed.features.FirmFeature.MA_DEPRECIATION_RATE;
import static io.firmsim.trainer.embed.features.FirmFeature.MA_INVESTMENT_RATE;
import static io.firmsim.trainer.embed.features.FirmFeature.OIBD_GROWTH;
import static io.firmsim.trainer.embed.features.FirmFeature.OIBD_GROWTH_DEFINED;
import static io.firmsim.trainer.embed.features.FirmFeature.RESERVE_ALLOCATION;
import static io.firmsim.trainer.embed.features.FirmFeature.RESERVE_RELEASE;
import static io.firmsim.trainer.embed.features.FirmFeature.RETURN_NBI;
import static io.firmsim.trainer.embed.features.FirmFeature.RETURN_OIBD;
import static io.firmsim.trainer.embed.features.FirmFeature.TAX_RATE;
import static io.firmsim.trainer.embed.features.FirmFeature.TAX_RATE_DEFINED;

import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Objects;

/**
 * Computes the {@link FirmFeature}s of every row of a {@link Panel}, transformed but not yet
 * standardised. The definitions, the transform and the handling of zero denominators are those
 * documented on {@link FirmFeature}; this class only evaluates them, in float64.
 *
 * <p>Stateless and thread-safe.
 */
public final class FirmFeatures {
  /** The bound of a transformed ratio: {@code |transform(r)| <= CLIP}. */
  public static final double CLIP = 10.0;

  /** A denominator below this (one currency unit) leaves its ratio undefined. */
  public static final double MIN_DENOMINATOR = 1.0;

  private FirmFeatures() {}

  /**
   * The features of every row, {@code [rows][FirmFeature.count()]}, in the panel's row order.
   *
   * @param panel the panel; {@link FirmFeature#OIBD_GROWTH} uses each row's previous-year row
   */
  public static double[][] compute(Panel panel) {
    Objects.requireNonNull(panel, "panel");
    double[][] out = new double[panel.rows()][];
    for (int r = 0; r < panel.rows(); r++) {
      int p = panel.previousRow(r);
      double oibdLag = p >= 0 ? panel.flow(p, FlowVariable.OIBD) : Double.NaN;
      out[r] = row(panel, r, oibdLag);
    }
    return out;
  }

  /**
   * The features of one row.
   *
   * @param oibdLag last year's OIBD, or NaN when the panel does not hold last year's row
   */
  static double[] row(Panel panel, int r, double oibdLag) {
    double ca = panel.state(r, StateVariable.CA);
    double ma = panel.state(r, StateVariable.MA);
    double bu = panel.state(r, StateVariable.BU);
    double ofa = panel.state(r, StateVariable.OFA);
    double cl = panel.state(r, StateVariable.CL);
    double ll = panel.state(r, StateVariable.LL);
    double equity =
        panel.state(r, StateVariable.SC)
            + panel.state(r, StateVariable.RR)
            + panel.state(r, StateVariable.URE);
    double ima = panel.state(r, StateVariable.IMA);
    double sma = panel.state(r, StateVariable.SMA);
    double edepma = panel.state(r, StateVariable.EDEPMA);
    double ibu = panel.state(r, StateVariable.IBU);
    double edepbu = panel.state(r, StateVariable.EDEPBU);
    double pallo = panel.state(r, StateVariable.PALLO);
    double dca = panel.state(r, StateVariable.DCA);
    double oibd = panel.flow(r, FlowVariable.OIBD);
    double nbi = panel.flow(r, FlowVariable.NBI);
    double zpf = panel.flow(r, FlowVariable.ZPF);
    double ftax = panel.flow(r, FlowVariable.FTAX);
    double ebt = panel.flow(r, FlowVariable.EBT);
    double dofa = panel.flow(r, FlowVariable.DOFA);

    double k = Math.max(1.0, ca + ma + bu + ofa);
    double maLag = ma - ima + sma + edepma;
    double buLag = bu - ibu + edepbu;
    double kLag = Math.max(1.0, (ca - dca) + maLag + buLag + (ofa - dofa));

    double[] f = new double[FirmFeature.count()];
    f[DEBT_RATIO.ordinal()] = transform((cl + ll) / k);
    ratio(f, CURRENT_RATIO, CURRENT_RATIO_DEFINED, ca, cl);
    f[EQUITY_RATIO.ordinal()] = transform(equity / k);
    f[RETURN_OIBD.ordinal()] = transform(oibd / k);
    f[RETURN_NBI.ordinal()] = transform(nbi / k);
    f[ASSET_GROWTH.ordinal()] = transform(k / kLag - 1.0);
    if (Double.isNaN(oibdLag)) {
      f[OIBD_GROWTH_DEFINED.ordinal()] = 0;
    } else {
      f[OIBD_GROWTH.ordinal()] = transform((oibd - oibdLag) / kLag);
      f[OIBD_GROWTH_DEFINED.ordinal()] = 1;
    }
    ratio(f, MA_INVESTMENT_RATE, MA_DEFINED, ima, maLag);
    ratio(f, MA_DEPRECIATION_RATE, MA_DEFINED, edepma, maLag);
    ratio(f, BU_INVESTMENT_RATE, BU_DEFINED, ibu, buLag);
    ratio(f, BU_DEPRECIATION_RATE, BU_DEFINED, edepbu, buLag);
    f[RESERVE_RELEASE.ordinal()] = transform(zpf / k);
    f[RESERVE_ALLOCATION.ordinal()] = transform(pallo / k);
    ratio(f, TAX_RATE, TAX_RATE_DEFINED, ftax, ebt);
    return f;
  }

  /**
   * The transform of a ratio: {@code clip(sign(r) log(1 + |r|), -CLIP, CLIP)}; odd, monotone,
   * nearly the identity near 0.
   */
  public static double transform(double r) {
    double t = Math.copySign(Math.log1p(Math.abs(r)), r);
    return Math.max(-CLIP, Math.min(CLIP, t));
  }

  private static void ratio(
      double[] f, FirmFeature value, FirmFeature defined, double numerator, double denominator) {
    if (denominator >= MIN_DENOMINATOR) {
      f[value.ordinal()] = transform(numerator / denominator);
      f[defined.ordinal()] = 1;
    } else {
      f[value.ordinal()] = 0;
      f[defined.ordinal()] = 0;
    }
  }
}
