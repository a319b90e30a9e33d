package io.firmsim.simulator.scenario;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The baseline or one named scenario: a macro path and the shocks applied on top of it. The
 * baseline has no shocks. Serializable, as the plan that holds it.
 */
public record Variant(String name, MacroPlan macro, List<Shock> shocks) implements Serializable {
  public Variant {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(macro, "macro");
    shocks = List.copyOf(shocks);
  }
}
