package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Alignment of one probability submodel to external event rates: for each listed year, the
 * submodel's linear predictor is shifted by one number so that the (weighted) mean probability over
 * the population equals {@code rates.get(year)} (docs/SCENARIOS.md, "Alignment"). Serializable (the
 * rates are kept in a {@link TreeMap}), as the plan that holds it.
 *
 * @param table the equation's table number (1 to 24)
 * @param submodel the probability submodel's name ({@code prob}, {@code prob_pos}, {@code
 *     prob_neg})
 * @param rates target rate per calendar year, each in (0, 1)
 */
public record AlignmentTarget(int table, String submodel, SortedMap<Integer, Double> rates)
    implements Serializable {
  public AlignmentTarget {
    Objects.requireNonNull(submodel, "submodel");
    rates = new TreeMap<>(rates);
    for (var e : rates.entrySet()) {
      double r = e.getValue();
      if (!(r > 0 && r < 1)) {
        throw new IllegalArgumentException(
            "target rate for " + e.getKey() + " must be in (0, 1), found " + r);
      }
    }
  }
}
