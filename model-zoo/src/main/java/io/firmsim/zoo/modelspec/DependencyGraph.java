package io.firmsim.zoo.modelspec;

import io.firmsim.zoo.vocabulary.Feature;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The dependency depths of one simulation year, derived from the features each equation reads
 * (MODEL.md section 2): an equation can run once every current-year feature it reads exists, so its
 * depth is one more than the deepest equation it needs. Equations at the same depth are independent
 * and are evaluated together.
 *
 * <p>Besides feature reads, three constraints of MODEL.md section 4 add structural dependencies,
 * because an equation's clamp needs other values of the year: IBU's cap of EDEPBU needs EDEPBU (T5
 * after T4); TDEPMA's cap needs MTDM and the scaled EDEPMA (T15 after T1-T3); PALLO's cap needs MPA
 * (T23 after every source of MPA).
 *
 * <p>Class is immutable.
 */
public final class DependencyGraph {
  private final int[] depthOfEquation; // by table - 1
  private final List<List<Integer>> levels; // equation indices (table - 1) per depth

  private DependencyGraph(int[] depthOfEquation, List<List<Integer>> levels) {
    this.depthOfEquation = depthOfEquation;
    this.levels = levels;
  }

  static DependencyGraph of(List<EquationSpec> equations) {
    int n = equations.size();
    BitSet[] needs = new BitSet[n];
    for (int i = 0; i < n; i++) {
      needs[i] = new BitSet(n);
      for (SubmodelSpec s : equations.get(i).submodels()) {
        for (Feature f : s.features()) {
          for (String src : f.sources()) {
            addSource(needs[i], src);
          }
        }
      }
    }
    addSource(needs[index("IBU")], "EDEPBU");
    for (String t : List.of("EDEPMA", "SMA", "IMA")) {
      addSource(needs[index("TDEPMA")], t);
    }
    addSource(needs[index("PALLO")], Feature.MPA);

    int[] depth = new int[n];
    java.util.Arrays.fill(depth, -1);
    for (int i = 0; i < n; i++) {
      resolve(i, needs, depth, new BitSet(n), equations);
    }
    List<List<Integer>> levels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      while (levels.size() <= depth[i]) {
        levels.add(new ArrayList<>());
      }
      levels.get(depth[i]).add(i);
    }
    List<List<Integer>> frozen = new ArrayList<>();
    for (List<Integer> l : levels) {
      frozen.add(List.copyOf(l));
    }
    return new DependencyGraph(depth, List.copyOf(frozen));
  }

  private static int index(String target) {
    return ModelSpec.TARGETS.indexOf(target);
  }

  private static void addSource(BitSet needs, String source) {
    if (Feature.MPA.equals(source)) {
      for (String t : Feature.MPA_SOURCES) {
        needs.set(index(t));
      }
    } else {
      needs.set(index(source));
    }
  }

  private static int resolve(
      int i, BitSet[] needs, int[] depth, BitSet onPath, List<EquationSpec> equations) {
    if (depth[i] >= 0) {
      return depth[i];
    }
    if (onPath.get(i)) {
      throw new ModelSpecException(
          "equation "
              + equations.get(i)
              + " depends on itself through the current-year features"
              + " its submodels read (dependency cycle)");
    }
    onPath.set(i);
    int d = 0;
    for (int j = needs[i].nextSetBit(0); j >= 0; j = needs[i].nextSetBit(j + 1)) {
      d = Math.max(d, resolve(j, needs, depth, onPath, equations) + 1);
    }
    onPath.clear(i);
    depth[i] = d;
    return d;
  }

  /** Number of depths. */
  public int depthCount() {
    return levels.size();
  }

  /** Equation indices (table - 1) evaluated at a depth, in table order. */
  public List<Integer> equationsAt(int depth) {
    return levels.get(depth);
  }

  /** Depth of the equation with this index (table - 1). */
  public int depthOf(int equationIndex) {
    return depthOfEquation[equationIndex];
  }
}
