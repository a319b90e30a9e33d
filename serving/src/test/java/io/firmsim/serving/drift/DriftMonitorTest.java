package io.firmsim.serving.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.profile.FeatureProfile;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The monitor's PSI against a hand computation and against a second, straightforward
 * implementation; its readings on windows drawn from the reference and shifted away from it; the
 * sliding window; float32 point masses; refusals; concurrent observers.
 */
class DriftMonitorTest {
  private static final int K = StateVariable.count();
  private static final int REFERENCE_ROWS = 20_000;

  /** The paper model with a year profile of these 43 columns. */
  private static ModelSpec withYearProfile(List<FeatureProfile> columns) {
    int bins = columns.stream().mapToInt(FeatureProfile::binCount).max().orElse(1);
    return PaperModel.load()
        .withReferenceProfile(
            ReferenceProfile.of(
                Math.max(10, bins), List.of(new GraphProfile("year", "state", columns))));
  }

  /** Columns profiled from standard normal draws, named as the state registry. */
  private static List<FeatureProfile> normalColumns(long seed) {
    return normalColumns(seed, 10);
  }

  private static List<FeatureProfile> normalColumns(long seed, int bins) {
    Random rnd = new Random(seed);
    List<FeatureProfile> out = new ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      double[] x = new double[REFERENCE_ROWS];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextGaussian();
      }
      out.add(FeatureProfile.fromValues(v.name(), x, bins));
    }
    return out;
  }

  private static double[] normalRows(Random rnd, int n) {
    double[] x = new double[n * K];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    return x;
  }

  private static HostTensor state(double[] rows) {
    return new HostTensor("state", DataType.FP64, new long[] {rows.length / K, K}, rows);
  }

  private static DriftMonitor yearMonitor(List<FeatureProfile> columns, int window) {
    return DriftMonitor.forGraph(withYearProfile(columns), "year", window).orElseThrow();
  }

  @Test
  void psiMatchesAHandComputation() {
    // Column CA: one cut point at 0, reference shares 1/2, 1/2. Every other column is constant 0.
    List<FeatureProfile> cols = new ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      cols.add(
          v == StateVariable.CA
              ? FeatureProfile.of("CA", new double[] {0}, new double[] {0.5, 0.5}, 1000)
              : FeatureProfile.of(v.name(), new double[] {0}, new double[] {1, 0}, 1000));
    }
    DriftMonitor m = yearMonitor(cols, 500);
    assertEquals("state", m.inputName());
    double[] rows = new double[500 * K];
    for (int r = 0; r < 100; r++) {
      rows[r * K] = 3.0; // 100 of 500 rows above the cut: a = (0.8, 0.2)
    }
    m.observe(state(rows));
    DriftReport report = m.report();
    // (0.8 - 0.5) ln(0.8 / 0.5) + (0.2 - 0.5) ln(0.2 / 0.5)
    //   = 0.3 * 0.4700036292 + 0.3 * 0.9162907319 = 0.4158883083
    assertEquals(0.4158883083, report.features().get(0).psi(), 1e-9);
    assertEquals("critical", report.features().get(0).status());
    // A constant column seen constant: both second shares are below epsilon, nothing drifts.
    assertEquals(0.0, report.features().get(1).psi(), 0.0);
    assertEquals("ok", report.features().get(1).status());

    // An empty bin: a = (1, 0) against e = (1/2, 1/2), with the 1e-4 floor:
    // 0.5 ln 2 + (1e-4 - 0.5) ln(1e-4 / 0.5) = 0.3465735903 + 4.2577454...
    m.observe(state(new double[500 * K]));
    double expected = 0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    assertEquals(4.6043190, expected, 1e-6);
    assertEquals(expected, m.report().features().get(0).psi(), 1e-12);
    assertEquals(0.0, Psi.of(new double[] {0.3, 0.7}, new double[] {0.3, 0.7}), 0.0);
  }

  /** The second implementation: every bin's bounds checked for every kept row, no ring. */
  private static double[] naivePsi(List<FeatureProfile> cols, List<double[]> rows, int window) {
    int from = Math.max(0, rows.size() - window);
    int n = rows.size() - from;
    double[] out = new double[cols.size()];
    for (int j = 0; j < cols.size(); j++) {
      double[] e = cols.get(j).edges();
      double[] p = cols.get(j).proportions();
      double psi = 0;
      for (int b = 0; b <= e.length; b++) {
        double lower = b == 0 ? Double.NEGATIVE_INFINITY : e[b - 1];
        double upper = b == e.length ? Double.POSITIVE_INFINITY : e[b];
        int count = 0;
        for (int r = from; r < rows.size(); r++) {
          double x = rows.get(r)[j];
          if ((x > lower || b == 0) && x <= upper) {
            count++;
          }
        }
        double a = Math.max((double) count / n, 1e-4);
        double q = Math.max(p[b], 1e-4);
        psi += (a - q) * Math.log(a / q);
      }
      out[j] = psi;
    }
    return out;
  }

  /** 10 bins take the counting path of the monitor, 40 its binary search; FP32 its float path. */
  @ParameterizedTest
  @CsvSource({"10, FP64", "10, FP32", "40, FP64", "40, FP32"})
  void psiEqualsAStraightforwardImplementationOnRandomBatches(int bins, DataType type) {
    List<FeatureProfile> cols = normalColumns(11, bins);
    assertEquals(bins, cols.get(0).binCount());
    int window = 700;
    DriftMonitor m = yearMonitor(cols, window);
    Random rnd = new Random(12);
    List<double[]> seen = new ArrayList<>();
    long total = 0;
    // Batches of varied size (one larger than the window), varied shift and spread.
    int[] sizes = {1, 37, 250, 999, 3, 480, 1200, 64, 0, 333};
    for (int size : sizes) {
      double shift = rnd.nextGaussian();
      double scale = 0.5 + 2 * rnd.nextDouble();
      double[] rows = new double[size * K];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = shift + scale * rnd.nextGaussian();
        if (type == DataType.FP32) {
          rows[i] = (float) rows[i]; // what the monitor sees, exactly
        }
      }
      if (type == DataType.FP32) {
        float[] f = new float[rows.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) rows[i];
        }
        m.observe(new HostTensor("state", DataType.FP32, new long[] {size, K}, f));
      } else {
        m.observe(state(rows));
      }
      for (int r = 0; r < size; r++) {
        seen.add(java.util.Arrays.copyOfRange(rows, r * K, (r + 1) * K));
      }
      total += size;
      if (seen.isEmpty()) {
        continue;
      }
      DriftReport report = m.report();
      double[] expected = naivePsi(cols, seen, window);
      assertEquals(Math.min(total, window), report.rowsInWindow());
      assertEquals(total, report.rowsSeen());
      for (int j = 0; j < K; j++) {
        assertEquals(expected[j], report.features().get(j).psi(), 1e-12, "column " + j);
      }
    }
  }

  @Test
  void windowFromTheReferenceStaysBelowWarning() {
    DriftMonitor m = yearMonitor(normalColumns(21), 5000);
    m.observe(state(normalRows(new Random(22), 5000)));
    DriftReport r = m.report();
    assertEquals("ok", r.status());
    for (FeatureDrift f : r.features()) {
      assertTrue(f.psi() < DriftMonitor.WARNING, f.toString());
      assertEquals("ok", f.status());
    }
  }

  @Test
  void shiftedAndWidenedColumnsAloneTurnCritical() {
    DriftMonitor m = yearMonitor(normalColumns(31), 5000);
    double[] rows = normalRows(new Random(32), 5000);
    int shifted = StateVariable.MA.index();
    int widened = StateVariable.SC.index();
    for (int r = 0; r < 5000; r++) {
      rows[r * K + shifted] += 1.0; // +1 sd
      rows[r * K + widened] *= 3.0; // x3 spread
    }
    m.observe(state(rows));
    DriftReport report = m.report();
    assertEquals("critical", report.status());
    for (int j = 0; j < K; j++) {
      FeatureDrift f = report.features().get(j);
      assertEquals(StateVariable.at(j).name(), f.feature());
      if (j == shifted || j == widened) {
        assertTrue(f.psi() > DriftMonitor.CRITICAL, f.toString());
        assertEquals("critical", f.status());
      } else {
        assertTrue(f.psi() < DriftMonitor.WARNING, f.toString());
        assertEquals("ok", f.status());
      }
    }
  }

  @Test
  void theWindowForgetsOldRows() {
    List<FeatureProfile> cols = normalColumns(41);
    DriftMonitor m = yearMonitor(cols, 1000);
    Random rnd = new Random(42);
    double[] drifted = normalRows(rnd, 1000);
    for (int i = 0; i < drifted.length; i++) {
      drifted[i] += 2;
    }
    m.observe(state(drifted));
    assertEquals("critical", m.report().status());
    // 600 reference rows: 400 drifted rows remain, still visible.
    m.observe(state(normalRows(rnd, 600)));
    assertEquals("critical", m.report().status());
    // 400 more, in small batches: every drifted row has left.
    for (int b = 0; b < 4; b++) {
      m.observe(state(normalRows(rnd, 100)));
    }
    DriftReport r = m.report();
    assertEquals(1000, r.rowsInWindow());
    assertEquals(2000, r.rowsSeen());
    assertEquals("ok", r.status(), r.toString());
  }

  @Test
  void tooFewRowsReadInsufficient() {
    DriftMonitor m = yearMonitor(normalColumns(51), 2000);
    DriftReport empty = m.report();
    assertEquals(0, empty.rowsInWindow());
    assertTrue(Double.isNaN(empty.features().get(0).psi()));
    assertEquals("insufficient", empty.features().get(0).status());
    m.observe(state(normalRows(new Random(52), DriftMonitor.MIN_ROWS - 1)));
    assertEquals("insufficient", m.report().status());
    m.observe(state(normalRows(new Random(53), 1)));
    assertEquals("ok", m.report().status());
  }

  @Test
  void float32PointMassesStayInTheirBins() {
    // Every column: half 0.1, half 0.3 (not representable in float32), so the cut points are 0.1
    // and 0.3 and the shares (1/2, 1/2, 0).
    double[] ref = new double[1000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = i % 2 == 0 ? 0.1 : 0.3;
    }
    List<FeatureProfile> cols = new ArrayList<>();
    for (StateVariable v : StateVariable.all()) {
      cols.add(FeatureProfile.fromValues(v.name(), ref, 10));
    }
    assertEquals(3, cols.get(0).binCount());
    DriftMonitor m = yearMonitor(cols, 1000);
    float[] x = new float[1000 * K];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i / K) % 2 == 0 ? 0.1f : 0.3f;
    }
    m.observe(new HostTensor("state", DataType.FP32, new long[] {1000, K}, x));
    for (FeatureDrift f : m.report().features()) {
      assertEquals(0.0, f.psi(), 1e-12, f.toString());
    }
  }

  @Test
  void refusesWhatItCannotWatch() {
    assertTrue(DriftMonitor.forGraph(PaperModel.load(), "year", 1000).isEmpty());
    ModelSpec spec = withYearProfile(normalColumns(61));
    assertTrue(DriftMonitor.forGraph(spec, "T01", 1000).isEmpty());
    assertThrows(
        IllegalArgumentException.class,
        () -> DriftMonitor.forGraph(spec, "year", DriftMonitor.MIN_ROWS - 1));
    DriftMonitor m = DriftMonitor.forGraph(spec, "year", 1000).orElseThrow();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            m.observe(
                new HostTensor("state", DataType.FP64, new long[] {1, K - 1}, new double[K - 1])));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.observe(new HostTensor("state", DataType.INT64, new long[] {1, K}, new long[K])));
    assertEquals(0, m.report().rowsSeen());
  }

  @Test
  void concurrentObserversLoseNoRow() throws Exception {
    List<FeatureProfile> cols = normalColumns(71);
    DriftMonitor m = yearMonitor(cols, 4000);
    int threads = 4;
    int batches = 50;
    int rowsPerBatch = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        // Every thread sends the same constant row (3.0 everywhere): the window's content does
        // not depend on the interleaving.
        done.add(
            pool.submit(
                () -> {
                  double[] rows = new double[rowsPerBatch * K];
                  java.util.Arrays.fill(rows, 3.0);
                  start.await();
                  for (int b = 0; b < batches; b++) {
                    m.observe(state(rows));
                    m.report();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    DriftReport r = m.report();
    assertEquals(threads * batches * rowsPerBatch, r.rowsSeen());
    assertEquals(2000, r.rowsInWindow());
    List<double[]> rows = new ArrayList<>();
    double[] row = new double[K];
    java.util.Arrays.fill(row, 3.0);
    for (int i = 0; i < 2000; i++) {
      rows.add(row);
    }
    double[] expected = naivePsi(cols, rows, 4000);
    for (int j = 0; j < K; j++) {
      assertEquals(expected[j], r.features().get(j).psi(), 1e-12);
    }
  }
}
