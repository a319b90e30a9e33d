package io.firmsim.simulator.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedSampleTest {

  @Test
  void quantilesAndMeanMatchAHandComputation() {
    // Sorted: 1 (w 1), 2 (w 2), 3 (w 7); cumulative 1, 3, 10; NaN and infinity left out.
    WeightedSample s =
        new WeightedSample(
            new double[] {3, Double.NaN, 1, 2, Double.NEGATIVE_INFINITY},
            new double[] {7, 5, 1, 2, 5});
    assertEquals(3, s.size());
    assertEquals(10, s.totalWeight());
    assertEquals((1 + 4 + 21) / 10.0, s.mean(), 1e-15);
    assertEquals(1, s.quantile(0));
    assertEquals(1, s.quantile(0.1)); // cumulative 1 reaches 1
    assertEquals(2, s.quantile(0.2)); // 2 needs the second value
    assertEquals(2, s.quantile(0.3)); // cumulative 3 reaches 3 exactly
    assertEquals(3, s.quantile(0.5));
    assertEquals(3, s.quantile(1));
  }

  @Test
  void equalWeightsGiveTheType1SampleQuantile() {
    Random random = new Random(3);
    double[] v = new double[101];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian();
    }
    double[] w = new double[v.length];
    Arrays.fill(w, 2.5);
    WeightedSample s = new WeightedSample(v, w);
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    for (double p : new double[] {0.01, 0.1, 0.25, 0.5, 0.9, 0.99}) {
      // Type 1: the ceil(n p)-th smallest value.
      assertEquals(sorted[(int) Math.ceil(v.length * p) - 1], s.quantile(p), 1e-15, "p=" + p);
    }
  }

  @Test
  void histogramSharesAreOfTheTotalWeightAndLeaveOutValuesOutsideTheRange() {
    WeightedSample s =
        new WeightedSample(new double[] {-1, 0, 1, 2, 3, 7}, new double[] {1, 1, 1, 1, 5, 1});
    // Bins [0,1), [1,2), [2,3]: 0 -> bin 0; 1 -> bin 1; 2 and 3 -> bin 2; -1 and 7 outside.
    assertArrayEquals(new double[] {0.1, 0.1, 0.6}, s.histogram(0, 3, 3), 1e-15);
  }

  @Test
  void aValueOnABinsLeftEdgeFallsInThatBin() {
    // (2.0 - 1.8) / 0.4 * 30 is 14.999999999999996 in floating point; 2.0 starts bin 15.
    double[] shares =
        new WeightedSample(new double[] {2.0}, new double[] {1}).histogram(1.8, 2.2, 30);
    assertEquals(1.0, shares[15]);
  }

  @Test
  void refusesNegativeWeightsAndMismatchedLengths() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new WeightedSample(new double[] {1}, new double[] {-1}));
    assertThrows(
        IllegalArgumentException.class, () -> new WeightedSample(new double[] {1}, new double[0]));
  }
}
