package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.simulator.reference.ReferenceFirmModel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The batched tensor path against a scalar per-firm implementation of MODEL.md written
 * independently in plain Java ({@link ReferenceFirmModel}): mean mode, float64, 1,000 generated
 * firms, 20 years, every state column and flow of every firm-year, on each backend.
 */
class ReferenceParityTest {
  private static final double TOLERANCE = 1e-9;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void batchedMeanPathMatchesScalarReferenceValueByValue(Backend backend) {
    int firms = 1000;
    int years = 20;
    StartupPopulation source = new StartupPopulation(7, firms, PaperModel.load().constants());
    Population start = source.slice(0, firms);
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(PaperModel.load())
            .setYears(years)
            .optMode(ForwardMode.MEAN)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optChunkSize(256)
            .optBackend(backend)
            .build();
    PanelCollector panel = new PanelCollector();
    new Simulator(config).run(PopulationSource.of(start), panel, null);
    assertEquals(firms * years, panel.size());

    ReferenceFirmModel reference = ReferenceFirmModel.paper();
    double worst = 0;
    String worstAt = "";
    int row = 0;
    for (int i = 0; i < firms; i++) {
      Map<String, Double> state = new HashMap<>();
      for (StateVariable v : StateVariable.all()) {
        state.put(v.name(), start.value(i, v));
      }
      for (int y = 1; y <= years; y++, row++) {
        Map<String, Double> next = reference.step(state, 0.0, 0.0, null);
        assertEquals(start.firmId(i), panel.firms.get(row));
        assertEquals(y, panel.years.get(row));
        for (StateVariable v : StateVariable.all()) {
          double d = relativeDifference(next.get(v.name()), panel.states.get(row)[v.index()]);
          if (d > worst) {
            worst = d;
            worstAt = "firm " + i + " year " + y + " " + v;
          }
        }
        for (FlowVariable f : FlowVariable.all()) {
          double d = relativeDifference(next.get(f.name()), panel.flows.get(row)[f.index()]);
          if (d > worst) {
            worst = d;
            worstAt = "firm " + i + " year " + y + " " + f;
          }
        }
        state = next;
      }
    }
    System.out.println(backend + ": largest relative difference " + worst + " at " + worstAt);
    assertTrue(worst <= TOLERANCE, "largest relative difference " + worst + " at " + worstAt);
  }

  /** |a - b| / max(|a|, |b|, 1 SEK). */
  static double relativeDifference(double a, double b) {
    return Math.abs(a - b) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
  }
}
