package io.firmsim.trainer.orchestrator.train;

import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.panel.SubmodelData;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality of a fitted submodel on a set of rows (training or validation): for probability models
 * the mean log-likelihood, accuracy and (binary) AUC; for levels the mean absolute error and a
 * robust R^2 ({@code 1 - (MAD of residuals / MAD of the target)^2}); for Tobit the censoring share,
 * the mean log-likelihood and the mean absolute error of the expected value.
 *
 * <p>The rows must carry exactly the fit's features, in its order (build them with {@code
 * Subsamples.of(table, equation, submodel, features, false)}).
 */
public final class SubmodelMetrics {
  private SubmodelMetrics() {}

  public static Map<String, Object> of(FitResult fit, SubmodelData data) {
    if (!data.features().equals(fit.features())) {
      throw new IllegalArgumentException(
          "rows have features " + data.features() + ", the fit " + fit.features());
    }
    int n = data.n();
    int p = data.p();
    double[] coef = fit.coefficients();
    double[] intercepts = fit.intercepts();
    double[] xb = new double[n];
    for (int i = 0; i < n; i++) {
      double v = 0;
      for (int j = 0; j < p; j++) {
        v += coef[j] * data.x(i, j);
      }
      xb[i] = v;
    }
    double[] y = data.y();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", n);
    if (n == 0) {
      return m;
    }
    switch (fit.family()) {
      case BINARY:
        {
          double[] prob = new double[n];
          double ll = 0;
          int correct = 0;
          for (int i = 0; i < n; i++) {
            double e = intercepts[0] + xb[i];
            prob[i] =
                fit.link() == io.firmsim.zoo.modelspec.Link.LOGIT
                    ? 1 / (1 + Math.exp(-e))
                    : -Math.expm1(-Math.exp(e));
            ll +=
                y[i] == 1
                    ? Math.log(Math.max(prob[i], 1e-300))
                    : Math.log(Math.max(1 - prob[i], 1e-300));
            correct += (prob[i] >= 0.5) == (y[i] == 1) ? 1 : 0;
          }
          m.put("meanLogLikelihood", ll / n);
          m.put("accuracy", (double) correct / n);
          m.put("auc", auc(prob, y));
          break;
        }
      case ORDINAL3:
        {
          double ll = 0;
          int correct = 0;
          for (int i = 0; i < n; i++) {
            double p1 = -Math.expm1(-Math.exp(intercepts[0] + xb[i]));
            double p2 = Math.max(p1, -Math.expm1(-Math.exp(intercepts[1] + xb[i])));
            double[] probs = {p1, p2 - p1, 1 - p2};
            int k = (int) y[i] + 1;
            ll += Math.log(Math.max(probs[k], 1e-300));
            int best =
                probs[0] >= probs[1] && probs[0] >= probs[2] ? 0 : (probs[1] >= probs[2] ? 1 : 2);
            correct += best == k ? 1 : 0;
          }
          m.put("meanLogLikelihood", ll / n);
          m.put("accuracy", (double) correct / n);
          break;
        }
      case TOBIT:
        {
          double s = fit.scale();
          double ll = 0;
          double abs = 0;
          int censored = 0;
          for (int i = 0; i < n; i++) {
            double e = intercepts[0] + xb[i];
            if (y[i] <= 0) {
              censored++;
              ll += -softplus(e / s);
            } else {
              double z = (y[i] - e) / s;
              ll += -z - 2 * softplus(-z) - Math.log(s);
            }
            abs += Math.abs(y[i] - s * softplus(e / s));
          }
          m.put("censoredShare", (double) censored / n);
          m.put("meanLogLikelihood", ll / n);
          m.put("meanAbsoluteError", abs / n);
          break;
        }
      case HUBER:
        {
          double[] r = new double[n];
          double abs = 0;
          for (int i = 0; i < n; i++) {
            r[i] = y[i] - intercepts[0] - xb[i];
            abs += Math.abs(r[i]);
          }
          m.put("meanAbsoluteError", abs / n);
          double madY = mad(y);
          m.put("robustR2", madY > 0 ? 1 - Math.pow(mad(r) / madY, 2) : Double.NaN);
          break;
        }
      default:
        throw new IllegalArgumentException("no metrics for " + fit.family());
    }
    return m;
  }

  private static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  private static double mad(double[] v) {
    double[] a = v.clone();
    Arrays.sort(a);
    double median = median(a);
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.abs(v[i] - median);
    }
    Arrays.sort(a);
    return median(a);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Area under the ROC curve (Mann-Whitney, ties counted half); NaN with one class only. */
  static double auc(double[] score, double[] y) {
    int n = score.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
    double rankSumPositive = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1; // average rank of the tie group
      for (int k = i; k <= j; k++) {
        if (y[order[k]] == 1) {
          rankSumPositive += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / (positives * negatives);
  }

  /** The names of the metrics of each family, for report tables. */
  public static List<String> names() {
    return List.of(
        "rows",
        "meanLogLikelihood",
        "accuracy",
        "auc",
        "censoredShare",
        "meanAbsoluteError",
        "robustR2");
  }
}
