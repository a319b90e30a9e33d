package io.firmsim.zoo.modelspec;

import com.fasterxml.jackson.databind.JsonNode;
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
 * known, coefficient and feature counts agree and the equations' dependencies have no cycle.
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
    this.name = Objects.requireNonNull(name, "name");
    this.title = title;
    this.source = source;
    this.constants = Objects.requireNonNull(constants, "constants");
    this.equations = List.copyOf(equations);
    this.graph = DependencyGraph.of(this.equations);
    this.provenance = provenance == null || provenance.isNull() ? null : provenance.deepCopy();
    this.fit = fit == null || fit.isNull() ? null : fit.deepCopy();
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
