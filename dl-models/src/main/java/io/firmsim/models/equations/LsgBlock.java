package io.firmsim.models.equations;

import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import java.util.List;

/**
 * Method LSG: two separate binary cloglog models for a positive ({@code p+}) and a negative ({@code
 * p-}) value; if {@code p+ + p- > 1} both are divided by their sum. Positive with {@code p+} (value
 * {@code max(level_pos, 0)}), negative with {@code p-} (value {@code min(level_neg, 0)}), else
 * zero. Sample mode: {@code U < p+} positive, {@code p+ <= U < p+ + p-} negative.
 *
 * <p>Predictor rows: {@code prob_pos}, {@code prob_neg}, {@code level_pos}, {@code level_neg}.
 */
public final class LsgBlock extends EquationBlock {
  public LsgBlock(EquationSpec spec, ForwardMode mode) {
    super(
        spec,
        mode,
        List.of(
            new Predictor(spec.submodel("prob_pos"), 0),
            new Predictor(spec.submodel("prob_neg"), 0),
            new Predictor(spec.submodel("level_pos"), 0),
            new Predictor(spec.submodel("level_neg"), 0)));
  }

  /** {@code prob_pos} (row 0) or {@code prob_neg} (row 1), aligned before the normalisation. */
  @Override
  public AlignableRow alignableRow(String submodel) {
    if ("prob_pos".equals(submodel)) {
      return new AlignableRow(0, ProbabilityLink.CLOGLOG);
    }
    if ("prob_neg".equals(submodel)) {
      return new AlignableRow(1, ProbabilityLink.CLOGLOG);
    }
    return super.alignableRow(submodel);
  }

  @Override
  public Tensor combine(List<Tensor> eta, Tensor uniform) {
    Tensor pPos = cloglog(eta.get(0));
    Tensor pNeg = cloglog(eta.get(1));
    // Divide both by their sum where it exceeds one: divisor max(1, p+ + p-).
    Tensor norm = pPos.add(pNeg).maximum(1);
    pPos = pPos.div(norm);
    pNeg = pNeg.div(norm);
    Tensor pos = eta.get(2).maximum(0);
    Tensor neg = eta.get(3).minimum(0);
    if (mode() == ForwardMode.MEAN) {
      return pPos.mul(pos).add(pNeg.mul(neg));
    }
    Tensor isPos = uniform.lt(pPos).toValues(pos);
    Tensor isNeg = uniform.gte(pPos).and(uniform.lt(pPos.add(pNeg))).toValues(pos);
    return pos.mul(isPos).add(neg.mul(isNeg));
  }
}
