package io.firmsim.trainer.panel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.zoo.vocabulary.Feature;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

/** {@link Panel}: linking rows to their previous year in any row order, and its checks. */
class PanelTest {

  @Test
  void linksPreviousYearsInAnyRowOrder() {
    // firm 5: 2003, 2001, 2002 (unsorted); firm 1: 2001, 2003 (gap); firm 5 again after firm 1
    long[] ids = {5, 5, 1, 1, 5, 7};
    int[] years = {2003, 2001, 2001, 2003, 2002, 2010};
    Panel panel = panel(ids, years);
    assertEquals(4, panel.previousRow(0)); // 2003 <- 2002
    assertEquals(-1, panel.previousRow(1));
    assertEquals(-1, panel.previousRow(2));
    assertEquals(-1, panel.previousRow(3)); // 2002 missing
    assertEquals(1, panel.previousRow(4)); // 2002 <- 2001
    assertEquals(-1, panel.previousRow(5));

    FeatureTable table = FeatureTable.of(panel);
    assertEquals(2, table.rows());
    assertEquals(0, table.panelRow(0)); // panel order
    assertEquals(4, table.panelRow(1));
    // CAt_1 is the previous row's CA, which the helper set to the row index
    assertEquals(4.0, table.value(0, Feature.CAt_1));
    assertEquals(1.0, table.value(1, Feature.CAt_1));
  }

  @Test
  void linksTheSimulatorsLayout() {
    long[] ids = {8, 8, 8, 2, 2};
    int[] years = {1, 2, 3, 1, 2};
    Panel panel = panel(ids, years);
    int[] want = {-1, 0, 1, -1, 3};
    for (int r = 0; r < want.length; r++) {
      assertEquals(want[r], panel.previousRow(r));
    }
  }

  @Test
  void refusesRepeatedFirmYearsNamingTheRows() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> panel(new long[] {1, 2, 1, 1}, new int[] {2001, 2001, 2002, 2001}));
    assertTrue(e.getMessage().contains("row 3 repeats firm 1, year 2001 of row 0"), e.getMessage());
  }

  @Test
  void refusesInconsistentOrNonFiniteInput() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Panel.of(new long[2], new int[] {1, 2}, new double[Panel.S], new double[2 * Panel.F]));
    double[] state = new double[Panel.S];
    state[StateVariable.MA.index()] = Double.NaN;
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Panel.of(new long[1], new int[1], state, new double[Panel.F]));
    assertTrue(e.getMessage().contains("MA"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Panel.of(new long[] {-1}, new int[1], new double[Panel.S], new double[Panel.F]));
  }

  @Test
  void copiesItsArrays() {
    long[] ids = {1, 1};
    int[] years = {1, 2};
    double[] state = new double[2 * Panel.S];
    double[] flows = new double[2 * Panel.F];
    Panel panel = Panel.of(ids, years, state, flows);
    state[0] = 99;
    flows[0] = 99;
    panel.state()[0] = 99;
    assertEquals(0.0, panel.state(0, StateVariable.at(0)));
    assertEquals(0.0, panel.flow(0, FlowVariable.all().get(0)));
  }

  /** A panel whose CA is the row index and every other value zero. */
  private static Panel panel(long[] ids, int[] years) {
    double[] state = new double[ids.length * Panel.S];
    for (int r = 0; r < ids.length; r++) {
      state[r * Panel.S + StateVariable.CA.index()] = r;
    }
    return Panel.of(ids, years, state, new double[ids.length * Panel.F]);
  }
}
