package io.firmsim.trainer.embed.anomaly;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Measures of an anomaly score against labels: the area under the ROC curve (AUC) as the
 * Mann-Whitney statistic, per kind of anomaly, and a threshold that flags the top share of scores.
 *
 * <p>AUC is the probability that a random positive scores above a random negative, ties counted
 * half: {@code (R+ - n+ (n+ + 1) / 2) / (n+ n-)} with {@code R+} the sum of the positives' ranks
 * among all scores, tied scores sharing their mean rank. Stateless; all methods are thread-safe.
 */
public final class AnomalyEvaluation {
  private AnomalyEvaluation() {}

  /**
   * The AUC of {@code scores} (higher = more anomalous) for the rows where {@code positive} is true
   * against the others.
   *
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, or there is no positive
   *     or no negative
   */
  public static double auc(double[] scores, boolean[] positive) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(positive, "positive");
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + positive.length + " labels");
    }
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
    long nPos = 0;
    double rankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // ranks are 1-based
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          nPos++;
          rankSum += midRank;
        }
      }
      i = j + 1;
    }
    long nNeg = n - nPos;
    if (nPos == 0 || nNeg == 0) {
      throw new IllegalArgumentException(
          "AUC needs positives and negatives, found " + nPos + " and " + nNeg);
    }
    return (rankSum - nPos * (nPos + 1) / 2.0) / ((double) nPos * nNeg);
  }

  /**
   * The AUC of each anomaly kind present in {@code labels}: its rows against the {@link
   * AnomalyKind#NONE} rows (rows of other kinds are left out).
   */
  public static Map<AnomalyKind, Double> aucByKind(double[] scores, AnomalyKind[] labels) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(labels, "labels");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + labels.length + " labels");
    }
    Map<AnomalyKind, Double> out = new EnumMap<>(AnomalyKind.class);
    for (AnomalyKind kind : AnomalyKind.values()) {
      if (!kind.isAnomaly()) {
        continue;
      }
      int m = 0;
      boolean any = false;
      for (AnomalyKind l : labels) {
        if (l == kind || l == AnomalyKind.NONE) {
          m++;
        }
        any |= l == kind;
      }
      if (!any) {
        continue;
      }
      double[] s = new double[m];
      boolean[] p = new boolean[m];
      int j = 0;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == kind || labels[i] == AnomalyKind.NONE) {
          s[j] = scores[i];
          p[j] = labels[i] == kind;
          j++;
        }
      }
      out.put(kind, auc(s, p));
    }
    return out;
  }

  /**
   * The score above which the top share {@code q} of {@code scores} lie: the empirical {@code 1 -
   * q} quantile, the smallest score {@code t} with at most {@code floor(q n)} scores above it.
   * Flagging {@code score > t} flags at most {@code q n} rows (fewer where scores tie at {@code
   * t}).
   *
   * @throws IllegalArgumentException if {@code q} is not in [0, 1] or there are no scores
   */
  public static double threshold(double[] scores, double q) {
    Objects.requireNonNull(scores, "scores");
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("q must be in [0, 1], found " + q);
    }
    if (scores.length == 0) {
      throw new IllegalArgumentException("no scores");
    }
    double[] sorted = scores.clone();
    Arrays.sort(sorted);
    int above = (int) Math.floor(q * sorted.length);
    if (above >= sorted.length) {
      return Math.nextDown(sorted[0]);
    }
    return sorted[sorted.length - 1 - above];
  }

  /** Which rows {@link #threshold} flags: {@code score > threshold(scores, q)}. */
  public static boolean[] flag(double[] scores, double q) {
    double t = threshold(scores, q);
    boolean[] out = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) {
      out[i] = scores[i] > t;
    }
    return out;
  }
}
