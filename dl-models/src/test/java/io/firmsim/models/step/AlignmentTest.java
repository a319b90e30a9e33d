package io.firmsim.models.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.firmsim.models.equations.ProbabilityLink;
import io.firmsim.models.tensor.DjlTensor;
import io.firmsim.models.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-tile alignment solver ({@link Alignment}) and the per-tile reductions it rests on,
 * against a second implementation in Java: the tile sums equal a Java pairwise tree bit for bit;
 * the shift solved on DJL tensors gives the probabilities of a Java bisection to 1e-12 and hits the
 * target to 1e-9 in every tile, for both links, with unequal weights and an all-padding tile; an
 * unset target leaves eta exactly as it is.
 */
class AlignmentTest {
  private static final int TILE = FirmYearBlock.TILE;

  @Test
  void rowSumsAndMaxOfTilesEqualAJavaPairwiseTree() {
    SplittableRandom rnd = new SplittableRandom(1);
    double[] x = new double[4 * TILE];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextDouble(-1e6, 1e6) * Math.pow(10, rnd.nextInt(-8, 4));
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Tensor t = DjlTensor.of(m.create(x)).tiles(TILE);
      double[] sum = DjlTensor.unwrap(t.rowSums()).toDoubleArray();
      double[] max = DjlTensor.unwrap(t.rowMax()).toDoubleArray();
      assertArrayEquals(x, DjlTensor.unwrap(t.flatten()).toDoubleArray());
      for (int tile = 0; tile < 4; tile++) {
        double[] part = java.util.Arrays.copyOfRange(x, tile * TILE, (tile + 1) * TILE);
        double expectedMax = java.util.Arrays.stream(part).max().orElseThrow();
        assertTrue(sum[tile] == pairwise(part), "tile sum " + tile);
        assertTrue(max[tile] == expectedMax, "tile max " + tile);
      }
      Tensor odd = DjlTensor.of(m.create(new double[1000]));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> odd.tiles(TILE));
      assertTrue(e.getMessage().contains("multiple of 512"), e.getMessage());
    }
  }

  /** Nine rounds of adding the second half to the first, as documented. */
  private static double pairwise(double[] v) {
    double[] x = v.clone();
    for (int half = x.length / 2; half >= 1; half /= 2) {
      for (int i = 0; i < half; i++) {
        x[i] = x[i] + x[i + half];
      }
    }
    return x[0];
  }

  @Test
  void shiftMatchesAJavaBisectionAndHitsTheTargetInEveryTile() {
    SplittableRandom rnd = new SplittableRandom(7);
    int n = 4 * TILE;
    for (ProbabilityLink link : ProbabilityLink.values()) {
      for (double target : new double[] {0.001, 0.3, 0.97}) {
        double[] eta = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
          // Far from the target, spread wide, with the predictors' scale changing by tile.
          eta[i] = -6 + (1 + i / TILE) * 2.5 * rnd.nextGaussian();
          w[i] = i >= n - 200 ? 0 : rnd.nextDouble(0.1, 10); // the last 200 rows are padding
        }
        double[] p = aligned(eta, w, link, target, Alignment.ITERATIONS);
        for (int tile = 0; tile < 4; tile++) {
          int from = tile * TILE;
          double s = bisection(eta, w, from, link, target);
          double sw = 0;
          double swp = 0;
          for (int i = from; i < from + TILE; i++) {
            double expected = link.probability(eta[i] + s);
            assertTrue(
                Math.abs(p[i] - expected) <= 1e-12,
                link + " " + target + " firm " + i + ": " + p[i] + " vs " + expected);
            sw += w[i];
            swp += w[i] * p[i];
          }
          double err = Math.abs(swp / sw - target);
          assertTrue(err <= 1e-9, link + " " + target + " tile " + tile + " error " + err);
        }
      }
    }
  }

  @Test
  void reachesOneInABillionFourStepsBeforeTheFixedStepCount() {
    // Measured: the worst case here needs 10 steps to 1e-9; the fixed count is 16.
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 2 * TILE;
    for (ProbabilityLink link : ProbabilityLink.values()) {
      for (double target : new double[] {1e-4, 0.5, 0.9999}) {
        double[] eta = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
          eta[i] = 4 + 4 * rnd.nextGaussian();
          w[i] = rnd.nextDouble(0.5, 2);
        }
        double early =
            maxTileError(aligned(eta, w, link, target, Alignment.ITERATIONS - 4), w, target);
        assertTrue(early <= 1e-9, link + " " + target + ": " + early + " after 12 steps");
        double last = maxTileError(aligned(eta, w, link, target, Alignment.ITERATIONS), w, target);
        assertTrue(last <= 1e-12 * Math.max(1, target / 1e-3), link + " " + target + ": " + last);
      }
    }
  }

  @Test
  void unsetTargetsLeaveEtaExactlyAndPaddingTilesStayFinite() {
    SplittableRandom rnd = new SplittableRandom(5);
    double[] eta = new double[2 * TILE];
    double[] w = new double[2 * TILE];
    for (int i = 0; i < eta.length; i++) {
      eta[i] = rnd.nextGaussian() * 3;
      w[i] = i < TILE ? 1 : 0; // the second tile is all padding
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (double t : new double[] {Double.NaN, -1}) {
        double[] out = run(m, eta, w, ProbabilityLink.CLOGLOG, t, Alignment.ITERATIONS);
        assertArrayEquals(eta, out, "target " + t);
      }
      double[] out = run(m, eta, w, ProbabilityLink.LOGIT, 0.2, Alignment.ITERATIONS);
      for (double x : out) {
        assertTrue(Double.isFinite(x), "aligned eta " + x);
      }
    }
  }

  @Test
  void aFirmWithNanEtaDropsOutWithoutSpoilingItsTile() {
    SplittableRandom rnd = new SplittableRandom(8);
    double[] eta = new double[TILE];
    double[] w = new double[TILE];
    for (int i = 0; i < TILE; i++) {
      eta[i] = rnd.nextGaussian() * 2 - 1;
      w[i] = 1;
    }
    eta[3] = Double.NaN;
    eta[4] = 1e6; // saturated: p = 1
    double[] p = aligned(eta, w, ProbabilityLink.LOGIT, 0.4, Alignment.ITERATIONS);
    assertTrue(Double.isNaN(p[3]), "the NaN firm stays NaN");
    double sw = 0;
    double swp = 0;
    for (int i = 0; i < TILE; i++) {
      if (i != 3) {
        assertTrue(Double.isFinite(p[i]), "firm " + i + ": " + p[i]);
        sw += w[i];
        swp += w[i] * p[i];
      }
    }
    assertTrue(Math.abs(swp / sw - 0.4) <= 1e-9, "the other firms' mean " + swp / sw);
  }

  private static double maxTileError(double[] p, double[] w, double target) {
    double worst = 0;
    for (int from = 0; from < p.length; from += TILE) {
      double sw = 0;
      double swp = 0;
      for (int i = from; i < from + TILE; i++) {
        sw += w[i];
        swp += w[i] * p[i];
      }
      worst = Math.max(worst, Math.abs(swp / sw - target));
    }
    return worst;
  }

  /** Aligned probabilities computed on DJL float64 tensors. */
  private static double[] aligned(
      double[] eta, double[] w, ProbabilityLink link, double target, int iterations) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      double[] shifted = run(m, eta, w, link, target, iterations);
      double[] p = new double[eta.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = link.probability(shifted[i]);
      }
      return p;
    }
  }

  private static double[] run(
      NDManager m, double[] eta, double[] w, ProbabilityLink link, double target, int iterations) {
    Tensor e = DjlTensor.of(m.create(eta));
    Tensor weights = DjlTensor.of(m.create(w)).tiles(TILE);
    NDArray t = m.create(target).toType(DataType.FLOAT64, false);
    Tensor out = Alignment.align(e, link, weights, DjlTensor.of(t), iterations);
    return DjlTensor.unwrap(out).toDoubleArray();
  }

  /** The shift of one tile by plain bisection in Java, 70 halvings of [-60, 60]. */
  private static double bisection(
      double[] eta, double[] w, int from, ProbabilityLink link, double target) {
    double lo = -60;
    double hi = 60;
    for (int k = 0; k < 70; k++) {
      double mid = 0.5 * (lo + hi);
      double sw = 0;
      double swp = 0;
      for (int i = from; i < from + TILE; i++) {
        sw += w[i];
        swp += w[i] * link.probability(eta[i] + mid);
      }
      if (swp > target * sw) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return 0.5 * (lo + hi);
  }
}
