package io.firmsim.zoo.modelspec;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete firm model: the 24 behavioural equations of MODEL.md (paper tables 1-24, in table
 * order) and the accounting constants. Read from JSON by {@link ModelSpecReader}; the embedded
 * default is {@link io.firmsim.zoo.PaperModel}.
 *
 * <p>Class is immutable (the provenance and fit blocks are copied in and out). Every instance has
 * passed validation: each equation has exactly the submodels its method needs, every feature is
 * known, coefficient and feature counts agree and the equations' dependencies have no cycle. A
 * reference profile of the training data ({@link #referenceProfile()}), when present, has the
 * columns of the graphs it describes (state registry order for the year, {@link
 * ReferenceProfile#equationFeatures} for an equation).
 */
public final class ModelSpec {
  /** The format version this code writes and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  /** The equation targets in table order: {@code TARGETS.get(k - 1)} is the target of Tk. */
  public static final List<String> TARGETS =
      List.of(
          "EDEPMA", "SMA", "IMA", "EDEPBU", "IBU", "DOFA", "DCA", "DLL", "DCL", "DSC", "DRR",
          "OIBD", "FI", "FE", "TDEPMA", "ZPF", "DOUR", "GC", "OA", "TL", "OTA", "TDEPBU", "PALLO",
          "ROT");

  private final String name;
  private final String title;
  private final String source;
  private final ModelConstants constants;
  private final List<EquationSpec> equations;
  private final DependencyGraph graph;
  private final JsonNode provenance;
  private final JsonNode fit;
  private final ReferenceProfile referenceProfile;

  ModelSpec(
      String name,
      String title,
      String source,
      ModelConstants constants,
      List<EquationSpec> equations) {
    this(name, title, source, constants, equations, null, null);
  }

  ModelSpec(
      String name,
      String title,
      String source,
      ModelConstants constants,
      List<EquationSpec> equations,
      JsonNode provenance,
      JsonNode fit) {
    this(name, title, source, constants, equations, provenance, fit, null);
  }

  ModelSpec(
      String name,
      String title,
      String source,
      ModelConstants constants,
      List<EquationSpec> equations,
      JsonNode provenance,
      JsonNode fit,
      ReferenceProfile referenceProfile) {
    this.name = Objects.requireNonNull(name, "name");
    this.title = title;
    this.source = source;
    this.constants = Objects.requireNonNull(constants, "constants");
    this.equations = List.copyOf(equations);
    this.graph = DependencyGraph.of(this.equations);
    this.provenance = provenance == null || provenance.isNull() ? null : provenance.deepCopy();
    this.fit = fit == null || fit.isNull() ? null : fit.deepCopy();
    this.referenceProfile = referenceProfile;
    if (referenceProfile != null) {
      checkProfile(referenceProfile, this.equations);
    }
  }

  /** Refuses a profile whose graphs have other columns than this model's graphs. */
  private static void checkProfile(ReferenceProfile profile, List<EquationSpec> equations) {
    for (GraphProfile g : profile.graphs()) {
      List<String> expected;
      if (g.graph().equals(ReferenceProfile.YEAR)) {
        expected = new ArrayList<>();
        for (StateVariable v : StateVariable.all()) {
          expected.add(v.name());
        }
      } else {
        int table = Integer.parseInt(g.graph().substring(1));
        expected = ReferenceProfile.equationFeatures(equations.get(table - 1));
      }
      if (!g.names().equals(expected)) {
        throw new ModelSpecException(
            "referenceProfile.graphs."
                + g.graph()
                + ": columns "
                + g.names()
                + " are not the graph's input columns "
                + expected);
      }
    }
  }

  /**
   * This model with another reference profile (or none, for null): same equations, constants,
   * provenance and fit block.
   *
   * @throws ModelSpecException when the profile's graphs have other columns than this model's
   */
  public ModelSpec withReferenceProfile(ReferenceProfile profile) {
    return new ModelSpec(name, title, source, constants, equations, provenance, fit, profile);
  }

  /**
   * The reference profile of the training data (the {@code referenceProfile} block of the model
   * file, written by {@code train}); empty for a model without one (the paper model).
   */
  public Optional<ReferenceProfile> referenceProfile() {
    return Optional.ofNullable(referenceProfile);
  }

  /**
   * Where the model came from (the {@code provenance} block of the model file: data hashes, row
   * counts, seed, device, library, Java and OS versions, firmsim's build), as a copy; empty for a
   * model without one (the paper model).
   */
  public Optional<JsonNode> provenance() {
    return Optional.ofNullable(provenance).map(JsonNode::deepCopy);
  }

  /** The {@code fit} block of a refitted model (submodels not estimated and why), as a copy. */
  public Optional<JsonNode> fit() {
    return Optional.ofNullable(fit).map(JsonNode::deepCopy);
  }

  public String name() {
    return name;
  }

  /** Human-readable title, may be null. */
  public String title() {
    return title;
  }

  /** Where the coefficients come from, may be null. */
  public String source() {
    return source;
  }

  public ModelConstants constants() {
    return constants;
  }

  /** The 24 equations in table order. */
  public List<EquationSpec> equations() {
    return equations;
  }

  /** The equation with this target. */
  public EquationSpec equation(String target) {
    int i = TARGETS.indexOf(target);
    if (i < 0) {
      throw new IllegalArgumentException("no equation has target " + target);
    }
    return equations.get(i);
  }

  /** The dependency depths of one simulation year (MODEL.md section 2). */
  public DependencyGraph dependencyGraph() {
    return graph;
  }
}
