package io.firmsim.trainer.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.SubmodelFitter;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times single fits on synthetic data held in memory (docs/BENCHMARKS.md): by default a binary
 * cloglog fit with 22 feature columns on 1,000,000 rows, then each other family on the same design.
 * Arguments: {@code [rows] [features] [repeats]}. The time covers the fit alone (design to the
 * device, standardization, iterations, standard errors), not data generation.
 */
public final class FitBenchmark {
  private FitBenchmark() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int p = args.length > 1 ? Integer.parseInt(args[1]) : 22;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SplittableRandom r = new SplittableRandom(42);
    double[] x = new double[rows * p];
    double[] beta = new double[p];
    List<String> names = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      names.add("x" + (j + 1));
      beta[j] = 0.3 / Math.sqrt(p) * (j % 2 == 0 ? 1 : -1);
    }
    double[] eta = new double[rows];
    for (int i = 0; i < rows; i++) {
      double e = -0.5;
      for (int j = 0; j < p; j++) {
        // Scales from 1e-3 to 1e8 across columns, as in firm panels.
        double scale = Math.pow(10, (j % 12) - 3);
        double v = r.nextGaussian() * scale;
        x[i * p + j] = v;
        e += beta[j] * v / scale;
      }
      eta[i] = e;
    }
    double[] binary = new double[rows];
    double[] ordinal = new double[rows];
    double[] tobit = new double[rows];
    double[] huber = new double[rows];
    for (int i = 0; i < rows; i++) {
      double u = r.nextDouble();
      binary[i] = u < 1 - Math.exp(-Math.exp(eta[i])) ? 1 : 0;
      double p1 = 1 - Math.exp(-Math.exp(eta[i] - 0.7));
      double p2 = 1 - Math.exp(-Math.exp(eta[i] + 0.7));
      ordinal[i] = u < p1 ? -1 : (u < p2 ? 0 : 1);
      tobit[i] = Math.max(0, eta[i] + 0.8 * Math.log(u / (1 - u)));
      huber[i] = eta[i] + r.nextGaussian() * (r.nextDouble() < 0.1 ? 5 : 0.5);
    }
    Object[][] runs = {
      {"binary cloglog", Family.BINARY, Link.CLOGLOG, binary},
      {"binary logit", Family.BINARY, Link.LOGIT, binary},
      {"ordinal3 cloglog", Family.ORDINAL3, Link.CLOGLOG, ordinal},
      {"tobit logistic", Family.TOBIT, null, tobit},
      {"huber-schweppe", Family.HUBER, null, huber},
    };
    System.out.printf(Locale.ROOT, "| fit | rows | features | run | seconds | iterations |%n");
    System.out.printf(Locale.ROOT, "| --- | --- | --- | --- | --- | --- |%n");
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (Object[] run : runs) {
        for (int k = 1; k <= repeats; k++) {
          long t0 = System.nanoTime();
          FitResult fit =
              SubmodelFitter.fit(
                  m,
                  (Family) run[1],
                  (Link) run[2],
                  names,
                  x,
                  (double[]) run[3],
                  true,
                  FitOptions.DEFAULTS);
          double s = (System.nanoTime() - t0) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "| %s | %d | %d | %d | %.3f | %d%s |%n",
              run[0],
              rows,
              p,
              k,
              s,
              fit.iterations(),
              fit.converged() ? "" : " (not converged)");
        }
      }
    }
  }
}
