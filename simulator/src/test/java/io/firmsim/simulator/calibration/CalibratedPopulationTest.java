package io.firmsim.simulator.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.simulator.calibration.PaperTable25.Item;
import io.firmsim.simulator.calibration.PaperTable25.Section;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelConstants;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CalibratedPopulationTest {
  private static final ModelConstants CONSTANTS = PaperModel.load().constants();
  private static final PaperTable25 TABLE = PaperTable25.load();
  private static final int FIRMS = 2000;
  private static final CalibratedPopulation CALIBRATED =
      CalibratedPopulation.generate(42, FIRMS, CONSTANTS);

  private static double v(Population p, int row, StateVariable s) {
    return p.value(row, s);
  }

  @Test
  void everyFirmSatisfiesTheBalanceIdentityAndTheModelsSigns() {
    Population p = CALIBRATED.population();
    for (int i = 0; i < p.size(); i++) {
      double assets = 0;
      double liabilities = 0;
      for (StateVariable s : StateVariable.values()) {
        if (s.kind() == StateVariable.Kind.ASSET) {
          assets += v(p, i, s);
        } else if (s.kind() == StateVariable.Kind.LIABILITY) {
          liabilities += v(p, i, s);
        }
        if (s.nonNegative()) {
          assertTrue(v(p, i, s) >= 0, s + " of firm " + i);
        }
      }
      assertEquals(assets, liabilities, 1e-12 * assets, "identity of firm " + i);
      assertTrue(v(p, i, StateVariable.SC) >= CONSTANTS.minShareCapital());
      assertEquals(v(p, i, StateVariable.PF0), v(p, i, StateVariable.PALLO));
      // last year's stocks implied by this year's flows are not negative
      double asdBefore =
          v(p, i, StateVariable.ASD)
              - (v(p, i, StateVariable.TDEPMA) - v(p, i, StateVariable.EDEPMA));
      assertTrue(asdBefore >= -1e-9 * assets, "ASD_1 of firm " + i);
      double cmaBefore =
          v(p, i, StateVariable.CMA)
              - v(p, i, StateVariable.IMA)
              + v(p, i, StateVariable.SMA)
              + v(p, i, StateVariable.TDEPMA);
      assertTrue(cmaBefore >= -1e-9 * assets, "CMA_1 of firm " + i);
      assertTrue(v(p, i, StateVariable.CA) - v(p, i, StateVariable.DCA) >= 0);
      assertTrue(v(p, i, StateVariable.CL) - v(p, i, StateVariable.DCL) >= 0);
      assertTrue(v(p, i, StateVariable.DMTDM) >= 0 && v(p, i, StateVariable.DMPA) >= 0);
      assertTrue(p.weight(i) > 0);
    }
  }

  /**
   * The weights reach the aggregates: {@link Table25Items}, computed independently from the
   * population's values and weights, equals the table's 1999 totals within 1e-9.
   */
  @Test
  void weightedTotalsMatchTable25Of1999() {
    Population p = CALIBRATED.population();
    Table25Items items = Table25Items.compute(p.values(), null, null, p.weights());
    assertEquals(PaperTable25.FIRMS_1999, items.weightSum(), 1e-9 * PaperTable25.FIRMS_1999);
    for (String name : new String[] {"CA", "MA", "BU", "OFA", "Total"}) {
      check(items, Section.ASSETS, name);
    }
    for (String name :
        new String[] {
          "CL", "LL", "ASD", "OUR", "SC", "RR", "PFt", "PFt-1t", "PFt-2t", "PFt-3t", "PFt-4t",
          "PFt-5t"
        }) {
      check(items, Section.LIABILITIES, name);
    }
    for (String name : new String[] {"EDEPma", "EDEPbu", "Olt"}) {
      check(items, Section.INCOME_STATEMENT, name);
    }
    for (String name :
        new String[] {"MCASH", "I_ma", "I_bu", "CMA", "dCA", "dCL", "CASHFL", "SMA"}) {
      check(items, Section.FLOWS, name);
    }
    // URE closes the identity: the table's liabilities total is 4 MSEK below its assets total
    double ure = items.value(new Item(Section.LIABILITIES, "URE")).orElseThrow() / 1e6;
    assertEquals(TABLE.value(1999, Section.LIABILITIES, "URE") + 4, ure, 1e-3);
    // ratios of totals follow to the table's three decimals
    for (String ratio : new String[] {"CR", "DR"}) {
      assertEquals(
          TABLE.value(1999, Section.RATIOS, ratio),
          items.value(new Item(Section.RATIOS, ratio)).orElseThrow(),
          5e-4,
          ratio);
    }
    for (CalibratedPopulation.Target t : CALIBRATED.targets()) {
      assertTrue(t.relativeError() <= 1e-9, t.toString());
    }
  }

  private static void check(Table25Items items, Section s, String name) {
    Item item = new Item(s, name);
    double expected = TABLE.value(1999, item);
    double actual = items.inTableUnits(item).orElseThrow();
    assertEquals(expected, actual, 1e-9 * Math.abs(expected), item.toString());
  }

  @Test
  void sameSeedSamePopulationAndWeights() {
    CalibratedPopulation again = CalibratedPopulation.generate(42, FIRMS, CONSTANTS);
    assertArrayEquals(CALIBRATED.population().values(), again.population().values());
    assertArrayEquals(CALIBRATED.population().weights(), again.population().weights());
    CalibratedPopulation other = CalibratedPopulation.generate(43, FIRMS, CONSTANTS);
    assertFalse(Arrays.equals(CALIBRATED.population().values(), other.population().values()));
  }

  /** Before raking, a firm is a function of (seed, id) alone: a smaller population is a prefix. */
  @Test
  void firmsBeforeRakingArePureFunctionsOfSeedAndId() {
    Population small = CalibratedPopulation.unraked(42, 150, CONSTANTS, TABLE, 4000);
    Population large = CalibratedPopulation.unraked(42, FIRMS, CONSTANTS, TABLE, 4000);
    int n = StateVariable.count();
    assertArrayEquals(small.values(), Arrays.copyOf(large.values(), 150 * n));
    // characteristics drawn on the start-up population's streams
    Population startups = new StartupPopulation(42, 150, CONSTANTS).slice(0, 150);
    for (int i = 0; i < 150; i++) {
      assertEquals(v(startups, i, StateVariable.Public), v(small, i, StateVariable.Public));
      assertEquals(v(startups, i, StateVariable.largcity), v(small, i, StateVariable.largcity));
    }
  }

  @Test
  void weightsStayModerate() {
    CalibratedPopulation.WeightSpread s = CALIBRATED.weightSpread();
    assertEquals(PaperTable25.FIRMS_1999 / (double) FIRMS, s.design(), 1e-9);
    assertTrue(s.min() > 0);
    assertTrue(s.max() < 10 * s.design(), s.toString());
    assertTrue(s.cv() < 0.5, s.toString());
  }

  @Test
  void tooFewFirmsAreRefused() {
    assertThrows(BadInputException.class, () -> CalibratedPopulation.generate(1, 99, CONSTANTS));
  }
}
