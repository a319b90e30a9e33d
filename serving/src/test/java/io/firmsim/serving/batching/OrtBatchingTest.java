package io.firmsim.serving.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.YearGraphExporter;
import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.serving.inference.InferenceRunner;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The batcher in front of a real ONNX Runtime session of the paper model's year graph (mean mode:
 * {@code state [N, 43]}, {@code macro [2]}): requests of start-up firms under two macro scenarios
 * are merged into one run per scenario, and
 *
 * <ul>
 *   <li>every answer ({@code new_state}, {@code flows}, {@code balance_gap}) equals, bit for bit,
 *       its rows of the session's answer to the whole merged batch, cut by hand: merging and
 *       splitting add nothing;
 *   <li>with the session behind {@link RowPadding} (as the server runs it), every answer equals,
 *       bit for bit, the session's answer to the request alone;
 *   <li>without the padding, every answer equals the session's answer to the request alone only
 *       within 1e-12 (float64) or 1e-5 (float32) of the larger of the value and the firm's largest
 *       new state value: ONNX Runtime's CPU kernels round a row differently (by an ulp or so)
 *       depending on the number of rows of the run and the row's place in it. The scale floor is
 *       needed for values that are differences of large terms, like the balance gap (zero up to
 *       rounding).
 * </ul>
 */
class OrtBatchingTest {
  private static final int[] ROWS_A = {1, 5, 10, 14, 20, 10};
  private static final int[] ROWS_B = {7, 23, 30};
  private static final double[] MACRO_A = {0.021, 0.013};
  private static final double[] MACRO_B = {-0.034, 0.041};
  private static final int BATCH = 60;

  @ParameterizedTest
  @EnumSource(OnnxDType.class)
  void paddedBatchedAnswersEqualUnbatchedOnesBitForBit(OnnxDType dtype) throws Exception {
    check(dtype, true);
  }

  @ParameterizedTest
  @EnumSource(OnnxDType.class)
  void batchedAnswersAreTheMergedRunsRowsAndMatchUnbatchedOnes(OnnxDType dtype) throws Exception {
    check(dtype, false);
  }

