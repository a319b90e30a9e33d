package io.firmsim.trainer.embed.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnomalyEvaluationTest {

  @Test
  void aucCountsTiesHalfAsInAHandCount() {
    // Positives 0.9, 0.5, 0.3; negatives 0.5, 0.2, 0.1, 0.3. Pairs won: 0.9 beats all 4 (4);
    // 0.5 ties 0.5 and beats 3 (3.5); 0.3 beats 0.2 and 0.1, ties 0.3 (2.5). 10 of 12 pairs.
    double[] s = {0.9, 0.5, 0.5, 0.2, 0.3, 0.1, 0.3};
    boolean[] p = {true, true, false, false, true, false, false};
    assertEquals(10.0 / 12, AnomalyEvaluation.auc(s, p), 1e-15);
  }

  @Test
  void aucOfPerfectReversedAndConstantScores() {
    boolean[] p = {false, false, true, true};
    assertEquals(1, AnomalyEvaluation.auc(new double[] {1, 2, 3, 4}, p));
    assertEquals(0, AnomalyEvaluation.auc(new double[] {4, 3, 2, 1}, p));
    assertEquals(0.5, AnomalyEvaluation.auc(new double[] {7, 7, 7, 7}, p));
    assertThrows(
        IllegalArgumentException.class,
        () -> AnomalyEvaluation.auc(new double[] {1, 2}, new boolean[] {false, false}));
  }

  @Test
  void aucByKindComparesEachKindWithUntouchedRowsOnly() {
    AnomalyKind n = AnomalyKind.NONE;
    AnomalyKind[] labels = {
      n, n, AnomalyKind.WRONG_SIGN, AnomalyKind.STOCK_JUMP, n, AnomalyKind.STOCK_JUMP
    };
    double[] s = {0.1, 0.2, 0.9, 0.15, 0.3, 0.95};
    Map<AnomalyKind, Double> auc = AnomalyEvaluation.aucByKind(s, labels);
    assertEquals(1.0, auc.get(AnomalyKind.WRONG_SIGN));
    // Jumps 0.15 and 0.95 against 0.1, 0.2, 0.3: (1 + 3) of 6 pairs; WRONG_SIGN's 0.9 not counted.
    assertEquals(4.0 / 6, auc.get(AnomalyKind.STOCK_JUMP), 1e-15);
    assertFalse(auc.containsKey(AnomalyKind.COPIED_HISTORY));
  }

  @Test
  void quantileThresholdFlagsTheTopShare() {
    double[] s = {3, 9, 1, 10, 5, 2, 8, 4, 7, 6};
    assertEquals(8, AnomalyEvaluation.threshold(s, 0.2));
    boolean[] f = AnomalyEvaluation.flag(s, 0.2);
    assertArrayEquals(
        new boolean[] {false, true, false, true, false, false, false, false, false, false}, f);
    // q = 0 flags nothing, q = 1 everything.
    assertEquals(0, count(AnomalyEvaluation.flag(s, 0)));
    assertEquals(10, count(AnomalyEvaluation.flag(s, 1)));
    // Ties at the threshold are not flagged: never more than q n rows.
    assertEquals(1, count(AnomalyEvaluation.flag(new double[] {1, 5, 5, 5, 9}, 0.4)));
    assertThrows(IllegalArgumentException.class, () -> AnomalyEvaluation.threshold(s, 1.5));
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean x : b) {
      n += x ? 1 : 0;
    }
    return n;
  }
}
