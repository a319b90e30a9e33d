package io.firmsim.serving.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.TensorSpec;
import io.firmsim.serving.testing.TestArtifacts;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The session runner against a session opened directly on the same graph file with ONNX Runtime's
 * own array API (the independent evidence): equal outputs, the signature the file declares, and the
 * failures a caller can act on.
 */
class OrtModelRunnerTest {
  private static final int N = 5;

  @Test
  void yearGraphAnswersAsADirectSessionOnTheSameFile() throws Exception {
    Path file = TestArtifacts.exported("1").resolve("onnx/year-sample-float64.onnx");
    List<Long> runs = new ArrayList<>();
    try (OrtModelRunner runner =
        OrtModelRunner.open(
            "paper-year-sample-float64",
            Files.readAllBytes(file),
            SessionSettings.DEFAULT,
            (m, rows, s) -> runs.add(rows))) {
      List<TensorSpec> in = runner.signature().inputs();
      assertEquals(
          List.of("state", "uniforms", "macro"), in.stream().map(TensorSpec::name).toList());
      assertArrayEquals(new long[] {-1, StateVariable.count()}, in.get(0).shape());
      assertArrayEquals(new long[] {2}, in.get(2).shape());
      assertEquals(DataType.FP64, in.get(0).datatype());
      int u = (int) in.get(1).shape()[1];
      assertEquals(
          List.of("new_state", "flows", "balance_gap"),
          runner.signature().outputs().stream().map(TensorSpec::name).toList());
      assertEquals(List.of(), runs, "the warm-up run is not reported");

      int s = StateVariable.count();
      SplittableRandom rnd = new SplittableRandom(7);
      double[] state = new double[N * s];
      for (int i = 0; i < state.length; i++) {
        state[i] = rnd.nextDouble(0, 1e6);
      }
      double[] macro = {0.03, 0.02};
      double[] uniforms = new double[N * u];
      for (int i = 0; i < uniforms.length; i++) {
        uniforms[i] = rnd.nextDouble(1e-6, 1 - 1e-6);
      }
      List<HostTensor> out =
          runner.infer(
              List.of(
                  new HostTensor("state", DataType.FP64, new long[] {N, s}, state),
                  new HostTensor("macro", DataType.FP64, new long[] {2}, macro),
                  new HostTensor("uniforms", DataType.FP64, new long[] {N, u}, uniforms)),
              System.nanoTime() + 10_000_000_000L);
      assertEquals(List.of((long) N), runs);

      OrtEnvironment env = OrtEnvironments.shared();
      try (OrtSession direct = env.createSession(file.toString(), new OrtSession.SessionOptions());
          OnnxTensor ts = OnnxTensor.createTensor(env, rows(state, N, s));
          OnnxTensor tm = OnnxTensor.createTensor(env, macro);
          OnnxTensor tu = OnnxTensor.createTensor(env, rows(uniforms, N, u));
          OrtSession.Result r = direct.run(Map.of("state", ts, "macro", tm, "uniforms", tu))) {
        double[][] newState = (double[][]) r.get("new_state").orElseThrow().getValue();
        double[] gap = (double[]) r.get("balance_gap").orElseThrow().getValue();
        assertArrayEquals(new long[] {N, s}, out.get(0).shape());
        double[] served = (double[]) out.get(0).data();
        for (int i = 0; i < N; i++) {
          for (int j = 0; j < s; j++) {
            assertEquals(newState[i][j], served[i * s + j], 1e-9 * (1 + Math.abs(newState[i][j])));
          }
        }
        assertArrayEquals(gap, (double[]) out.get(2).data(), 1e-12);
      }
    }
  }

  @Test
  void failuresCarryTheReasonAClientCanActOn() throws Exception {
    Path file = TestArtifacts.exported("1").resolve("onnx/T07-mean-float64.onnx");
    OrtModelRunner runner =
        OrtModelRunner.open(
            "paper-T07-mean-float64",
            Files.readAllBytes(file),
            SessionSettings.DEFAULT,
            RunListener.NONE);
    long k = runner.signature().inputs().get(0).shape()[1];
    HostTensor good =
        new HostTensor("features", DataType.FP64, new long[] {1, k}, new double[(int) k]);
    assertEquals(1, runner.infer(List.of(good), Long.MAX_VALUE).get(0).size());

    InferenceException late =
        assertThrows(
            InferenceException.class, () -> runner.infer(List.of(good), System.nanoTime() - 1));
    assertEquals(InferenceException.Reason.TIMEOUT, late.reason());

    HostTensor wrongWidth =
        new HostTensor("features", DataType.FP64, new long[] {1, k + 1}, new double[(int) k + 1]);
    InferenceException engine =
        assertThrows(
            InferenceException.class, () -> runner.infer(List.of(wrongWidth), Long.MAX_VALUE));
    assertEquals(InferenceException.Reason.ENGINE, engine.reason());

    runner.close();
    InferenceException closed =
        assertThrows(InferenceException.class, () -> runner.infer(List.of(good), Long.MAX_VALUE));
    assertEquals(InferenceException.Reason.UNAVAILABLE, closed.reason());

    InferenceException garbage =
        assertThrows(
            InferenceException.class,
            () ->
                OrtModelRunner.open(
                    "bad", new byte[] {1, 2, 3}, SessionSettings.DEFAULT, RunListener.NONE));
    assertEquals(InferenceException.Reason.ENGINE, garbage.reason());
    assertTrue(garbage.getMessage().startsWith("bad: "), garbage.getMessage());
  }

  private static double[][] rows(double[] flat, int n, int k) {
    double[][] out = new double[n][k];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * k, out[i], 0, k);
    }
    return out;
  }
}
