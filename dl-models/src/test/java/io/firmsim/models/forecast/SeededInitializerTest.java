package io.firmsim.models.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;

/**
 * The seeded initializer: Xavier-uniform bounds, zero biases, and values that depend on the seed
 * and the parameter's path only, not on the engine's random state.
 */
class SeededInitializerTest {

  private static double[][] initialized(long seed, int engineSeed) {
    Engine.getEngine("PyTorch").setRandomSeed(engineSeed);
    Linear layer = Linear.builder().setUnits(30).build();
    SeededInitializer.applyTo(layer, seed);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      // Draw from the engine's generator first: the initializer must not read it.
      m.randomUniform(0, 1, new Shape(7));
      layer.initialize(m, DataType.FLOAT64, new Shape(2, 20));
      return new double[][] {
        layer.getParameters().get("weight").getArray().toDoubleArray(),
        layer.getParameters().get("bias").getArray().toDoubleArray()
      };
    }
  }

  @Test
  void weightsAreXavierUniformAndBiasesZero() {
    double[][] p = initialized(5, 1);
    assertEquals(600, p[0].length);
    double bound = Math.sqrt(6.0 / (20 + 30));
    double max = 0;
    double sum = 0;
    for (double w : p[0]) {
      assertTrue(Math.abs(w) <= bound, "weight " + w + " beyond " + bound);
      max = Math.max(max, Math.abs(w));
      sum += w;
    }
    // 600 uniform draws fill the interval and centre on zero (mean sd = bound / sqrt(1800)).
    assertTrue(max > 0.95 * bound, "largest |w| " + max);
    assertTrue(Math.abs(sum / 600) < 4 * bound / Math.sqrt(1800), "mean " + sum / 600);
    assertArrayEquals(new double[30], p[1], 0.0);
  }

  @Test
  void valuesDependOnTheSeedOnlyNotOnTheEngineState() {
    assertArrayEquals(initialized(5, 1)[0], initialized(5, 2)[0], 0.0);
    assertNotEquals(initialized(5, 1)[0][0], initialized(6, 1)[0][0]);
  }

  @Test
  void parametersWithDifferentPathsGetDifferentStreams() {
    assertNotEquals(
        SeededInitializer.streamSeed(1, "01fc1_weight"),
        SeededInitializer.streamSeed(1, "02fc2_weight"));
    assertNotEquals(
        SeededInitializer.streamSeed(1, "01fc1_weight"),
        SeededInitializer.streamSeed(2, "01fc1_weight"));
  }
}
