package io.firmsim.simulator.scenario.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-level order of a scenario run's totals: a streamed fold equals the order written out by
 * hand (blocks of 64 tiles from 0.0, then the blocks from 0.0), and a fold fed with ranges' {@link
 * TileFold.Part}s, cut anywhere on tile boundaries, equals the streamed fold bit for bit.
 */
class TileFoldTest {
  private static final int WIDTH = 3;
  private static final int TILES = 300; // four whole blocks and a partial one

  private static double[][] tiles() {
    Random random = new Random(7);
    double[][] t = new double[TILES][WIDTH];
    for (double[] tile : t) {
      for (int c = 0; c < WIDTH; c++) {
        // magnitudes from 1e-3 to 1e9 and both signs: the order of addition shows in the bits
        tile[c] =
            (random.nextBoolean() ? 1 : -1)
                * Math.pow(10, random.nextInt(13) - 3)
                * random.nextDouble();
      }
    }
    return t;
  }

  private static double[] streamed(double[][] tiles) {
    double[] total = new double[WIDTH];
    TileFold fold = new TileFold(total);
    for (double[] t : tiles) {
      fold.add(t);
    }
    fold.finish();
    return total;
  }

  @Test
  void streamedFoldIsTheTwoLevelOrder() {
    double[][] tiles = tiles();
    double[] expected = new double[WIDTH];
    for (int b = 0; b * 64 < TILES; b++) {
      double[] block = new double[WIDTH];
      for (int t = b * 64; t < Math.min(TILES, b * 64 + 64); t++) {
        for (int c = 0; c < WIDTH; c++) {
          block[c] += tiles[t][c];
        }
      }
      for (int c = 0; c < WIDTH; c++) {
        expected[c] += block[c];
      }
    }
    assertArrayEquals(expected, streamed(tiles));
    // and it is not the flat order for these numbers (so the comparisons here can fail)
    double[] flat = new double[WIDTH];
    for (double[] t : tiles) {
      for (int c = 0; c < WIDTH; c++) {
        flat[c] += t[c];
      }
    }
    assertFalse(Arrays.equals(flat, expected));
  }

  @Test
  void rangesCutAnywhereGiveTheStreamedTotals() {
    double[][] tiles = tiles();
    double[] expected = streamed(tiles);
    int[][] cuts = {
      {0, TILES},
      {0, 1, TILES},
      {0, 63, 64, 65, TILES},
      {0, 64, 128, 192, 256, TILES},
      {0, 10, 70, 200, 299, TILES},
      {0, 128, 129, TILES}
    };
    for (int[] cut : cuts) {
      double[] total = new double[WIDTH];
      TileFold fold = new TileFold(total);
      for (int p = 0; p + 1 < cut.length; p++) {
        TileFold.Part part = new TileFold.Part(cut[p], WIDTH);
        for (int t = cut[p]; t < cut[p + 1]; t++) {
          part.add(tiles[t]);
        }
        assertEquals(cut[p + 1] - cut[p], part.tiles());
        fold.add(part);
      }
      fold.finish();
      assertArrayEquals(expected, total, Arrays.toString(cut));
    }
  }

  @Test
  void wholeBlocksTravelAsOneSumEach() {
    double[][] tiles = tiles();
    TileFold.Part part = new TileFold.Part(10, WIDTH);
    for (int t = 10; t < 250; t++) {
      part.add(tiles[t]);
    }
    assertEquals(54, part.leading.size()); // tiles 10..63
    assertEquals(2, part.blocks.size()); // tiles 64..191
    assertEquals(58, part.openTiles); // tiles 192..249
  }

  @Test
  void aPartOutOfTurnIsRefused() {
    TileFold fold = new TileFold(new double[WIDTH]);
    TileFold.Part part = new TileFold.Part(64, WIDTH);
    assertThrows(IllegalArgumentException.class, () -> fold.add(part));
  }
}
