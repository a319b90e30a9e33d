package io.firmsim.simulator.population;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.zoo.vocabulary.StateVariable;
import org.junit.jupiter.api.Test;

class PopulationTest {
  private static final int V = StateVariable.count();

  @Test
  void withoutWeightsEveryFirmWeighsOne() {
    Population p = new Population(new long[] {4, 5}, new double[2 * V]);
    assertFalse(p.hasWeights());
    assertArrayEquals(new double[] {1, 1}, p.weights());
    assertEquals(1.0, p.weight(1));
  }

  @Test
  void weightsAreCopiedAndSliced() {
    double[] w = {1.5, 2, 3};
    Population p = new Population(new long[] {7, 8, 9}, new double[3 * V], w);
    w[0] = 99; // defensive copy in
    assertTrue(p.hasWeights());
    assertArrayEquals(new double[] {1.5, 2, 3}, p.weights());
    p.weights()[1] = 99; // defensive copy out
    assertEquals(2.0, p.weight(1));
    Population s = p.slice(1, 3);
    assertArrayEquals(new long[] {8, 9}, s.firmIds());
    assertArrayEquals(new double[] {2, 3}, s.weights());
    assertFalse(p.withWeights(null).hasWeights());
  }

  @Test
  void badWeightsAreRefused() {
    long[] ids = {1, 2};
    double[] v = new double[2 * V];
    assertThrows(IllegalArgumentException.class, () -> new Population(ids, v, new double[] {1}));
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new Population(ids, v, new double[] {1, bad}));
      assertTrue(e.getMessage().contains("firm 2"), e.getMessage());
    }
  }
}
