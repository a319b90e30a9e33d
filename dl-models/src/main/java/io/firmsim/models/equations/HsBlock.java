package io.firmsim.models.equations;

import io.firmsim.models.tensor.Tensor;
import io.firmsim.zoo.modelspec.EquationSpec;
import java.util.List;

/** Method HS: the value is the Huber-Schweppe level itself, in both modes. */
public final class HsBlock extends EquationBlock {
  public HsBlock(EquationSpec spec, ForwardMode mode) {
    super(spec, mode, List.of(new Predictor(spec.submodel("level"), 0)));
  }

  @Override
  protected boolean predictorsOnlyLevel() {
    return true;
  }

  @Override
  public Tensor combine(List<Tensor> eta, Tensor uniform) {
    return eta.get(0);
  }
}
