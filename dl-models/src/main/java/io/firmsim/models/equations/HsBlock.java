package io.firmsim.models.equations;

import ai.djl.ndarray.NDArray;
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
  public NDArray combine(List<NDArray> eta, NDArray uniform) {
    return eta.get(0);
  }
}
