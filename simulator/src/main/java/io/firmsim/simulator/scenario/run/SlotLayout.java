package io.firmsim.simulator.scenario.run;

import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Where each weighted sum of one variant and replicate lives in a flat array of slots: per year the
 * aggregate columns ({@link #AGGREGATES}), then per recovery group (all shocks, then each shock
 * kind the variant uses) the hit weight, the distressed weight in the scenario and in the baseline,
 * and per {@link Measure} a histogram of weights over (recovery time, years observed after the
 * shock).
 *
 * <p>Recovery time {@code tau} runs from 0 to {@code years - 1}, {@code tau = years} meaning not
 * recovered within the run; years observed {@code c = endYear - shockEnd} from 0 to {@code years -
 * 1}.
 */
final class SlotLayout {
  private static final int V = StateVariable.count();
  private static final int F = FlowVariable.count();

  /** The aggregate columns: weight, equity, total assets, distressed weight, states, flows. */
  static final List<String> AGGREGATES;

  static {
    List<String> names = new ArrayList<>(List.of("weight", "equity", "total_assets", "distressed"));
    for (StateVariable v : StateVariable.all()) {
      names.add(v.name());
    }
    for (FlowVariable f : FlowVariable.all()) {
      names.add(f.name());
    }
    AGGREGATES = List.copyOf(names);
  }

  static final int AGG = 4 + V + F;

  final int years;
  final List<String> groups; // "all", then kind labels; empty for the baseline
  final List<Set<ShockKind>> groupKinds;
  final int groupSize;
  final int slots;

  SlotLayout(Variant variant, int years) {
    this.years = years;
    List<String> g = new ArrayList<>();
    List<Set<ShockKind>> kinds = new ArrayList<>();
    if (!variant.shocks().isEmpty()) {
      g.add("all");
      kinds.add(EnumSet.allOf(ShockKind.class));
      for (ShockKind k : ShockKind.values()) {
        for (Shock s : variant.shocks()) {
          if (s.kind() == k) {
            g.add(k.label());
            kinds.add(EnumSet.of(k));
            break;
          }
        }
      }
    }
    this.groups = List.copyOf(g);
    this.groupKinds = List.copyOf(kinds);
    this.groupSize = 3 + Measure.values().length * (years + 1) * years;
    this.slots = years * AGG + groups.size() * groupSize;
  }

  int aggregate(int year, int column) {
    return year * AGG + column;
  }

  int group(int g) {
    return years * AGG + g * groupSize;
  }

  int hit(int g) {
    return group(g);
  }

  int distressed(int g) {
    return group(g) + 1;
  }

  int baselineDistressed(int g) {
    return group(g) + 2;
  }

  int histogram(int g, Measure m, int tau, int observed) {
    return group(g) + 3 + (m.ordinal() * (years + 1) + tau) * years + observed;
  }
}
