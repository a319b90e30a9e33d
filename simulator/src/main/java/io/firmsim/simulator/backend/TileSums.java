package io.firmsim.simulator.backend;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Per-tile column sums on the host, in the order the DJL backend uses on the device: each tile of
 * {@link #TILE} firms is summed in the run's precision by a fixed pairwise tree, nine rounds of
 * adding the tile's second half to its first, element by element; padding firms (rows at or beyond
 * the chunk's firm count) count as zeros. Each sum therefore depends only on its tile's values,
 * never on the chunk size or the thread count, and is within {@code 9 * eps} of the exact sum
 * relative to the sum of the absolute values.
 *
 * <p>Not thread-safe: an instance holds the scratch tile of one worker.
 */
final class TileSums {
  static final int TILE = 512;

  private double[] scratch64 = new double[0];
  private float[] scratch32 = new float[0];

  /**
   * Adds the tile sums of {@code values} ({@code [rows, width]} row-major) to {@code out}: tile
   * {@code t}'s sum of column {@code c} goes to {@code out[offset + t * stride + c]}.
   *
   * @param firms rows that are firms; rows from it on are padding and count as zeros
   */
  void sums(
      DoubleBuffer values, int rows, int firms, int width, double[] out, int offset, int stride) {
    int tileLength = TILE * width;
    if (scratch64.length < tileLength) {
      scratch64 = new double[tileLength];
    }
    double[] s = scratch64;
    for (int t = 0; t < rows / TILE; t++) {
      int first = t * TILE;
      int real = Math.max(0, Math.min(TILE, firms - first));
      values.get(first * width, s, 0, real * width);
      java.util.Arrays.fill(s, real * width, tileLength, 0.0);
      for (int half = TILE / 2; half >= 1; half /= 2) {
        int h = half * width;
        for (int i = 0; i < h; i++) {
          s[i] += s[i + h];
        }
      }
      System.arraycopy(s, 0, out, offset + t * stride, width);
    }
  }

  /** As {@link #sums(DoubleBuffer, int, int, int, double[], int, int)}, summed in float32. */
  void sums(
      FloatBuffer values, int rows, int firms, int width, double[] out, int offset, int stride) {
    int tileLength = TILE * width;
    if (scratch32.length < tileLength) {
      scratch32 = new float[tileLength];
    }
    float[] s = scratch32;
    for (int t = 0; t < rows / TILE; t++) {
      int first = t * TILE;
      int real = Math.max(0, Math.min(TILE, firms - first));
      values.get(first * width, s, 0, real * width);
      java.util.Arrays.fill(s, real * width, tileLength, 0.0f);
      for (int half = TILE / 2; half >= 1; half /= 2) {
        int h = half * width;
        for (int i = 0; i < h; i++) {
          s[i] += s[i + h];
        }
      }
      int o = offset + t * stride;
      for (int c = 0; c < width; c++) {
        out[o + c] = s[c];
      }
    }
  }
}
