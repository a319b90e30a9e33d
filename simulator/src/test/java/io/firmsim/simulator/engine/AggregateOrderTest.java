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
import java.math.BigDecimal;
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
    // The sums are the firms' values: a pairwise tree over 512 firms in the run's precision is
    // within 9 eps of the exact sum, relative to the sum of absolute values, and adding the tiles
    // in float64 adds a few float64 eps. The exact sums come from the panel, in BigDecimal.
    double eps = precision == Precision.FLOAT32 ? Math.ulp(1.0f) : Math.ulp(1.0);
    double bound = 10 * eps + 10 * Math.ulp(1.0);
    int w = StateVariable.count() + FlowVariable.count();
    assertEquals(YEARS, reference.years());
    for (int y = 0; y < YEARS; y++) {
      BigDecimal[] exact = new BigDecimal[w];
      double[] scale = new double[w];
      java.util.Arrays.fill(exact, BigDecimal.ZERO);
      int firms = 0;
      for (int r = 0; r < panel.size(); r++) {
        if (panel.years.get(r) == y + 1) {
          firms++;
          for (int c = 0; c < w; c++) {
            double x =
                c < StateVariable.count()
                    ? panel.states.get(r)[c]
                    : panel.flows.get(r)[c - StateVariable.count()];
            exact[c] = exact[c].add(new BigDecimal(x));
            scale[c] += Math.abs(x);
          }
        }
      }
      assertEquals(FIRMS, firms);
      for (StateVariable v : StateVariable.all()) {
        int c = v.index();
        assertClose(
            exact[c].doubleValue(),
            reference.stateSum(y, v),
            bound * scale[c],
            "year " + (y + 1) + " " + v);
      }
      for (FlowVariable f : FlowVariable.all()) {
        int c = StateVariable.count() + f.index();
        assertClose(
            exact[c].doubleValue(),
            reference.flowSum(y, f),
            bound * scale[c],
            "year " + (y + 1) + " " + f);
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
        double tol = 1e-12 * Math.abs(sums[y][v.index()]);
        assertClose(sums[y][v.index()], result.stateSum(y, v), tol, "year " + (2000 + y) + " " + v);
      }
      assertTrue(result.maxBalanceGap(y) > 0, "year " + (2000 + y) + ": no balance gap recorded");
    }
  }

  private static void assertClose(double want, double got, double tolerance, String what) {
    assertTrue(Math.abs(want - got) <= tolerance, what + ": " + got + " vs " + want);
  }
}
