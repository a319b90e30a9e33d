package io.firmsim.simulator.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The host tile sums against a recursive formulation of the same pairwise tree (element {@code i}
 * of a tile meets element {@code i + half} first, so the last addition joins the even and the odd
 * positions): bit-identical, padding rows counted as zeros, and within {@code 9 eps} of the exact
 * sum relative to the sum of absolute values.
 */
class TileSumsTest {
  private static final int TILE = TileSums.TILE;

  /** The tree over positions {@code offset, offset + stride, ...} ({@code count} of them). */
  private static double tree(double[] tile, int offset, int stride, int count) {
    if (count == 1) {
      return tile[offset];
    }
    return tree(tile, offset, 2 * stride, count / 2)
        + tree(tile, offset + stride, 2 * stride, count / 2);
  }

  private static float tree(float[] tile, int offset, int stride, int count) {
    if (count == 1) {
      return tile[offset];
    }
    return tree(tile, offset, 2 * stride, count / 2)
        + tree(tile, offset + stride, 2 * stride, count / 2);
  }

  @Test
  void float64SumsFollowTheFixedTreeAndTreatPaddingAsZero() {
    int width = 5;
    int rows = 3 * TILE;
    int firms = 2 * TILE + 77;
    SplittableRandom random = new SplittableRandom(9);
    double[] values = new double[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = (random.nextDouble() - 0.3) * Math.pow(10, random.nextInt(12));
    }
    int stride = width + 2;
    double[] out = new double[3 * stride + 1];
    new TileSums().sums(DoubleBuffer.wrap(values), rows, firms, width, out, 1, stride);
    for (int t = 0; t < 3; t++) {
      for (int c = 0; c < width; c++) {
        double[] tile = new double[TILE];
        BigDecimal exact = BigDecimal.ZERO;
        double scale = 0;
        for (int i = 0; i < TILE; i++) {
          int row = t * TILE + i;
          tile[i] = row < firms ? values[row * width + c] : 0.0;
          exact = exact.add(new BigDecimal(tile[i]));
          scale += Math.abs(tile[i]);
        }
        double got = out[1 + t * stride + c];
        assertEquals(tree(tile, 0, 1, TILE), got, 0.0, "tile " + t + " column " + c);
        assertTrue(Math.abs(got - exact.doubleValue()) <= 9 * Math.ulp(1.0) * scale);
      }
    }
  }

  @Test
  void float32SumsAreSummedInFloat32() {
    int width = 3;
    int rows = TILE;
    SplittableRandom random = new SplittableRandom(4);
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextDouble() * 1e6);
    }
    double[] out = new double[width];
    new TileSums().sums(FloatBuffer.wrap(values), rows, rows, width, out, 0, width);
    for (int c = 0; c < width; c++) {
      float[] tile = new float[TILE];
      double exact = 0;
      for (int i = 0; i < TILE; i++) {
        tile[i] = values[i * width + c];
        exact += tile[i];
      }
      assertEquals(tree(tile, 0, 1, TILE), out[c], 0.0, "column " + c);
      // float32 rounding shows: the float64 sum differs
      assertTrue(Math.abs(out[c] - exact) <= 9 * Math.ulp(1.0f) * exact);
    }
  }
}
