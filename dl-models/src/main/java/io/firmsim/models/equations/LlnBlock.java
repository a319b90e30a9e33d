package io.firmsim.models.equations;

import io.firmsim.zoo.modelspec.EquationSpec;

/** Method LLN: a binary logit probability of a non-zero value times a Huber level. */
public final class LlnBlock extends BinaryHurdleBlock {
  public LlnBlock(EquationSpec spec, ForwardMode mode) {
    super(spec, mode);
  }

  @Override
  protected ProbabilityLink link() {
    return ProbabilityLink.LOGIT;
  }
}
