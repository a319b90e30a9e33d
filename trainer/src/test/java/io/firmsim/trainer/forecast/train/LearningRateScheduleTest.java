package io.firmsim.trainer.forecast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/** The schedules against their closed forms. */
class LearningRateScheduleTest {
  @Test
  void cosineFallsFromTheRateToAHundredthAlongHalfACosine() {
    Tracker t = LearningRateSchedule.COSINE.tracker(1e-3, 1000);
    assertEquals(1e-3, t.getNewValue(0), 1e-9);
    // lr_k = final + (base - final) (1 + cos(pi k / K)) / 2
    for (int k : new int[] {1, 250, 500, 999}) {
      double expected = 1e-5 + (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * k / 1000)) / 2;
      assertEquals(expected, t.getNewValue(k), 1e-9, "step " + k);
    }
    assertEquals(1e-5, t.getNewValue(1000), 1e-9);
    float previous = Float.MAX_VALUE;
    for (int k = 0; k <= 1000; k += 50) {
      assertTrue(t.getNewValue(k) < previous);
      previous = t.getNewValue(k);
    }
  }

  @Test
  void constantAndZeroRatesStayPut() {
    Tracker t = LearningRateSchedule.CONSTANT.tracker(2e-3, 10);
    assertEquals(2e-3, t.getNewValue(0), 1e-9);
    assertEquals(2e-3, t.getNewValue(9), 1e-9);
    // a zero rate has no cosine (DJL refuses a base of 0): it stays 0
    assertEquals(0.0, LearningRateSchedule.COSINE.tracker(0, 10).getNewValue(5));
  }

  @Test
  void parsesNames() {
    assertEquals(LearningRateSchedule.COSINE, LearningRateSchedule.parse(" Cosine "));
    assertEquals("constant", LearningRateSchedule.CONSTANT.label());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step"));
    assertTrue(e.getMessage().contains("step"));
  }
}
