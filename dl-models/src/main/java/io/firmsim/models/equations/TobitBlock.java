package io.firmsim.models.equations;

import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import java.util.List;

/**
 * Method TOBIT: {@code max(0, latent + scale * L)} with L standard logistic, drawn as {@code L =
 * ln(U / (1 - U))}. In mean mode the exact mean of the censored logistic, {@code scale * ln(1 +
 * exp(latent / scale))}, computed with a stable softplus.
 */
public final class TobitBlock extends EquationBlock {
  private final double scale;

  public TobitBlock(EquationSpec spec, ForwardMode mode) {
    super(spec, mode, List.of(new Predictor(spec.submodel("latent"), 0)));
    this.scale = spec.submodel("latent").scale();
  }

  /** The logistic scale of the latent variable. */
  public double scale() {
    return scale;
  }

  @Override
  public Tensor combine(List<Tensor> eta, Tensor uniform) {
    Tensor latent = eta.get(0);
    if (mode() == ForwardMode.MEAN) {
      return latent.div(scale).softplus().mul(scale);
    }
    Tensor logistic = uniform.div(uniform.neg().add(1)).log();
    return latent.add(logistic.mul(scale)).maximum(0);
  }
}
