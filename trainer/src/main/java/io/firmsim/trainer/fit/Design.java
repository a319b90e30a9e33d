package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The design matrix of a fit on the device, in float64, with every feature standardized to mean 0
 * and standard deviation 1 and a leading column of ones, stored feature-major as {@code [p + 1, n]}
 * (the transpose of the usual layout). Features of a firm panel span more than twenty orders of
 * magnitude (SEK squared next to 0/1 indicators); standardizing keeps the Newton systems well
 * conditioned, and {@link #toOriginal} maps parameters and their covariance back to the original
 * scale.
 *
 * <p>Construction refuses a constant feature ({@link FeatureChecks}: standard deviation at most
 * 1e-12 of the feature's largest magnitude) and (almost) perfectly collinear features (an
 * eigenvalue of the standardized features' correlation matrix below 1e-12 of the largest: a
 * relative criterion, independent of the features' scales), naming them, with a {@link
 * NotEstimableException}. Owns its arrays; close it to free them.
 */
final class Design implements AutoCloseable {
  private final NDManager manager;
  private final NDArray x; // [p + 1, n], row 0 all ones
  private final List<String> features;
  private final double[] sd;
  private final double[] centre; // mean / sd without overflow
  private final int n;

  private Design(
      NDManager manager, NDArray x, List<String> features, double[] sd, double[] centre, int n) {
    this.manager = manager;
    this.x = x;
    this.features = List.copyOf(features);
    this.sd = sd;
    this.centre = centre;
    this.n = n;
  }

  /**
   * @param parent manager whose device holds the design
   * @param features names of the p columns
   * @param values row-major {@code [n, p]} feature values
   */
  static Design of(NDManager parent, List<String> features, double[] values, int n) {
    return of(parent, features, values, n, true);
  }

  /**
   * As {@link #of(NDManager, List, double[], int)}; without {@code checkCollinearity} the caller
   * promises to call {@link #checkCollinearity(double[][])} with a weighted gram it computes
   * anyway, which saves a pass over the data.
   */
  static Design of(
      NDManager parent, List<String> features, double[] values, int n, boolean checkCollinearity) {
    int p = features.size();
    if (values.length != (long) n * p) {
      throw new IllegalArgumentException("expected " + n + " x " + p + " values");
    }
    // Standardize on the host, where the values already are, and send the finished design to
    // the device once (one copy instead of one per arithmetic step). Moments are taken on the
    // values divided by their largest magnitude, so 1e-300 and 1e300 neither underflow nor
    // overflow; the standardized column is (x / max|x| - relative mean) / relative sd.
    double[] sd = new double[p];
    double[] centre = new double[p]; // mean / sd, computed from relative moments
    int q = p + 1;
    // Feature-major [q, n]: each column of the design is one contiguous row, which makes the
    // products X'v and X'WX about twice as fast as with [n, q] (measured on CPU).
    double[] design = new double[n * q];
    java.util.Arrays.fill(design, 0, n, 1.0);
    for (int j = 0; j < p; j++) {
      FeatureChecks.Moments mo = FeatureChecks.moments(values, j, p, n);
      if (mo.constant()) {
        throw new NotEstimableException(
            NotEstimableException.Reason.CONSTANT_FEATURE,
            "feature "
                + features.get(j)
                + " is constant in all "
                + n
                + " rows (mean "
                + mo.mean()
                + ", standard deviation "
                + mo.sd()
                + ", at most "
                + FeatureChecks.RELATIVE_SPREAD
                + " of its largest magnitude "
                + mo.maxAbs()
                + "): it cannot be estimated");
      }
      sd[j] = mo.sd();
      centre[j] = mo.relativeMean() / mo.relativeSd();
      double maxAbs = mo.maxAbs();
      double relativeMean = mo.relativeMean();
      double relativeSd = mo.relativeSd();
      int d = (j + 1) * n;
      for (int i = 0; i < n; i++) {
        design[d + i] = (values[i * p + j] / maxAbs - relativeMean) / relativeSd;
      }
    }
    NDManager m = parent.newSubManager();
    try {
      NDArray x = m.create(design, new Shape(q, n));
      Design d = new Design(m, x, features, sd, centre, n);
      if (checkCollinearity) {
        d.checkCollinearity();
      }
      return d;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Refuses (almost) perfectly collinear features, naming those involved. */
  private void checkCollinearity() {
    try (NDManager scope = manager.newSubManager()) {
      x.tempAttach(scope);
      checkCollinearity(DeviceMath.weightedGram(x, x.get(0)));
    }
  }

  /**
   * Refuses (almost) perfectly collinear features, naming those involved, from a weighted gram
   * {@code X' W X} of the design (intercept column first) with positive weights: the slopes' block
   * after removing the intercept (a Schur complement), scaled to a correlation matrix, has an
   * eigenvalue near zero exactly when the features are collinear.
   */
  void checkCollinearity(double[][] gram) {
    int p = features.size();
    if (p < 2) {
      return;
    }
    double[][] corr = new double[p][p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        corr[i][j] = gram[1 + i][1 + j] - gram[1 + i][0] * gram[0][1 + j] / gram[0][0];
      }
    }
    double[] diag = new double[p];
    for (int i = 0; i < p; i++) {
      diag[i] = Math.sqrt(Math.max(corr[i][i], 1e-300));
    }
    for (int i = 0; i < p; i++) {
      for (int j = 0; j <= i; j++) {
        double c = (corr[i][j] + corr[j][i]) / 2 / (diag[i] * diag[j]);
        corr[i][j] = c;
        corr[j][i] = c;
      }
    }
    {
      EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(corr, false));
      double[] values = eig.getRealEigenvalues();
      int smallest = 0;
      double largest = 0;
      for (int i = 0; i < p; i++) {
        if (values[i] < values[smallest]) {
          smallest = i;
        }
        largest = Math.max(largest, values[i]);
      }
      if (values[smallest] < 1e-12 * largest) {
        double[] v = eig.getEigenvector(smallest).toArray();
        List<String> involved = new ArrayList<>();
        for (int j = 0; j < p; j++) {
          if (Math.abs(v[j]) > 0.1) {
            involved.add(features.get(j));
          }
        }
        throw new CollinearFeaturesException(involved, values[smallest]);
      }
    }
  }

  /** The design, feature-major: {@code [p + 1, n]}, row 0 all ones. */
  NDArray x() {
    return x;
  }

  NDManager manager() {
    return manager;
  }

  int rows() {
    return n;
  }

  int features() {
    return features.size();
  }

  List<String> featureNames() {
    return features;
  }

  /**
   * Maps standardized parameters {@code (intercepts..., slopes..., extras...)} to the original
   * scale: each intercept absorbs {@code -sum(b_j m_j / s_j)}, each slope becomes {@code b_j /
   * s_j}; extras are unchanged. Returns the parameters and their covariance {@code T C T'}.
   *
   * @param intercepts number of leading intercepts (1, or 2 for ordinal models)
   * @param extras number of trailing parameters left as they are
   */
  double[][] toOriginal(double[] theta, double[][] cov, int intercepts, int extras) {
    int p = features.size();
    int q = theta.length;
    double[][] t = new double[q][q];
    for (int k = 0; k < intercepts; k++) {
      t[k][k] = 1;
      for (int j = 0; j < p; j++) {
        t[k][intercepts + j] = -centre[j];
      }
    }
    for (int j = 0; j < p; j++) {
      t[intercepts + j][intercepts + j] = 1 / sd[j];
    }
    for (int e = 0; e < extras; e++) {
      t[intercepts + p + e][intercepts + p + e] = 1;
    }
    double[] orig = new double[q];
    for (int i = 0; i < q; i++) {
      for (int j = 0; j < q; j++) {
        orig[i] += t[i][j] * theta[j];
      }
    }
    double[][] tc = new double[q][q];
    for (int i = 0; i < q; i++) {
      for (int k = 0; k < q; k++) {
        double v = 0;
        for (int j = 0; j < q; j++) {
          v += t[i][j] * cov[j][k];
        }
        tc[i][k] = v;
      }
    }
    double[][] out = new double[q + 1][];
    out[0] = orig;
    for (int i = 0; i < q; i++) {
      out[i + 1] = new double[q];
      for (int k = 0; k < q; k++) {
        double v = 0;
        for (int j = 0; j < q; j++) {
          v += tc[i][j] * t[k][j];
        }
        out[i + 1][k] = v;
      }
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
