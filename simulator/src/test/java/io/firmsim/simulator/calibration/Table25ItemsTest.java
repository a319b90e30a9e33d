package io.firmsim.simulator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.calibration.PaperTable25.Item;
import io.firmsim.simulator.calibration.PaperTable25.Section;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

/** Three hand-made firms; every expected number below is worked out by hand from the rows. */
class Table25ItemsTest {
  private static final int S = StateVariable.count();
  private static final int F = FlowVariable.count();
  private static final double[] W = {1, 2, 0.5};

  private static void s(double[] states, int firm, StateVariable v, double x) {
    states[firm * S + v.index()] = x;
  }

  private static void f(double[] flows, int firm, FlowVariable v, double x) {
    flows[firm * F + v.index()] = x;
  }

  private static double[] states() {
    double[] st = new double[3 * S];
    // firm 0: CA 10, MA 20, BU 0, OFA 70 = 100; CL 30, LL 40, ASD 5, SC 10, RR 5, URE 6, PF0 4
    s(st, 0, StateVariable.CA, 10);
    s(st, 0, StateVariable.MA, 20);
    s(st, 0, StateVariable.OFA, 70);
    s(st, 0, StateVariable.CL, 30);
    s(st, 0, StateVariable.LL, 40);
    s(st, 0, StateVariable.ASD, 5);
    s(st, 0, StateVariable.SC, 10);
    s(st, 0, StateVariable.RR, 5);
    s(st, 0, StateVariable.URE, 6);
    s(st, 0, StateVariable.PF0, 4);
    s(st, 0, StateVariable.EDEPMA, 3);
    s(st, 0, StateVariable.TDEPMA, 5);
    s(st, 0, StateVariable.PALLO, 4);
    s(st, 0, StateVariable.DMPA, 1);
    s(st, 0, StateVariable.MCASH, 9);
    s(st, 0, StateVariable.DIV, 2);
    s(st, 0, StateVariable.OL, 7);
    // firm 1: CA 50, BU 50 = 100; CL 20, LL 60, SC 10, RR 0, URE 10
    s(st, 1, StateVariable.CA, 50);
    s(st, 1, StateVariable.BU, 50);
    s(st, 1, StateVariable.CL, 20);
    s(st, 1, StateVariable.LL, 60);
    s(st, 1, StateVariable.SC, 10);
    s(st, 1, StateVariable.URE, 10);
    s(st, 1, StateVariable.EDEPBU, 2);
    s(st, 1, StateVariable.MCASH, 12);
    // firm 2: CA 40 = 40; CL 10, OUR 2, SC 20, URE 8
    s(st, 2, StateVariable.CA, 40);
    s(st, 2, StateVariable.CL, 10);
    s(st, 2, StateVariable.OUR, 2);
    s(st, 2, StateVariable.SC, 20);
    s(st, 2, StateVariable.URE, 8);
    s(st, 2, StateVariable.MCASH, -1);
    return st;
  }

  private static double[] flows() {
    double[] fl = new double[3 * F];
    f(fl, 0, FlowVariable.OIBD, 20);
    f(fl, 0, FlowVariable.FI, 1);
    f(fl, 0, FlowVariable.FE, 4);
    f(fl, 0, FlowVariable.EBT, 10);
    f(fl, 0, FlowVariable.TL, 1);
    f(fl, 0, FlowVariable.NBI, 8);
    f(fl, 0, FlowVariable.FTAX, 2);
    f(fl, 0, FlowVariable.DRR, 1);
    f(fl, 1, FlowVariable.OIBD, 6);
    f(fl, 1, FlowVariable.FE, 3);
    f(fl, 1, FlowVariable.EBT, 1);
    f(fl, 1, FlowVariable.NBI, 1);
    f(fl, 2, FlowVariable.OIBD, -2);
    f(fl, 2, FlowVariable.FI, 2);
    f(fl, 2, FlowVariable.NBI, -1);
    return fl;
  }

  private static double money(Table25Items t, Section s, String name) {
    return t.value(new Item(s, name)).orElseThrow();
  }

