package io.firmsim.trainer.orchestrator.train;

import io.firmsim.simulator.random.CounterRng;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;

/**
 * Splits a panel into training and validation firms: a firm is held out when a counter-based
 * uniform of (seed, firm id) falls below the validation share. Whole firms move together, so every
 * held-out firm-year keeps its lags; the split depends on the seed and the firm ids only, not on
 * the row order or the panel's size.
 */
public final class FirmSplit {
  /** The two parts. */
  public record Split(Panel training, Panel validation) {}

  /** Stream of the split draw: apart from the simulator's equation streams. */
  private static final int STREAM = 1_000_001;

  private FirmSplit() {}

  public static Split of(Panel panel, double validationShare, long seed) {
    if (!(validationShare >= 0 && validationShare < 1)) {
      throw new IllegalArgumentException(
          "validation share must be in [0, 1), found " + validationShare);
    }
    CounterRng rng = new CounterRng(seed);
    int n = panel.rows();
    boolean[] held = new boolean[n];
    int heldRows = 0;
    for (int i = 0; i < n; i++) {
      held[i] = CounterRng.uniform(rng.base(panel.firmId(i), 0), STREAM) < validationShare;
      heldRows += held[i] ? 1 : 0;
    }
    return new Split(rows(panel, held, false, n - heldRows), rows(panel, held, true, heldRows));
  }

  private static Panel rows(Panel panel, boolean[] held, boolean want, int count) {
    int s = StateVariable.count();
    int f = FlowVariable.count();
    long[] ids = panel.firmIds();
    int[] years = panel.years();
    double[] state = panel.state();
    double[] flows = panel.flows();
    long[] outIds = new long[count];
    int[] outYears = new int[count];
    double[] outState = new double[count * s];
    double[] outFlows = new double[count * f];
    int k = 0;
    for (int i = 0; i < held.length; i++) {
      if (held[i] == want) {
        outIds[k] = ids[i];
        outYears[k] = years[i];
        System.arraycopy(state, i * s, outState, k * s, s);
        System.arraycopy(flows, i * f, outFlows, k * f, f);
        k++;
      }
    }
    return Panel.of(outIds, outYears, outState, outFlows);
  }
}
