package io.firmsim.models.equations;

import ai.djl.ndarray.NDArray;
import io.firmsim.zoo.modelspec.EquationSpec;

/** Method LLN: a binary logit probability of a non-zero value times a Huber level. */
public final class LlnBlock extends BinaryHurdleBlock {
  public LlnBlock(EquationSpec spec, ForwardMode mode) {
    super(spec, mode);
  }

  @Override
  protected NDArray probability(NDArray eta) {
    return logit(eta);
  }
}
