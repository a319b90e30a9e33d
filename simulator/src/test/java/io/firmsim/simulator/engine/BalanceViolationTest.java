package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

/**
 * The balance check is a check, not an assumption: a firm whose values cannot be represented
 * (stocks of 1e300 SEK, whose squares overflow) fails the run, naming that firm and the year, while
 * its neighbours in the same chunk are fine.
 */
class BalanceViolationTest {
  @Test
  void nonFiniteFirmFailsTheRunNamingFirmAndYear() {
    Population p = new StartupPopulation(1, 2000, PaperModel.load().constants()).slice(0, 2000);
    double[] v = p.values();
    int bad = 1234;
    int width = StateVariable.count();
    for (StateVariable s : new StateVariable[] {StateVariable.CA, StateVariable.URE}) {
      v[bad * width + s.index()] = 1e300;
    }
    Population broken = new Population(p.firmIds(), v);
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(PaperModel.load())
            .setYears(3)
            .optStartYear(2030)
            .optMode(ForwardMode.MEAN)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .build();
    BalanceViolationException e =
        assertThrows(
            BalanceViolationException.class,
            () -> new Simulator(config).run(PopulationSource.of(broken), null, null));
    assertEquals(bad, e.firmId());
    assertEquals(2030, e.year());
    assertTrue(e.getMessage().contains("firm 1234 in year 2030"), e.getMessage());
  }
}
