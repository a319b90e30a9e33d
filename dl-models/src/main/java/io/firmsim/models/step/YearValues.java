package io.firmsim.models.step;

import io.firmsim.models.tensor.Tensor;

/**
 * What one simulation year computes for a batch of firms, column by column.
 *
 * @param next the new state, by {@code StateVariable} index, each {@code [N]}
 * @param flows the year's flows, by {@code FlowVariable} index, each {@code [N]}
 * @param gap the balance identity's relative gap after the year, {@code [N]}
 */
public record YearValues(Tensor[] next, Tensor[] flows, Tensor gap) {}
