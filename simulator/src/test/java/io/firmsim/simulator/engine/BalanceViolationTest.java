package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The balance check is a check, not an assumption: a firm whose values cannot be represented
 * (stocks of 1e300 SEK, whose squares overflow) fails the run, naming that firm and the year, while
 * its neighbours in the same chunk are fine.
 */
class BalanceViolationTest {
  @ParameterizedTest
  @EnumSource(Backend.class)
  void nonFiniteFirmFailsTheRunNamingFirmAndYear(Backend backend) {
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
            .optBackend(backend)
            .build();
    BalanceViolationException e =
        assertThrows(
            BalanceViolationException.class,
            () -> new Simulator(config).run(PopulationSource.of(broken), null, null));
    assertEquals(bad, e.firmId());
    assertEquals(2030, e.year());
    assertTrue(e.getMessage().contains("firm 1234 in year 2030"), e.getMessage());
  }

  /**
   * Two failing firms in different chunks, run by three workers: the one a single worker meets
   * first (the earlier chunk) is reported, whichever chunk finishes first.
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void withSeveralWorkersTheFirstFailingChunkIsReported(Backend backend) {
    Population p = new StartupPopulation(1, 2000, PaperModel.load().constants()).slice(0, 2000);
    double[] v = p.values();
    int width = StateVariable.count();
    for (int bad : new int[] {700, 1900}) {
      for (StateVariable s : new StateVariable[] {StateVariable.CA, StateVariable.URE}) {
        v[bad * width + s.index()] = 1e300;
      }
    }
    Population broken = new Population(p.firmIds(), v);
    for (int workers = 1; workers <= 3; workers++) {
      SimulationConfig config =
          SimulationConfig.builder()
              .setModel(PaperModel.load())
              .setYears(3)
              .optStartYear(2030)
              .optMode(ForwardMode.MEAN)
              .optPrecision(Precision.FLOAT64)
              .optDevice(DeviceChoice.CPU)
              .optChunkSize(512)
              .optBackend(backend)
              .optWorkers(workers)
              .build();
      BalanceViolationException e =
          assertThrows(
              BalanceViolationException.class,
              () -> new Simulator(config).run(PopulationSource.of(broken), null, null));
      assertEquals(700, e.firmId(), workers + " workers");
      assertEquals(2030, e.year(), workers + " workers");
    }
  }
}
