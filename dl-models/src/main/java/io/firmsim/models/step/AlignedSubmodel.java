package io.firmsim.models.step;

import java.util.Objects;

/**
 * One binary probability submodel that a simulation year aligns to an external rate: {@code prob}
 * of an LLG or LLN equation (T1, T4, T5, T8, T11, T13, T14, T16, T20, T24) or {@code prob_pos} /
 * {@code prob_neg} of an LSG equation (T6, T10, T18). See {@link Alignment} for what aligning does.
 * Class is immutable.
 *
 * @param table the equation's table number (1 to 24)
 * @param submodel the submodel's name
 */
public record AlignedSubmodel(int table, String submodel) {
  public AlignedSubmodel {
    Objects.requireNonNull(submodel, "submodel");
    if (table < 1 || table > 24) {
      throw new IllegalArgumentException("table must be 1 to 24, found " + table);
    }
  }

  /** {@code T<table>.<submodel>}, as the year graph's metadata lists it. */
  public String label() {
    return "T" + table + "." + submodel;
  }
}
