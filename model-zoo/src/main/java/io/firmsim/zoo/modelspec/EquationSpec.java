package io.firmsim.zoo.modelspec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One behavioural equation: the target it predicts, its estimation method and the method's
 * submodels (in the order of {@link Method#submodels()}).
 *
 * <p>Class is immutable.
 */
public final class EquationSpec {
  private final int table;
  private final String target;
  private final Method method;
  private final Map<String, SubmodelSpec> submodels;

  EquationSpec(int table, String target, Method method, Map<String, SubmodelSpec> submodels) {
    this.table = table;
    this.target = target;
    this.method = method;
    Map<String, SubmodelSpec> ordered = new LinkedHashMap<>();
    for (String name : method.submodels()) {
      ordered.put(name, submodels.get(name));
    }
    this.submodels = java.util.Collections.unmodifiableMap(ordered);
  }

  /** The paper's table number, 1..24; equation {@code T<table>} of MODEL.md section 4. */
  public int table() {
    return table;
  }

  /** The variable this equation predicts, e.g. {@code EDEPMA}. */
  public String target() {
    return target;
  }

  public Method method() {
    return method;
  }

  /** The submodel of this name (one of {@link Method#submodels()}). */
  public SubmodelSpec submodel(String name) {
    SubmodelSpec s = submodels.get(name);
    if (s == null) {
      throw new IllegalArgumentException("equation " + target + " has no submodel " + name);
    }
    return s;
  }

  /** Submodels in predictor order. */
  public List<SubmodelSpec> submodels() {
    return List.copyOf(submodels.values());
  }

  @Override
  public String toString() {
    return "T" + table + " " + target + " (" + method + ")";
  }
}
