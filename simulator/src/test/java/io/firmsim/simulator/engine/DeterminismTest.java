package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.output.AggregatesCsvWriter;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same seed, same panel and aggregates, whatever the chunk size, the number of workers and the
 * number of engine threads, on each backend; another seed, another panel.
 */
class DeterminismTest {
  @TempDir Path dir;

  static Stream<Arguments> backendsAndPrecisions() {
    return Stream.of(Backend.values())
        .flatMap(b -> Stream.of(Precision.values()).map(p -> Arguments.of(b, p)));
  }

  static final class Run {
    final PanelCollector panel = new PanelCollector();
    SimulationResult result;
  }

  static Run run(
      Backend backend, Precision precision, int chunk, long seed, int workers, Integer threads) {
    SimulationConfig config =
        SimulationConfig.builder()
            .setModel(PaperModel.load())
            .setYears(8)
            .optBurnIn(2)
            .optMode(ForwardMode.SAMPLE)
            .optPrecision(precision)
            .optDevice(DeviceChoice.CPU)
            .optSeed(seed)
            .optChunkSize(chunk)
            .optBackend(backend)
            .optWorkers(workers)
            .optThreads(threads)
            .build();
    Run r = new Run();
    r.result =
        new Simulator(config)
            .run(new StartupPopulation(seed, 3000, PaperModel.load().constants()), r.panel, null);
    return r;
  }

  static PanelCollector run(Precision precision, int chunk, long seed) {
    return run(Backend.DJL, precision, chunk, seed, 1, null).panel;
  }

  private static void assertSamePanel(PanelCollector a, PanelCollector b, String what) {
    assertEquals(a.size(), b.size(), what);
    for (int r = 0; r < a.size(); r++) {
      assertEquals(a.firms.get(r), b.firms.get(r), what);
      assertEquals(a.years.get(r), b.years.get(r), what);
      assertArrayEquals(a.states.get(r), b.states.get(r), what + ", state row " + r);
      assertArrayEquals(a.flows.get(r), b.flows.get(r), what + ", flow row " + r);
    }
  }

  private byte[] aggregates(SimulationResult result) throws IOException {
    Path file = Files.createTempFile(dir, "aggregates", ".csv");
    AggregatesCsvWriter.write(file, result);
    return Files.readAllBytes(file);
  }

  @ParameterizedTest
  @MethodSource("backendsAndPrecisions")
  void sameSeedGivesIdenticalPanelsForDifferentChunkSizes(Backend backend, Precision precision)
      throws IOException {
    Run a = run(backend, precision, 3000, 11, 1, null);
    // 512: chunks of a single tile, whose products take another BLAS path unless padded.
    for (int chunk : new int[] {977, 512}) {
      Run b = run(backend, precision, chunk, 11, 1, null);
      assertSamePanel(a.panel, b.panel, backend + " chunk " + chunk);
      assertArrayEquals(aggregates(a.result), aggregates(b.result), backend + " chunk " + chunk);
    }
  }

  /**
   * Chunks of 512 firms run by one, two and three workers (six chunks, committed in chunk order
   * whatever order they finish in): identical panels and aggregates.
   */
  @ParameterizedTest
  @MethodSource("backendsAndPrecisions")
  void sameSeedGivesIdenticalPanelsAndAggregatesForAnyNumberOfWorkers(
      Backend backend, Precision precision) throws IOException {
    Run one = run(backend, precision, 512, 3, 1, 1);
    for (int workers : new int[] {2, 3}) {
      Run many = run(backend, precision, 512, 3, workers, 1);
      assertSamePanel(one.panel, many.panel, backend + " " + workers + " workers");
      assertArrayEquals(
          aggregates(one.result), aggregates(many.result), backend + " " + workers + " workers");
    }
  }

  @ParameterizedTest
  @MethodSource("backendsAndPrecisions")
  void sameSeedGivesIdenticalPanelsForOneAndTwoEngineThreads(Backend backend, Precision precision)
      throws IOException {
    Run a;
    Run b;
    ai.djl.engine.Engine.getEngine("PyTorch");
    int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    try {
      a = run(backend, precision, 1536, 5, 1, 2);
      b = run(backend, precision, 1536, 5, 1, 1);
    } finally {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
    }
    assertSamePanel(a.panel, b.panel, backend + " 2 vs 1 threads");
    assertArrayEquals(aggregates(a.result), aggregates(b.result), backend + " 2 vs 1 threads");
  }

  @Test
  void differentSeedsGiveDifferentPanels() {
    PanelCollector a = run(Precision.FLOAT64, 3000, 11);
    PanelCollector b = run(Precision.FLOAT64, 3000, 12);
    int last = a.size() - 1;
    assertNotEquals(
        java.util.Arrays.toString(a.states.get(last)),
        java.util.Arrays.toString(b.states.get(last)));
  }
}
