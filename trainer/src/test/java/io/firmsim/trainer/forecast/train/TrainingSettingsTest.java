package io.firmsim.trainer.forecast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Derived quantities of the settings, and each refusal naming its field. */
class TrainingSettingsTest {
  @Test
  void derivedQuantities() {
    TrainingSettings s =
        TrainingSettings.builder()
            .setHorizon(6)
            .optLookbackMultiple(3)
            .optHistoryLimit(1.5)
            .build();
    assertEquals(18, s.lookback());
    assertEquals(9, s.historyPoints());
    assertEquals(
        10,
        TrainingSettings.builder()
            .setHorizon(4)
            .optHistoryLimit(2.4)
            .build()
            .historyPoints()); // ceil(9.6)
  }

  @Test
  void refusals() {
    refused("horizon", b -> b.setHorizon(0));
    refused("lookbackMultiple", b -> b.optLookbackMultiple(0));
    refused("historyLimit", b -> b.optHistoryLimit(0));
    refused("historyLimit", b -> b.optHistoryLimit(Double.NaN));
    refused("batchSize", b -> b.optBatchSize(0));
    refused("steps", b -> b.optSteps(-1));
    refused("learningRate", b -> b.optLearningRate(-1e-3));
    refused("learningRate", b -> b.optLearningRate(Double.POSITIVE_INFINITY));
    refused("clipGradient", b -> b.optClipGradient(-1));
    refused("seasonalPeriod", b -> b.optSeasonalPeriod(0));
    refused("validationEvery", b -> b.optValidationEvery(0));
    refused("earlyStoppingPatience", b -> b.optEarlyStoppingPatience(-1));
    assertThrows(NullPointerException.class, () -> TrainingSettings.builder().optLoss(null));
  }

  private static void refused(String field, UnaryOperator<TrainingSettings.Builder> change) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> change.apply(TrainingSettings.builder().setHorizon(3)).build());
    assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
  }
}
