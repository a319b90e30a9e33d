package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

/**
 * The documented agreement of the two precisions (docs/BENCHMARKS.md): in mean mode, 10,000 firms
 * over 10 years, total assets agree within 1e-6 relative and every aggregate stock and flow within
 * 1e-5 of total assets, every year.
 */
class PrecisionAgreementTest {

  private static SimulationResult run(Precision precision) {
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(PaperModel.load())
            .setYears(10)
            .optBurnIn(5)
            .optMode(ForwardMode.MEAN)
            .optPrecision(precision)
            .optDevice(DeviceChoice.CPU)
            .build();
    return new Simulator(config)
        .run(new StartupPopulation(1, 10_000, PaperModel.load().constants()), null, null);
  }

  private static double totalAssets(SimulationResult r, int y) {
    return r.stateSum(y, StateVariable.CA)
        + r.stateSum(y, StateVariable.MA)
        + r.stateSum(y, StateVariable.BU)
        + r.stateSum(y, StateVariable.OFA);
  }

  @Test
  void float32AgreesWithFloat64WithinDocumentedTolerances() {
    SimulationResult f64 = run(Precision.FLOAT64);
    SimulationResult f32 = run(Precision.FLOAT32);
    double worstAssets = 0;
    double worstColumn = 0;
    for (int y = 0; y < 10; y++) {
      double ta = totalAssets(f64, y);
      worstAssets = Math.max(worstAssets, Math.abs(totalAssets(f32, y) - ta) / ta);
      for (StateVariable v : StateVariable.all()) {
        if (v.kind() != StateVariable.Kind.CHARACTERISTIC) {
          double d = Math.abs(f32.stateSum(y, v) - f64.stateSum(y, v)) / ta;
          worstColumn = Math.max(worstColumn, d);
        }
      }
      for (FlowVariable f : FlowVariable.all()) {
        worstColumn = Math.max(worstColumn, Math.abs(f32.flowSum(y, f) - f64.flowSum(y, f)) / ta);
      }
    }
    System.out.printf(
        "float32 vs float64, mean mode: total assets within %.2e, every aggregate within %.2e of"
            + " total assets%n",
        worstAssets, worstColumn);
    assertTrue(worstAssets <= 1e-6, "total assets differ by " + worstAssets);
    assertTrue(worstColumn <= 1e-5, "an aggregate differs by " + worstColumn + " of total assets");
  }
}
