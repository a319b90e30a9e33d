package io.firmsim.zoo.profile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The reference profile of one served graph: the graph's name ({@code year} or {@code T01} ..
 * {@code T24}), the input it describes ({@code state} for the year, {@code features} for an
 * equation) and one {@link FeatureProfile} per column of that input, in column order.
 *
 * <p>Class is immutable.
 */
public final class GraphProfile {
  private final String graph;
  private final String input;
  private final List<FeatureProfile> features;

  /**
   * @throws IllegalArgumentException when the graph is not {@code year} or {@code T01}..{@code
   *     T24}, the input is not that graph's, there are no columns or a column appears twice
   */
  public GraphProfile(String graph, String input, List<FeatureProfile> features) {
    this.graph = Objects.requireNonNull(graph, "graph");
    this.input = Objects.requireNonNull(input, "input");
    this.features = List.copyOf(features);
    if (!ReferenceProfile.isGraphName(graph)) {
      throw new IllegalArgumentException("unknown graph '" + graph + "' (known: year, T01 .. T24)");
    }
    String expected = ReferenceProfile.inputOf(graph);
    if (!input.equals(expected)) {
      throw new IllegalArgumentException(
          "graph " + graph + " has input '" + expected + "', found '" + input + "'");
    }
    if (this.features.isEmpty()) {
      throw new IllegalArgumentException("graph " + graph + " has no columns");
    }
    Set<String> seen = new HashSet<>();
    for (FeatureProfile f : this.features) {
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException(
            "graph " + graph + " lists column '" + f.name() + "' twice");
      }
    }
  }

  /** {@code year} or {@code T01} .. {@code T24}. */
  public String graph() {
    return graph;
  }

  /** The graph input the columns belong to: {@code state} or {@code features}. */
  public String input() {
    return input;
  }

  /** One profile per input column, in column order. */
  public List<FeatureProfile> features() {
    return features;
  }

  /** The column names in order. */
  public List<String> names() {
    List<String> out = new ArrayList<>(features.size());
    features.forEach(f -> out.add(f.name()));
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GraphProfile g
        && graph.equals(g.graph)
        && input.equals(g.input)
        && features.equals(g.features);
  }

  @Override
  public int hashCode() {
    return Objects.hash(graph, input, features);
  }

  @Override
  public String toString() {
    return graph + "(" + input + ", " + features.size() + " columns)";
  }
}
