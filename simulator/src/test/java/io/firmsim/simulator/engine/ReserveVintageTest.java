package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MODEL.md section 4, step 16: when the clamp {@code ZPF = available} binds, every old vintage of
 * periodical reserves is emptied to exactly 0. The firms hold small vintages with values that the
 * oldest-first takes cannot subtract without a rounding remainder (0.1 + 0.2 + ... in float64, and
 * others in float32), and a mean-mode ZPF of the paper model (tens of thousands of SEK for a
 * start-up firm) far above them, so the clamp binds.
 */
class ReserveVintageTest {
  private static final StateVariable[] PF = {
    StateVariable.PF0,
    StateVariable.PF1,
    StateVariable.PF2,
    StateVariable.PF3,
    StateVariable.PF4,
    StateVariable.PF5
  };

  /** Vintages PF0_1..PF5_1 per firm; each leaves a remainder under plain takes in some dtype. */
  private static final double[][] VINTAGES = {
    {0.1, 0.2, 0.3, 0.4, 0.5, 0.6},
    {0.7, 0.1, 0.2, 0.3, 0.4, 0.5},
    {0.1 + 0.2, 0.3, 0.7, 0.1, 0.2, 1.9},
    {0.001, 0.1, 0.2, 1000.3, 700.1, 0.9},
  };

  @ParameterizedTest
  @EnumSource(Precision.class)
  void bindingClampEmptiesEveryOldVintageExactly(Precision precision) {
    ModelSpec spec = PaperModel.load();
    int firms = VINTAGES.length;
    Population startups = new StartupPopulation(3, firms, spec.constants()).slice(0, firms);
    double[] values = startups.values();
    int width = StateVariable.count();
    for (int i = 0; i < firms; i++) {
      double sum = 0;
      for (int v = 0; v < PF.length; v++) {
        values[i * width + PF[v].index()] = VINTAGES[i][v];
        sum += VINTAGES[i][v];
      }
      // The reserves are financed by current assets: the balance identity still holds.
      values[i * width + StateVariable.CA.index()] += sum;
    }
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(1)
            .optMode(ForwardMode.MEAN)
            .optPrecision(precision)
            .optDevice(DeviceChoice.CPU)
            .build();
    PanelCollector panel = new PanelCollector();
    new Simulator(config)
        .run(PopulationSource.of(new Population(startups.firmIds(), values)), panel, null);
    assertEquals(firms, panel.size());
    for (int i = 0; i < firms; i++) {
      double available = 0;
      for (double v : VINTAGES[i]) {
        available += v;
      }
      double zpf = panel.flows.get(i)[FlowVariable.ZPF.index()];
      // The case under test: the clamp binds (ZPF is the whole of the reserves, in the run's
      // precision), not a ZPF that happens to take the vintages in whole amounts.
      assertEquals(available, zpf, available * precision.tolerance(), "firm " + i + ": ZPF");
      for (int v = 1; v < PF.length; v++) {
        assertEquals(
            0.0,
            panel.states.get(i)[PF[v].index()],
            0.0,
            "firm " + i + ": " + PF[v] + " after the clamp bound");
      }
      assertEquals(
          panel.states.get(i)[StateVariable.PALLO.index()],
          panel.states.get(i)[StateVariable.PF0.index()],
          0.0,
          "firm " + i + ": PF0 = PALLO");
      assertTrue(zpf > 0, "firm " + i + ": DZPF");
    }
  }
}
