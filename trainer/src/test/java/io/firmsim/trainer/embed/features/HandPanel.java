package io.firmsim.trainer.embed.features;

import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small hand-made panels for the feature tests: rows given as name-value maps. */
final class HandPanel {
  private final List<Long> firms = new ArrayList<>();
  private final List<Integer> years = new ArrayList<>();
  private final List<double[]> states = new ArrayList<>();
  private final List<double[]> flows = new ArrayList<>();

  /** Adds a row; every variable not named is 0. */
  HandPanel row(long firm, int year, Map<String, Double> values) {
    double[] s = new double[Panel.S];
    double[] f = new double[Panel.F];
    values.forEach(
        (name, v) -> {
          var sv = StateVariable.byName(name);
          if (sv.isPresent()) {
            s[sv.get().index()] = v;
          } else {
            f[FlowVariable.valueOf(name).index()] = v;
          }
        });
    firms.add(firm);
    years.add(year);
    states.add(s);
    flows.add(f);
    return this;
  }

  Panel build() {
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

  /**
   * Two firms: firm 1 in 2001 and 2002 (every ratio defined in 2002), firm 2 in 2001 only (no
   * current liabilities, no machinery or buildings, a loss, a net result past the clip).
   */
  static Panel twoFirms() {
    return new HandPanel()
        .row(1, 2001, Map.of("CA", 250.0, "MA", 200.0, "BU", 90.0, "OFA", 500.0, "OIBD", 80.0))
        .row(
            1,
            2002,
            Map.ofEntries(
                Map.entry("CA", 300.0),
                Map.entry("MA", 200.0),
                Map.entry("BU", 100.0),
                Map.entry("OFA", 400.0),
                Map.entry("CL", 150.0),
                Map.entry("LL", 250.0),
                Map.entry("SC", 100.0),
                Map.entry("RR", 50.0),
                Map.entry("URE", 200.0),
                Map.entry("IMA", 40.0),
                Map.entry("SMA", 10.0),
                Map.entry("EDEPMA", 30.0),
                Map.entry("IBU", 20.0),
                Map.entry("EDEPBU", 10.0),
                Map.entry("DCA", 50.0),
                Map.entry("DOFA", -100.0),
                Map.entry("PALLO", 15.0),
                Map.entry("OIBD", 120.0),
                Map.entry("NBI", 60.0),
                Map.entry("ZPF", 5.0),
                Map.entry("EBT", 100.0),
                Map.entry("FTAX", 22.0)))
        .row(
            2,
            2001,
            Map.of("CA", 50.0, "LL", 20.0, "OIBD", -10.0, "NBI", -2_000_000.0, "EBT", -5.0))
        .build();
  }
}
