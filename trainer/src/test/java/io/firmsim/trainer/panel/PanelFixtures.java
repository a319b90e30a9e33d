package io.firmsim.trainer.panel;

import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds small panels row by row for tests. */
final class PanelFixtures {
  private final List<Long> firms = new ArrayList<>();
  private final List<Integer> years = new ArrayList<>();
  private final List<double[]> states = new ArrayList<>();
  private final List<double[]> flows = new ArrayList<>();
  private final Random random;

  /** Rows start with every value drawn from N(0, 1e5^2) with this seed. */
  PanelFixtures(long seed) {
    random = new Random(seed);
  }

  /** Appends a row of random values; returns its index. */
  int row(long firm, int year) {
    firms.add(firm);
    years.add(year);
    double[] s = new double[Panel.S];
    double[] f = new double[Panel.F];
    for (int i = 0; i < s.length; i++) {
      s[i] = Math.rint(random.nextGaussian() * 1e5);
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = Math.rint(random.nextGaussian() * 1e5);
    }
    states.add(s);
    flows.add(f);
    return firms.size() - 1;
  }

  /** Sets a value, of a state column or a flow column by name, in a row. */
  PanelFixtures set(int row, String variable, double value) {
    if (StateVariable.byName(variable).isPresent()) {
      states.get(row)[StateVariable.valueOf(variable).index()] = value;
    } else {
      flows.get(row)[FlowVariable.valueOf(variable).index()] = value;
    }
    return this;
  }

  /** Sets a value in every row. */
  PanelFixtures setAll(String variable, double value) {
    for (int r = 0; r < firms.size(); r++) {
      set(r, variable, value);
    }
    return this;
  }

  int size() {
    return firms.size();
  }

  Panel panel() {
    int n = firms.size();
    long[] ids = new long[n];
    int[] yrs = new int[n];
    double[] st = new double[n * Panel.S];
    double[] fl = new double[n * Panel.F];
    for (int r = 0; r < n; r++) {
      ids[r] = firms.get(r);
      yrs[r] = years.get(r);
      System.arraycopy(states.get(r), 0, st, r * Panel.S, Panel.S);
      System.arraycopy(flows.get(r), 0, fl, r * Panel.F, Panel.F);
    }
    return Panel.of(ids, yrs, st, fl);
  }
}
