package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same seed, same panel and aggregates on either backend, within the float tolerance: DJL's eager
 * PyTorch year and the exported ONNX year graph in ONNX Runtime take the same draws, and differ
 * only in the rounding of their kernels (matrix products, fused or reordered elementwise
 * operations). Every state column and flow of every firm-year (generated firms, 2 burn-in years and
 * 10 reported years) is compared relative to {@code max(1 SEK, |a|, |b|)}.
 *
 * <p>Tolerances: float64 1e-9, the balance identity's own tolerance (measured: see the printed
 * largest difference); float32 1e-3 per value, because a uniform draw that falls within float32
 * rounding of an event's probability may switch a binary outcome (an investment made or not), after
 * which that firm's later years legitimately differ; the aggregates, summed over 2,000 firms, stay
 * within 1e-4 relative.
 */
class BackendAgreementTest {
  private static final int FIRMS = 2000;
  private static final int YEARS = 10;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(ForwardMode.SAMPLE, Precision.FLOAT64, 1e-9, 1e-9),
        Arguments.of(ForwardMode.MEAN, Precision.FLOAT64, 1e-9, 1e-9),
        Arguments.of(ForwardMode.SAMPLE, Precision.FLOAT32, 1e-3, 1e-4));
  }

  private static final class Run {
    final PanelCollector panel = new PanelCollector();
    SimulationResult result;
  }

  private static Run run(Backend backend, ForwardMode mode, Precision precision) {
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(PaperModel.load())
            .setYears(YEARS)
            .optBurnIn(2)
            .optMode(mode)
            .optPrecision(precision)
            .optDevice(DeviceChoice.CPU)
            .optSeed(31)
            .optChunkSize(1024)
            .optBackend(backend)
            .build();
    Run r = new Run();
    r.result =
        new Simulator(config)
            .run(new StartupPopulation(31, FIRMS, PaperModel.load().constants()), r.panel, null);
    return r;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void samePanelOnEitherBackend(
      ForwardMode mode, Precision precision, double valueTolerance, double sumTolerance) {
    Run djl = run(Backend.DJL, mode, precision);
    Run onnx = run(Backend.ONNX, mode, precision);
    assertEquals(djl.panel.size(), onnx.panel.size());
    assertEquals((long) FIRMS * YEARS, djl.panel.size());
    double worst = 0;
    String at = "";
    for (int r = 0; r < djl.panel.size(); r++) {
      assertEquals(djl.panel.firms.get(r), onnx.panel.firms.get(r));
      assertEquals(djl.panel.years.get(r), onnx.panel.years.get(r));
      for (StateVariable v : StateVariable.all()) {
        double d =
            ReferenceParityTest.relativeDifference(
                djl.panel.states.get(r)[v.index()], onnx.panel.states.get(r)[v.index()]);
        if (d > worst) {
          worst = d;
          at = "row " + r + " " + v;
        }
      }
      for (FlowVariable f : FlowVariable.all()) {
        double d =
            ReferenceParityTest.relativeDifference(
                djl.panel.flows.get(r)[f.index()], onnx.panel.flows.get(r)[f.index()]);
        if (d > worst) {
          worst = d;
          at = "row " + r + " " + f;
        }
      }
    }
    System.out.printf(
        "%s %s: largest relative difference between backends %.3e at %s%n",
        mode, precision, worst, at);
    assertTrue(worst <= valueTolerance, "largest relative difference " + worst + " at " + at);
    for (int y = 0; y < YEARS; y++) {
      double scale = Math.max(1.0, Math.abs(djl.result.stateSum(y, StateVariable.CA)));
      for (StateVariable v : StateVariable.all()) {
        double a = djl.result.stateSum(y, v);
        double b = onnx.result.stateSum(y, v);
        double s = Math.max(scale, Math.max(Math.abs(a), Math.abs(b)));
        assertTrue(
            Math.abs(a - b) <= sumTolerance * s, "year " + (y + 1) + " " + v + ": " + a + " " + b);
      }
      assertEquals(djl.result.firms(), onnx.result.firms());
    }
  }
}