  private void check(OnnxDType dtype, boolean padded) throws Exception {
    ModelSpec spec = PaperModel.load();
    byte[] graph = YearGraphExporter.export(spec, ForwardMode.MEAN, dtype, Map.of());
    int width = StateVariable.count();
    double[] firms =
        new StartupPopulation(7, 2 * BATCH, spec.constants()).slice(0, 2 * BATCH).values();

    // Group A is firms [0, 60) under MACRO_A, group B firms [60, 120) under MACRO_B, each cut into
    // requests of the given rows, in firm order.
    List<List<HostTensor>> requests = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>();
    int at = 0;
    for (int[] rows : new int[][] {ROWS_A, ROWS_B}) {
      double[] macro = rows == ROWS_A ? MACRO_A : MACRO_B;
      for (int r : rows) {
        offsets.add(at);
        double[] state = Arrays.copyOfRange(firms, at * width, (at + r) * width);
        at += r;
        requests.add(
            List.of(tensor("state", dtype, state, r, width), tensor("macro", dtype, macro, 2)));
      }
    }

    List<long[]> runs = Collections.synchronizedList(new ArrayList<>());
    BatchListener listener =
        new BatchListener() {
          @Override
          public void queued(String model, long queueNanos) {}

          @Override
          public void batch(String model, int n, long rows, long computeNanos) {
            runs.add(new long[] {n, rows});
          }
        };
    ExecutorService callers = Executors.newFixedThreadPool(requests.size());
    InferenceRunner session =
        padded
            ? new RowPadding(new OrtGraphRunner(graph), RowPadding.DEFAULT_MULTIPLE)
            : new OrtGraphRunner(graph);
    try (DynamicBatcher batcher =
        new DynamicBatcher(
            "year", session, new BatchPolicy(BATCH, Duration.ofSeconds(10), 100), listener)) {
      assertTrue(batcher.signature().input("state").orElseThrow().batched());
      assertFalse(batcher.signature().input("macro").orElseThrow().batched());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();

      List<List<HostTensor>> alone = new ArrayList<>();
      for (List<HostTensor> request : requests) {
        alone.add(session.infer(request, deadline));
      }
      List<List<HostTensor>> whole = new ArrayList<>();
      for (int g = 0; g < 2; g++) {
        double[] state = Arrays.copyOfRange(firms, g * BATCH * width, (g + 1) * BATCH * width);
        double[] macro = g == 0 ? MACRO_A : MACRO_B;
        whole.add(
            session.infer(
                List.of(
                    tensor("state", dtype, state, BATCH, width), tensor("macro", dtype, macro, 2)),
                deadline));
      }

      // Queued one after the other, so that each merged run holds its group in firm order.
      List<Future<List<HostTensor>>> batched = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        List<HostTensor> request = requests.get(i);
        batched.add(callers.submit(() -> batcher.infer(request, deadline)));
        if (i != ROWS_A.length - 1 && i != requests.size() - 1) {
          awaitPending(batcher, i < ROWS_A.length ? i + 1 : i + 1 - ROWS_A.length);
        }
      }

      double rel = dtype == OnnxDType.FLOAT64 ? 1e-12 : 1e-5;
      for (int i = 0; i < requests.size(); i++) {
        List<HostTensor> actual = batched.get(i).get(30, TimeUnit.SECONDS);
        List<HostTensor> merged = whole.get(i < ROWS_A.length ? 0 : 1);
        int from = offsets.get(i) % BATCH;
        long rows = requests.get(i).get(0).rows();
        double[] scale = rowScale(alone.get(i).get(0));
        assertEquals(3, actual.size());
        for (int o = 0; o < actual.size(); o++) {
          HostTensor a = actual.get(o);
          String what = dtype + " request " + i + " " + a.name();
          assertEquals(merged.get(o).name(), a.name());
          assertEquals(rows, a.rows());
          int perRow = a.size() / (int) rows;
          long[] expected =
              Arrays.copyOfRange(bits(merged.get(o)), from * perRow, (from + (int) rows) * perRow);
          assertArrayEquals(expected, bits(a), what + " against the merged run");

          if (padded) {
            assertArrayEquals(bits(alone.get(i).get(o)), bits(a), what + " against it alone");
          }
          double[] single = doubles(alone.get(i).get(o));
          double[] got = doubles(a);
          for (int k = 0; k < got.length; k++) {
            double tol = rel * Math.max(Math.abs(single[k]), scale[k / perRow]);
            assertEquals(single[k], got[k], tol, what + " against the request alone, at " + k);
          }
        }
      }
    } finally {
      callers.shutdownNow();
    }
    // One run per macro scenario, each of 60 rows: 6 requests and 3.
    assertEquals(2, runs.size());
    assertArrayEquals(new long[] {ROWS_A.length, BATCH}, runs.get(0));
    assertArrayEquals(new long[] {ROWS_B.length, BATCH}, runs.get(1));
  }

  /** Per firm, the largest magnitude of its new state: the scale its values are made at. */
  private static double[] rowScale(HostTensor newState) {
    double[] v = doubles(newState);
    int rows = (int) newState.rows();
    int width = v.length / rows;
    double[] scale = new double[rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < width; c++) {
        scale[r] = Math.max(scale[r], Math.abs(v[r * width + c]));
      }
    }
    return scale;
  }

  /** Waits (bounded) until the batcher holds n waiting requests: the batcher has no queue hook. */
  private static void awaitPending(DynamicBatcher b, int n) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (b.pending() != n) {
      if (System.nanoTime() - end > 0) {
        fail("expected " + n + " waiting requests, found " + b.pending());
      }
      Thread.sleep(1);
    }
  }

  private static HostTensor tensor(String name, OnnxDType dtype, double[] v, long... shape) {
    if (dtype == OnnxDType.FLOAT64) {
      return new HostTensor(name, DataType.FP64, shape, v.clone());
    }
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return new HostTensor(name, DataType.FP32, shape, f);
  }

  private static double[] doubles(HostTensor t) {
    if (t.data() instanceof double[] d) {
      return d;
    }
    float[] f = (float[]) t.data();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static long[] bits(HostTensor t) {
    if (t.data() instanceof double[] d) {
      return Arrays.stream(d).mapToLong(Double::doubleToRawLongBits).toArray();
    }
    float[] f = (float[]) t.data();
    long[] b = new long[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToRawIntBits(f[i]);
    }
    return b;
  }
}
