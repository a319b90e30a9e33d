package io.firmsim.models.equations;

import io.firmsim.zoo.modelspec.EquationSpec;

/** Method LLG: a binary cloglog probability of a non-zero value times a Huber level. */
public final class LlgBlock extends BinaryHurdleBlock {
  public LlgBlock(EquationSpec spec, ForwardMode mode) {
    super(spec, mode);
  }

  @Override
  protected ProbabilityLink link() {
    return ProbabilityLink.CLOGLOG;
  }
}
