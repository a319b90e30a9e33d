package io.firmsim.models.equations;

import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import java.util.List;

/**
 * Method MUNO: an ordinal cloglog model over negative / zero / positive. With {@code P1 =
 * cloglog(i1 + xb)} and {@code P2 = max(P1, cloglog(i2 + xb))}: negative with P1 (value {@code
 * min(level_neg, 0)}), zero with {@code P2 - P1}, positive with {@code 1 - P2} (value {@code
 * max(level_pos, 0)}). Sample mode: {@code U < P1} negative, {@code P1 <= U < P2} zero, else
 * positive.
 *
 * <p>Predictor rows: {@code i1 + xb}, {@code i2 + xb}, {@code level_pos}, {@code level_neg}.
 */
public final class MunoBlock extends EquationBlock {
  public MunoBlock(EquationSpec spec, ForwardMode mode) {
    super(
        spec,
        mode,
        List.of(
            new Predictor(spec.submodel("prob"), 0),
            new Predictor(spec.submodel("prob"), 1),
            new Predictor(spec.submodel("level_pos"), 0),
            new Predictor(spec.submodel("level_neg"), 0)));
  }

  /** Refused: the ordinal {@code prob} has two thresholds, not one binary probability. */
  @Override
  public AlignableRow alignableRow(String submodel) {
    if ("prob".equals(submodel)) {
      throw new IllegalArgumentException(
          "T"
              + spec().table()
              + " (MUNO): the ordinal submodel 'prob' cannot be aligned (alignment shifts one"
              + " binary probability; MUNO's prob has two thresholds)");
    }
    return super.alignableRow(submodel);
  }

  @Override
  public Tensor combine(List<Tensor> eta, Tensor uniform) {
    Tensor p1 = cloglog(eta.get(0));
    Tensor p2 = cloglog(eta.get(1)).maximum(p1);
    Tensor pos = eta.get(2).maximum(0);
    Tensor neg = eta.get(3).minimum(0);
    if (mode() == ForwardMode.MEAN) {
      return p2.neg().add(1).mul(pos).add(p1.mul(neg));
    }
    Tensor isNeg = uniform.lt(p1).toValues(pos);
    Tensor isPos = uniform.gte(p2).toValues(pos);
    return pos.mul(isPos).add(neg.mul(isNeg));
  }
}
