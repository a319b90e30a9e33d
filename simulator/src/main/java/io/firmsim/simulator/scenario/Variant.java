package io.firmsim.simulator.scenario;

import java.util.List;
import java.util.Objects;

/**
 * The baseline or one named scenario: a macro path and the shocks applied on top of it. The
 * baseline has no shocks.
 */
public record Variant(String name, MacroPlan macro, List<Shock> shocks) {
  public Variant {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(macro, "macro");
    shocks = List.copyOf(shocks);
  }
}
