package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Which firms a shock hits: the firms that pass every filter, and of those a share drawn per firm
 * (a firm is hit when its own uniform draw is below {@code share}; the draw is a pure function of
 * the run's seed, the firm and the shock, so the same firms are hit in every replicate and in every
 * partition of the population).
 *
 * @param share the share of eligible firms hit, in (0, 1]
 * @param characteristics required values of firm characteristics ({@code Public}, {@code ruralare},
 *     {@code largcity}, {@code FAAB}: 0 or 1), empty for no filter
 * @param sizeDeciles the deciles of total assets at the start of the run (1 = smallest tenth, 10 =
 *     largest), weighted by the firms' weights when the population has them; empty for all
 */
public record Selection(
    double share, Map<String, Double> characteristics, List<Integer> sizeDeciles)
    implements Serializable {
  /** Characteristics a selection may name. */
  public static final List<String> CHARACTERISTICS =
      List.of("Public", "ruralare", "largcity", "FAAB");

  public Selection {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], found " + share);
    }
    characteristics = Map.copyOf(characteristics);
    for (String c : characteristics.keySet()) {
      if (!CHARACTERISTICS.contains(c)) {
        throw new IllegalArgumentException(
            "unknown characteristic " + c + " (known: " + String.join(", ", CHARACTERISTICS) + ")");
      }
    }
    sizeDeciles = List.copyOf(sizeDeciles);
    for (int d : sizeDeciles) {
      if (d < 1 || d > 10) {
        throw new IllegalArgumentException("size deciles are 1 to 10, found " + d);
      }
    }
  }

  /** Every firm. */
  public static Selection all() {
    return new Selection(1, Map.of(), List.of());
  }
}
