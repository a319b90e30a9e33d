package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The design matrix of a fit on the device, in float64, with every feature standardized to mean
 * 0 and standard deviation 1 and a leading column of ones: {@code [n, p + 1]}. Features of a firm
 * panel span more than twenty orders of magnitude (SEK squared next to 0/1 indicators);
 * standardizing keeps the Newton systems well conditioned, and {@link #toOriginal} maps
 * parameters and their covariance back to the original scale.
 *
 * <p>Construction refuses a constant feature and (almost) perfectly collinear features, naming
 * them. Owns its arrays; close it to free them.
 */
final class Design implements AutoCloseable {
  private final NDManager manager;
  private final NDArray x; // [n, p + 1], column 0 all ones
  private final List<String> features;
  private final double[] mean;
  private final double[] sd;
  private final int n;

  private Design(NDManager manager, NDArray x, List<String> features, double[] mean, double[] sd,
      int n) {
    this.manager = manager;
    this.x = x;
    this.features = List.copyOf(features);
    this.mean = mean;
    this.sd = sd;
    this.n = n;
  }

  /**
   * @param parent manager whose device holds the design
   * @param features names of the p columns
   * @param values row-major {@code [n, p]} feature values
   */
  static Design of(NDManager parent, List<String> features, double[] values, int n) {
    int p = features.size();
    if (values.length != (long) n * p) {
      throw new IllegalArgumentException("expected " + n + " x " + p + " values");
    }
    NDManager m = parent.newSubManager();
    try {
      double[] mean = new double[p];
      double[] sd = new double[p];
      NDArray raw = m.create(values, new Shape(n, p));
      NDArray standardized;
      if (p > 0) {
        mean = raw.mean(new int[] {0}).toDoubleArray();
        NDArray meanRow = m.create(mean);
        sd = raw.sub(meanRow).square().mean(new int[] {0}).sqrt().toDoubleArray();
        for (int j = 0; j < p; j++) {
          if (!(sd[j] > 1e-13 * Math.max(1, Math.abs(mean[j])))) {
            throw new IllegalArgumentException(
                "feature " + features.get(j) + " is constant (" + mean[j] + " in all " + n
                    + " rows): it cannot be estimated");
          }
        }
        standardized = raw.sub(meanRow).div(m.create(sd));
      } else {
        standardized = m.zeros(new Shape(n, 0), DataType.FLOAT64);
      }
      NDArray x = NDArrays.concat(new NDList(m.ones(new Shape(n, 1), DataType.FLOAT64),
          standardized), 1);
      Design d = new Design(m, x, features, mean, sd, n);
      d.checkCollinearity();
      raw.close();
      return d;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** Refuses (almost) perfectly collinear features, naming those involved. */
  private void checkCollinearity() {
    int p = features.size();
    if (p < 2) {
      return;
    }
    try (NDManager scope = manager.newSubManager()) {
      x.tempAttach(scope);
      NDArray xs = x.get(":, 1:");
      double[] g = xs.transpose().matMul(xs).div(n).toDoubleArray(); // correlation matrix
      double[][] corr = new double[p][p];
      for (int i = 0; i < p; i++) {
        System.arraycopy(g, i * p, corr[i], 0, p);
      }
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
        throw new IllegalArgumentException(
            "features " + involved + " are perfectly collinear (smallest eigenvalue of their"
                + " correlation matrix " + values[smallest] + "): drop one of them");
      }
    }
  }

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
        t[k][intercepts + j] = -mean[j] / sd[j];
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
