package io.firmsim.trainer.orchestrator.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.trainer.fit.Covariance;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.SubmodelData;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubmodelMetricsTest {
  @Test
  void aucCountsConcordantPairsWithTiesHalf() {
    // Positives at scores 0.9 and 0.4, negatives at 0.4 and 0.1: pairs (0.9>0.4, 0.9>0.1,
    // 0.4=0.4 half, 0.4>0.1) -> 3.5 of 4.
    double auc = SubmodelMetrics.auc(new double[] {0.9, 0.4, 0.4, 0.1}, new double[] {1, 1, 0, 0});
    assertEquals(3.5 / 4, auc, 1e-15);
    assertTrue(Double.isNaN(SubmodelMetrics.auc(new double[] {1, 2}, new double[] {1, 1})));
  }

  @Test
  void perfectLevelFitHasNoErrorAndRobustR2OfOne() {
    double[] x = {1, 2, 3, 4, 5, 6};
    double[] y = new double[6];
    for (int i = 0; i < 6; i++) {
      y[i] = 3 + 2 * x[i];
    }
    FitResult fit =
        new FitResult(
            Family.HUBER,
            null,
            List.of("a"),
            new double[] {2},
            new double[] {3},
            1,
            new double[] {0.1},
            new double[] {0.1},
            Double.NaN,
            0,
            1,
            true,
            6,
            null,
            Covariance.SANDWICH);
    SubmodelData data =
        new SubmodelData("X", "level", Family.HUBER, null, List.of("a"), x, y, 6, List.of());
    Map<String, Object> m = SubmodelMetrics.of(fit, data);
    assertEquals(0.0, (double) m.get("meanAbsoluteError"), 1e-12);
    assertEquals(1.0, (double) m.get("robustR2"), 1e-12);
  }

  @Test
  void binaryAccuracyAndAucOfAKnownModel() {
    double[] x = {-3, -2, -1, 1, 2, 3};
    double[] y = {0, 0, 1, 0, 1, 1};
    FitResult fit =
        new FitResult(
            Family.BINARY,
            Link.LOGIT,
            List.of("a"),
            new double[] {1},
            new double[] {0},
            Double.NaN,
            new double[] {0.1},
            new double[] {0.1},
            Double.NaN,
            0,
            1,
            true,
            6,
            null,
            Covariance.OBSERVED);
    SubmodelData data =
        new SubmodelData("X", "prob", Family.BINARY, Link.LOGIT, List.of("a"), x, y, 6, List.of());
    Map<String, Object> m = SubmodelMetrics.of(fit, data);
    assertEquals(4.0 / 6, (double) m.get("accuracy"), 1e-15);
    // Positives at -1, 2, 3 against negatives at -3, -2, 1: 8 of 9 pairs ordered.
    assertEquals(8.0 / 9, (double) m.get("auc"), 1e-15);
  }

  @Test
  void firmSplitHoldsOutWholeFirmsByShare() {
    Panel panel = StatedLevelNoise.simulatePanel(PaperModel.load(), 2000, 3, 0, 3);
    FirmSplit.Split split = FirmSplit.of(panel, 0.25, 11);
    assertEquals(panel.rows(), split.training().rows() + split.validation().rows());
    Set<Long> train = new HashSet<>();
    for (long id : split.training().firmIds()) {
      train.add(id);
    }
    Set<Long> held = new HashSet<>();
    for (long id : split.validation().firmIds()) {
      held.add(id);
      assertTrue(!train.contains(id), "firm " + id + " on both sides");
    }
    double share = held.size() / 2000.0;
    assertTrue(Math.abs(share - 0.25) < 0.04, "share " + share);
    assertEquals(held, idsOf(FirmSplit.of(panel, 0.25, 11).validation()));
  }

  private static Set<Long> idsOf(Panel p) {
    Set<Long> s = new HashSet<>();
    for (long id : p.firmIds()) {
      s.add(id);
    }
    return s;
  }
}
