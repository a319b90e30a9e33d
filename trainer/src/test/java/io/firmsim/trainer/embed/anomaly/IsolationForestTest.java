package io.firmsim.trainer.embed.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsolationForestTest {

  /** 500 standard-normal points in 2-d and one planted outlier at (8, 8), the last row. */
  private static double[][] cloudWithOutlier() {
    SplittableRandom r = new SplittableRandom(7);
    double[][] x = new double[501][2];
    for (int i = 0; i < 500; i++) {
      x[i][0] = gaussian(r);
      x[i][1] = gaussian(r);
    }
    x[500] = new double[] {8, 8};
    return x;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  @Test
  void averagePathLengthMatchesHandValues() {
    assertEquals(0, IsolationForest.c(0));
    assertEquals(0, IsolationForest.c(1));
    assertEquals(1, IsolationForest.c(2));
    // c(3) = 2 H(2) - 4/3 = 3 - 4/3; c(4) = 2 H(3) - 6/4 = 11/3 - 3/2; c(5) = 2 H(4) - 8/5.
    assertEquals(5.0 / 3, IsolationForest.c(3), 1e-15);
    assertEquals(13.0 / 6, IsolationForest.c(4), 1e-15);
    assertEquals(77.0 / 30, IsolationForest.c(5), 1e-15);
    // c(256) with H(255) from its Euler-Maclaurin series ln n + gamma + 1/2n - 1/12n^2 + 1/120n^4.
    double n = 255;
    double h =
        Math.log(n)
            + 0.5772156649015329
            + 1 / (2 * n)
            - 1 / (12 * n * n)
            + 1 / (120 * n * n * n * n);
    assertEquals(2 * h - 2 * 255.0 / 256, IsolationForest.c(256), 1e-12);
    // The paper's approximation H(i) ~ ln i + gamma is within 1/(2i) of it.
    double paper = 2 * (Math.log(255) + 0.5772156649) - 2 * 255.0 / 256;
    assertEquals(paper, IsolationForest.c(256), 2 / (2 * n));
  }

  @Test
  void plantedOutlierScoresHighWhileInliersStayNearOneHalf() {
    double[][] x = cloudWithOutlier();
    IsolationForest forest = IsolationForest.builder().optSeed(3).fit(x);
    double[] s = forest.scores(x);
    double outlier = s[500];
    double[] inliers = Arrays.copyOf(s, 500);
    double mean = Arrays.stream(inliers).average().orElseThrow();
    double max = Arrays.stream(inliers).max().orElseThrow();
    assertTrue(outlier > 0.6, "outlier score " + outlier);
    assertTrue(outlier > max, "outlier " + outlier + " vs largest inlier " + max);
    assertTrue(mean > 0.35 && mean < 0.55, "mean inlier score " + mean);
    assertEquals(256, forest.subsample());
    assertEquals(100, forest.trees());
  }

  @Test
  void scoreIsTwoToTheMinusMeanPathOverC() {
    double[][] x = cloudWithOutlier();
    IsolationForest forest = IsolationForest.builder().optTrees(10).optSeed(5).fit(x);
    for (double[] row : new double[][] {x[0], x[500], {0, 0}}) {
      double expected = Math.pow(2, -forest.meanPathLength(row) / IsolationForest.c(256));
      assertEquals(expected, forest.score(row), 0.0);
    }
    // The planted outlier is isolated within the height limit ceil(log2 256) = 8 in every tree,
    // so no external-node term c(n) is added to its path.
    assertTrue(forest.meanPathLength(x[500]) <= 8);
  }

  @Test
  void equalRowsAreNeverSplitAndScoreOneHalf() {
    double[][] x = new double[40][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {1.5, -2};
    }
    IsolationForest forest = IsolationForest.builder().optSeed(1).fit(x);
    // Fewer rows than 256: psi = 40; one external node of 40 rows, path c(40), score 2^-1.
    assertEquals(40, forest.subsample());
    assertEquals(IsolationForest.c(40), forest.meanPathLength(x[0]), 1e-12);
    assertEquals(0.5, forest.score(x[0]), 1e-12);
  }

  @Test
  void sameSeedGivesTheSameScoresAndAnotherSeedDoesNot() {
    double[][] x = cloudWithOutlier();
    double[] a = IsolationForest.builder().optSeed(11).fit(x).scores(x);
    double[] b = IsolationForest.builder().optSeed(11).fit(x).scores(x);
    double[] c = IsolationForest.builder().optSeed(12).fit(x).scores(x);
    assertArrayEquals(a, b, 0.0);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void badInputIsRefusedWithRowAndColumn() {
    double[][] x = cloudWithOutlier();
    x[17][1] = Double.NaN;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IsolationForest.builder().fit(x));
    assertTrue(e.getMessage().contains("row 17, column 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IsolationForest.builder().optTrees(0));
    assertThrows(IllegalArgumentException.class, () -> IsolationForest.builder().optSubsample(1));
    IsolationForest forest = IsolationForest.builder().fit(cloudWithOutlier());
    assertThrows(IllegalArgumentException.class, () -> forest.score(new double[3]));
  }
}
