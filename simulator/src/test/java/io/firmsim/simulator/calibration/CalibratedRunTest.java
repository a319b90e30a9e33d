package io.firmsim.simulator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.engine.SimulationConfig;
import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.simulator.engine.Simulator;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import org.junit.jupiter.api.Test;

/**
 * The engine accepts a calibrated population as it is (its float64 identity check at 1e-9 of total
 * assets) and keeps the identity over the simulated years; unweighted, its first year's start
 * equals the population's own sums.
 */
class CalibratedRunTest {
  @Test
  void calibratedPopulationSimulatesWithTheIdentityKept() {
    ModelSpec spec = PaperModel.load();
    CalibratedPopulation cp = CalibratedPopulation.generate(3, 512, spec.constants());
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(3)
            .optStartYear(2000)
            .optMode(ForwardMode.SAMPLE)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optSeed(3)
            .build();
    SimulationResult r =
        new Simulator(config).run(PopulationSource.of(cp.population()), null, null);
    assertEquals(512, r.firms());
    for (int y = 0; y < 3; y++) {
      assertTrue(r.maxBalanceGap(y) <= 1e-9, "year " + y + ": gap " + r.maxBalanceGap(y));
    }
  }
}
