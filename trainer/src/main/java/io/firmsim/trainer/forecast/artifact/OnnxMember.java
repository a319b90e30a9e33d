package io.firmsim.trainer.forecast.artifact;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.trainer.forecast.train.BlockForecaster;
import io.firmsim.trainer.forecast.train.WindowScaling;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * One member computed with ONNX Runtime from its float32 graph ({@code x [N, lookback]} in, {@code
 * forecast [N, horizon]} out), with the windows and scaling of {@link BlockForecaster}. Owns its
 * session; every tensor and result is closed after each call. The environment is the process's
 * shared one ({@link OrtEnvironments#shared()}).
 */
final class OnnxMember implements Forecaster {
  private final OrtSession session;
  private final int lookback;
  private final int horizon;
  private final WindowScaling scaling;

  private OnnxMember(OrtSession session, int lookback, int horizon, WindowScaling scaling) {
    this.session = session;
    this.lookback = lookback;
    this.horizon = horizon;
    this.scaling = scaling;
  }

  /** A session over the graph's bytes. */
  static OnnxMember load(byte[] graph, int lookback, int horizon, WindowScaling scaling)
      throws OrtException {
    OrtEnvironment env = OrtEnvironments.shared();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return new OnnxMember(env.createSession(graph, options), lookback, horizon, scaling);
    }
  }

  @Override
  public int lookback() {
    return lookback;
  }

  @Override
  public int horizon() {
    return horizon;
  }

  @Override
  public double[][] forecast(List<double[]> histories) {
    int n = histories.size();
    if (n == 0) {
      return new double[0][];
    }
    float[] x = new float[n * lookback];
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      double[] h = histories.get(i);
      if (h.length == 0) {
        throw new IllegalArgumentException("series " + (i + 1) + " has no values");
      }
      double[] w = BlockForecaster.window(h, h.length, lookback);
      s[i] = scaling.scale(w);
      for (int j = 0; j < lookback; j++) {
        // As BlockForecaster: divided in double, then rounded to the network's float32.
        x[i * lookback + j] = (float) (w[j] / s[i]);
      }
    }
    OrtEnvironment env = OrtEnvironments.shared();
    try (OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, lookback});
        OrtSession.Result r = session.run(Map.of("x", in))) {
      OnnxValue out = r.get("forecast").orElseThrow();
      float[] flat = new float[n * horizon];
      ((OnnxTensor) out).getFloatBuffer().get(flat);
      double[][] f = new double[n][horizon];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < horizon; j++) {
          f[i][j] = flat[i * horizon + j] * s[i];
        }
      }
      return f;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX session: " + e.getMessage(), e);
    }
  }
}
