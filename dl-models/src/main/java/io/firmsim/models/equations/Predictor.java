package io.firmsim.models.equations;

import io.firmsim.zoo.modelspec.SubmodelSpec;

/**
 * One linear predictor row of an equation: a submodel's slope vector with one of its intercepts (an
 * ordinal submodel contributes two rows that share slopes and differ in threshold).
 *
 * @param submodel the submodel the slopes come from
 * @param interceptIndex which of the submodel's intercepts is this row's bias
 */
public record Predictor(SubmodelSpec submodel, int interceptIndex) {
  /** The row's bias. */
  public double bias() {
    return submodel.intercepts()[interceptIndex];
  }
}
