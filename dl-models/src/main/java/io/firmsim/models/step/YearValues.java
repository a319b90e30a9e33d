package io.firmsim.models.step;

import io.firmsim.models.tensor.Tensor;

/**
 * What one simulation year computes for a batch of firms, column by column.
 *
 * @param next the new state, by {@code StateVariable} index, each {@code [N]}
 * @param flows the year's flows, by {@code FlowVariable} index, each {@code [N]}
 * @param gap the balance identity's relative gap after the year, {@code [N]}
 * @param aligned per aligned submodel ({@link YearProgram#aligned()} order), the probability the
 *     year used after alignment, {@code [N]}; empty without alignment
 */
public record YearValues(Tensor[] next, Tensor[] flows, Tensor gap, Tensor[] aligned) {
  /** Values of a year without alignment. */
  public YearValues(Tensor[] next, Tensor[] flows, Tensor gap) {
    this(next, flows, gap, new Tensor[0]);
  }
}