  @Test
  void weightedItemsEqualHandSums() {
    double[] prev = new double[3 * S];
    s(prev, 0, StateVariable.OL, 3);
    s(prev, 2, StateVariable.OL, 8);
    Table25Items t = Table25Items.compute(states(), flows(), prev, W);
    assertEquals(3.5, t.weightSum());
    // CA: 1*10 + 2*50 + 0.5*40 = 130; total assets: 100 + 200 + 20 = 320
    assertEquals(130, money(t, Section.ASSETS, "CA"));
    assertEquals(320, money(t, Section.ASSETS, "Total"));
    assertEquals(320, money(t, Section.LIABILITIES, "Total"));
    // CL: 30 + 40 + 5 = 75; LL: 40 + 120 = 160; untaxed: ASD 5 + OUR 1 + PF0 4 = 10
    assertEquals(75, money(t, Section.LIABILITIES, "CL"));
    assertEquals(4, money(t, Section.LIABILITIES, "PFt"));
    // OIAD = OIBD - EDEPMA - EDEPBU: (20-3) + 2*(6-2) + 0.5*(-2) = 17 + 8 - 1 = 24
    assertEquals(24, money(t, Section.INCOME_STATEMENT, "OIAD"));
    // EBA = OIAD + FI - FE: (17+1-4) + 2*(4-3) + 0.5*(-2+2) = 14 + 2 + 0 = 16
    assertEquals(16, money(t, Section.INCOME_STATEMENT, "EBA"));
    // NI = EBT - TL: 9 + 2*1 + 0 = 11
    assertEquals(11, money(t, Section.INCOME_STATEMENT, "NI"));
    assertEquals(2, money(t, Section.INCOME_STATEMENT, "TDEPma-EDEPma"));
    // Olt-1t from the previous states: 3 + 0.5*8 = 7
    assertEquals(7, money(t, Section.INCOME_STATEMENT, "Olt-1t"));
    assertEquals(7, money(t, Section.INCOME_STATEMENT, "Olt"));
    // MPA = DMPA + PALLO = 5
    assertEquals(5, money(t, Section.FLOWS, "MPA"));
    // dURE = URE - (MCASH - NBI + DRR): (6 - (9-8+1)) + 2*(10 - (12-1)) + 0.5*(8 - (-1+1))
    //      = 4 - 2 + 4 = 6
    assertEquals(6, money(t, Section.FLOWS, "dURE"));
    // ratios of totals: CR = 130/75; untaxed 10; DR = (75 + 160 + 2.8) / 320
    assertEquals(130.0 / 75, money(t, Section.RATIOS, "CR"), 1e-15);
    assertEquals((75 + 160 + 2.8) / 320, money(t, Section.RATIOS, "DR"), 1e-15);
    // equity: SC 10+20+10 = 40, RR 5, URE 6+20+4 = 30, + 7.2 = 82.2
    assertEquals(82.2 / 320, money(t, Section.RATIOS, "ECR"), 1e-15);
    // ICR = (OIAD + FI) / FE = (24 + 2) / (4 + 6) ; ROI = 26 / 320
    assertEquals(26.0 / 10, money(t, Section.RATIOS, "ICR"), 1e-15);
    assertEquals(26.0 / 320, money(t, Section.RATIOS, "ROI"), 1e-15);
    // EFFTAX = FTAX / EBA = 2 / 16
    assertEquals(2.0 / 16, money(t, Section.RATIOS, "EFFTAX"), 1e-15);
    assertEquals(130.0 / 1e6, t.inTableUnits(new Item(Section.ASSETS, "CA")).orElseThrow());
  }

  @Test
  void withoutFlowsOnlyStateItemsAreComputed() {
    Table25Items t = Table25Items.compute(states(), null, null, W);
    assertTrue(t.value(new Item(Section.ASSETS, "CA")).isPresent());
    assertTrue(t.value(new Item(Section.RATIOS, "CR")).isPresent());
    assertFalse(t.value(new Item(Section.INCOME_STATEMENT, "OIBD")).isPresent());
    assertFalse(t.value(new Item(Section.INCOME_STATEMENT, "Olt-1t")).isPresent());
    assertFalse(t.value(new Item(Section.RATIOS, "ICR")).isPresent());
  }

  /** Every money definition names an item the paper's table has. */
  @Test
  void everyDefinitionIsATableItem() {
    PaperTable25 table = PaperTable25.load();
    for (Table25Items.Money m : Table25Items.money()) {
      assertTrue(table.items().contains(m.item()), m.item().toString());
    }
    for (Table25Items.Ratio r : Table25Items.ratios()) {
      assertTrue(table.items().contains(r.item()), r.item().toString());
    }
    // and the other way round: every money item of the table has a definition
    for (Item item : table.items()) {
      if (item.section().isMoney()) {
        assertTrue(Table25Items.money(item).isPresent(), item.toString());
      }
    }
  }
}
