package io.firmsim.zoo.profile;

import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.SubmodelSpec;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the data a model was trained on looked like, per served graph: for the simulation year one
 * {@link FeatureProfile} per state column (registry order of {@link
 * io.firmsim.zoo.vocabulary.StateVariable}), for each equation one per column of its {@code
 * features} input ({@link #equationFeatures}). Stored as the {@code referenceProfile} block of the
 * model file (format {@value #FORMAT}, {@code formatVersion} {@value #FORMAT_VERSION}; see {@link
 * ReferenceProfileJson}) so that it travels with the model into artifacts, and used by servers to
 * measure drift of the inputs they see (population stability index).
 *
 * <p>Class is immutable. Graphs are kept in the order {@code year, T01 .. T24}; a profile may hold
 * any subset of them.
 */
public final class ReferenceProfile {
  /** The value of the block's {@code format} key. */
  public static final String FORMAT = "firmsim-reference-profile";

  /** The format version this code writes and the only one it reads. */
  public static final int FORMAT_VERSION = 1;

  /** The number of quantile bins {@code train} computes per column. */
  public static final int DEFAULT_BINS = 10;

  /** The graph name of the simulation year. */
  public static final String YEAR = "year";

  private static final Pattern EQUATION = Pattern.compile("T(0[1-9]|1[0-9]|2[0-4])");

  private final int bins;
  private final Map<String, GraphProfile> graphs;

  private ReferenceProfile(int bins, Map<String, GraphProfile> graphs) {
    this.bins = bins;
    this.graphs = graphs;
  }

  /**
   * A profile of the given graphs.
   *
   * @param bins the number of quantile bins asked for per column (columns with point masses have
   *     fewer)
   * @throws IllegalArgumentException when {@code bins} is out of range, a graph appears twice or a
   *     column has more bins than asked for
   */
  public static ReferenceProfile of(int bins, List<GraphProfile> graphs) {
    if (bins < 1 || bins > FeatureProfile.MAX_BINS) {
      throw new IllegalArgumentException(
          "'bins' must be in 1.." + FeatureProfile.MAX_BINS + ", found " + bins);
    }
    Map<String, GraphProfile> byName = new LinkedHashMap<>();
    for (GraphProfile g : graphs) {
      if (byName.put(g.graph(), g) != null) {
        throw new IllegalArgumentException("graph " + g.graph() + " appears twice");
      }
      for (FeatureProfile f : g.features()) {
        if (f.binCount() > bins) {
          throw new IllegalArgumentException(
              "graph "
                  + g.graph()
                  + ", column "
                  + f.name()
                  + ": "
                  + f.binCount()
                  + " bins, more than the profile's "
                  + bins);
        }
      }
    }
    Map<String, GraphProfile> ordered = new LinkedHashMap<>();
    for (String name : graphNames()) {
      if (byName.containsKey(name)) {
        ordered.put(name, byName.get(name));
      }
    }
    return new ReferenceProfile(bins, Collections.unmodifiableMap(ordered));
  }

  /** Every graph name in order: {@code year, T01 .. T24}. */
  public static List<String> graphNames() {
    List<String> out = new ArrayList<>();
    out.add(YEAR);
    for (int t = 1; t <= 24; t++) {
      out.add(equationGraph(t));
    }
    return List.copyOf(out);
  }

  /** The graph name of equation {@code table} (1..24): {@code T01} .. {@code T24}. */
  public static String equationGraph(int table) {
    if (table < 1 || table > 24) {
      throw new IllegalArgumentException("table must be in 1..24, found " + table);
    }
    return String.format(java.util.Locale.ROOT, "T%02d", table);
  }

  /** Whether the name is {@code year} or {@code T01} .. {@code T24}. */
  public static boolean isGraphName(String graph) {
    return YEAR.equals(graph) || (graph != null && EQUATION.matcher(graph).matches());
  }

  /** The input a graph's columns belong to: {@code state} for the year, else {@code features}. */
  public static String inputOf(String graph) {
    return YEAR.equals(graph) ? "state" : "features";
  }

  /**
   * The columns of an equation graph's {@code features} input: the union of its submodels' features
   * in submodel order, each at its first appearance (the order of the exported graphs and of {@code
   * metadata.json}'s {@code equations[].features}).
   */
  public static List<String> equationFeatures(EquationSpec equation) {
    LinkedHashSet<String> union = new LinkedHashSet<>();
    for (SubmodelSpec s : equation.submodels()) {
      for (Feature f : s.features()) {
        union.add(f.name());
      }
    }
    return List.copyOf(union);
  }

  /** The number of quantile bins asked for per column. */
  public int bins() {
    return bins;
  }

  /** The profile of one graph, if this profile has it. */
  public Optional<GraphProfile> graph(String graph) {
    return Optional.ofNullable(graphs.get(graph));
  }

  /** Every graph profiled, in the order {@code year, T01 .. T24}. */
  public List<GraphProfile> graphs() {
    return List.copyOf(graphs.values());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceProfile p && bins == p.bins && graphs.equals(p.graphs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bins, graphs);
  }

  @Override
  public String toString() {
    return "ReferenceProfile" + graphs.keySet();
  }
}
