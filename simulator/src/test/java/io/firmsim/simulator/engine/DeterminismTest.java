package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Same seed, same panel, whatever the chunk size; another seed, another panel. */
class DeterminismTest {

  static PanelCollector run(Precision precision, int chunk, long seed) {
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
            .build();
    PanelCollector panel = new PanelCollector();
    new Simulator(config)
        .run(new StartupPopulation(seed, 3000, PaperModel.load().constants()), panel, null);
    return panel;
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void sameSeedGivesIdenticalPanelsForDifferentChunkSizes(Precision precision) {
    PanelCollector a = run(precision, 3000, 11);
    // 512: chunks of a single tile, whose products take another BLAS path unless padded.
    for (int chunk : new int[] {977, 512}) {
      PanelCollector b = run(precision, chunk, 11);
      assertEquals(a.size(), b.size());
      for (int r = 0; r < a.size(); r++) {
        assertEquals(a.firms.get(r), b.firms.get(r));
        assertEquals(a.years.get(r), b.years.get(r));
        assertArrayEquals(a.states.get(r), b.states.get(r), "chunk " + chunk + ", state row " + r);
        assertArrayEquals(a.flows.get(r), b.flows.get(r), "chunk " + chunk + ", flow row " + r);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void sameSeedGivesIdenticalPanelsForOneAndTwoEngineThreads(Precision precision) {
    PanelCollector a;
    PanelCollector b;
    ai.djl.engine.Engine.getEngine("PyTorch");
    int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    try {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(2);
      a = run(precision, 1500, 5);
      ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
      b = run(precision, 1500, 5);
    } finally {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
    }
    assertEquals(a.size(), b.size());
    for (int r = 0; r < a.size(); r++) {
      assertArrayEquals(a.states.get(r), b.states.get(r), "state row " + r);
      assertArrayEquals(a.flows.get(r), b.flows.get(r), "flow row " + r);
    }
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
