package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.output.AggregatesCsvWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code aggregates.csv} is summed in a fixed order (per 512-firm tile, tiles in firm order), so it
 * is byte-identical across chunk sizes, as the per-firm panel is; and its sums are the firms'
 * values summed (checked against the panel, in float64 in firm order).
 */
class AggregateOrderTest {
  private static final int FIRMS = 2100; // four whole tiles and a partial one
  private static final int YEARS = 4;

  @TempDir Path dir;

  private SimulationResult run(Precision precision, int chunk, PanelCollector panel) {
    ModelSpec spec = PaperModel.load();
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(YEARS)
            .optBurnIn(1)
            .optMode(ForwardMode.SAMPLE)
            .optPrecision(precision)
            .optDevice(DeviceChoice.CPU)
            .optSeed(17)
            .optChunkSize(chunk)
            .build();
    return new Simulator(config)
        .run(new StartupPopulation(17, FIRMS, spec.constants()), panel, null);
  }

  private byte[] aggregates(SimulationResult result, String name) throws IOException {
    Path file = dir.resolve(name);
    AggregatesCsvWriter.write(file, result);
    return Files.readAllBytes(file);
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aggregatesAreByteIdenticalAcrossChunkSizes(Precision precision) throws IOException {
    PanelCollector panel = new PanelCollector();
    SimulationResult reference = run(precision, 512, panel);
    byte[] expected = aggregates(reference, precision + "-512.csv");
    for (int chunk : new int[] {1024, 1536, 4096}) {
      byte[] got = aggregates(run(precision, chunk, null), precision + "-" + chunk + ".csv");
      assertArrayEquals(expected, got, precision + ": chunk " + chunk + " vs 512");
    }
    // The sums are the firms' values: within float64 rounding of a firm-order sum of the panel.
    assertEquals(YEARS, reference.years());
    for (int y = 0; y < YEARS; y++) {
      double[] states = new double[StateVariable.count()];
      double[] flows = new double[FlowVariable.count()];
      int firms = 0;
      for (int r = 0; r < panel.size(); r++) {
        if (panel.years.get(r) == y + 1) {
          firms++;
          for (int v = 0; v < states.length; v++) {
            states[v] += panel.states.get(r)[v];
          }
          for (int f = 0; f < flows.length; f++) {
            flows[f] += panel.flows.get(r)[f];
          }
        }
      }
      assertEquals(FIRMS, firms);
      for (StateVariable v : StateVariable.all()) {
        assertClose(states[v.index()], reference.stateSum(y, v), "year " + (y + 1) + " " + v);
      }
      for (FlowVariable f : FlowVariable.all()) {
        assertClose(flows[f.index()], reference.flowSum(y, f), "year " + (y + 1) + " " + f);
      }
    }
  }

  /**
   * Runs longer than a flush window (7 years here, {@link Simulator#FLUSH_YEARS} by default) with a
   * burn-in that ends inside the second window, in two chunks: every reported year is there once,
   * with the firms' sums.
   */
  @org.junit.jupiter.api.Test
  void aggregatesOfLongRunsSpanFlushWindowsAndChunks() {
    ModelSpec spec = PaperModel.load();
    int firms = 600;
    int flush = 7;
    int burnIn = flush + 3;
    int years = 2 * flush + 2;
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(spec)
            .setYears(years)
            .optBurnIn(burnIn)
            .optStartYear(2000)
            .optMode(ForwardMode.SAMPLE)
            .optPrecision(Precision.FLOAT64)
            .optDevice(DeviceChoice.CPU)
            .optSeed(5)
            .optChunkSize(512)
            .build();
    PanelCollector panel = new PanelCollector();
    SimulationResult result =
        new Simulator(config, flush)
            .run(new StartupPopulation(5, firms, spec.constants()), panel, null);
    assertEquals(years, result.years());
    assertEquals((long) firms * years, panel.size());
    double[][] sums = new double[years][StateVariable.count()];
    for (int r = 0; r < panel.size(); r++) {
      int y = panel.years.get(r) - 2000;
      for (int v = 0; v < StateVariable.count(); v++) {
        sums[y][v] += panel.states.get(r)[v];
      }
    }
    for (int y = 0; y < years; y++) {
      for (StateVariable v : new StateVariable[] {StateVariable.CA, StateVariable.URE}) {
        assertClose(sums[y][v.index()], result.stateSum(y, v), "year " + (2000 + y) + " " + v);
      }
      assertTrue(result.maxBalanceGap(y) > 0, "year " + (2000 + y) + ": no balance gap recorded");
    }
  }

  private static void assertClose(double want, double got, String what) {
    assertTrue(
        Math.abs(want - got) <= 1e-12 * Math.max(1, Math.abs(want)),
        what + ": " + got + " vs " + want);
  }
}
