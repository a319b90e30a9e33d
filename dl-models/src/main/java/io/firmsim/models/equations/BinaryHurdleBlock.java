package io.firmsim.models.equations;

import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import java.util.List;

/**
 * Methods LLG and LLN: with probability p (binary submodel {@code prob}) the value is the level
 * (submodel {@code level}), else zero; sample mode draws {@code U < p}, mean mode returns {@code p
 * * level}. The subclasses fix the link.
 */
public abstract class BinaryHurdleBlock extends EquationBlock {
  protected BinaryHurdleBlock(EquationSpec spec, ForwardMode mode) {
    super(
        spec,
        mode,
        List.of(new Predictor(spec.submodel("prob"), 0), new Predictor(spec.submodel("level"), 0)));
  }

  /** The link of the probability of a non-zero value. */
  protected abstract ProbabilityLink link();

  /** The probability of a non-zero value from its linear predictor. */
  protected Tensor probability(Tensor eta) {
    return link().probability(eta);
  }

  /** Submodel {@code prob}, predictor row 0. */
  @Override
  public AlignableRow alignableRow(String submodel) {
    if ("prob".equals(submodel)) {
      return new AlignableRow(0, link());
    }
    return super.alignableRow(submodel);
  }

  @Override
  public Tensor combine(List<Tensor> eta, Tensor uniform) {
    Tensor p = probability(eta.get(0));
    Tensor level = eta.get(1);
    if (mode() == ForwardMode.MEAN) {
      return p.mul(level);
    }
    return level.mul(uniform.lt(p).toValues(level));
  }
}
