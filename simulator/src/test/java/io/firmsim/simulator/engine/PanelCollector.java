package io.firmsim.simulator.engine;

import io.firmsim.simulator.output.PanelWriter;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.List;

/** A panel writer that keeps the rows in memory, for tests. */
final class PanelCollector implements PanelWriter {
  final List<Long> firms = new ArrayList<>();
  final List<Integer> years = new ArrayList<>();
  final List<double[]> states = new ArrayList<>();
  final List<double[]> flows = new ArrayList<>();

  @Override
  public void write(long[] firmIds, int[] yrs, double[] state, double[] flow, int rows) {
    int s = StateVariable.count();
    int f = FlowVariable.count();
    for (int r = 0; r < rows; r++) {
      firms.add(firmIds[r]);
      years.add(yrs[r]);
      states.add(java.util.Arrays.copyOfRange(state, r * s, r * s + s));
      flows.add(java.util.Arrays.copyOfRange(flow, r * f, r * f + f));
    }
  }

  @Override
  public void close() {}

  int size() {
    return firms.size();
  }
}
