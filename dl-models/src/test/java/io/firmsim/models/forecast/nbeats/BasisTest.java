package io.firmsim.models.forecast.nbeats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The fixed bases against the paper's formulas written out by hand (eq. 2 and 3), and the bases the
 * block computes with against the same.
 */
class BasisTest {

  @Test
  void trendBasisIsPowersOfTheGridFromZeroToHMinusOneOverH() {
    // H = 4, degree 2: t = 0, 1/4, 2/4, 3/4; rows 1, t, t^2.
    double[][] expected = {
      {1, 1, 1, 1},
      {0, 0.25, 0.5, 0.75},
      {0, 0.0625, 0.25, 0.5625},
    };
    double[][] got = Basis.trend(2, 4);
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], got[i], 1e-15, "row " + i);
    }
  }

  @Test
  void trendBasisMatchesMathPowForOtherSizes() {
    for (int n : new int[] {1, 3, 7, 12}) {
      for (int p = 0; p <= 4; p++) {
        double[][] got = Basis.trend(p, n);
        assertEquals(p + 1, got.length);
        for (int i = 0; i <= p; i++) {
          for (int j = 0; j < n; j++) {
            assertEquals(Math.pow(j / (double) n, i), got[i][j], 1e-15, "p=" + p + " n=" + n);
          }
        }
      }
    }
  }

  @Test
  void harmonicsAreFloorOfHalfTheHorizonLessOne() {
    for (int h = 2; h <= 20; h++) {
      assertEquals((int) Math.floor(h / 2.0 - 1), Basis.harmonics(h), "H=" + h);
    }
    assertEquals(2, Basis.harmonics(6));
    assertEquals(2, Basis.harmonics(7));
    assertEquals(8, Basis.harmonics(18));
    assertThrows(IllegalArgumentException.class, () -> Basis.harmonics(1));
  }

  @Test
  void seasonalityBasisIsCosinesThenSinesOnTheGrid() {
    // H = 6: P = 2; t = j/6; rows 1, cos(2 pi t), cos(4 pi t), sin(2 pi t), sin(4 pi t).
    double[][] got = Basis.seasonality(2, 6);
    assertEquals(5, got.length);
    double h = Math.sqrt(3) / 2;
    double[][] expected = {
      {1, 1, 1, 1, 1, 1},
      {1, 0.5, -0.5, -1, -0.5, 0.5},
      {1, -0.5, -0.5, 1, -0.5, -0.5},
      {0, h, h, 0, -h, -h},
      {0, h, -h, 0, h, -h},
    };
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], got[i], 1e-15, "row " + i);
    }
  }

  @Test
  void blockUsesTheTrendAndSeasonalityBasesOnItsLookbackAndHorizonGrids() {
    int lookback = 10;
    int horizon = 5;
    NBeatsBlock block =
        NBeatsBlock.builder()
            .setLookback(lookback)
            .setHorizon(horizon)
            .optStacks(
                StackConfig.builder(StackKind.TREND).optWidth(4).optDegree(2).build(),
                StackConfig.builder(StackKind.SEASONALITY).optWidth(4).build())
            .build();
    double[][] trendF = block.forecastBasis(0);
    double[][] trendB = block.backcastBasis(0);
    double[][] seasF = block.forecastBasis(1);
    double[][] seasB = block.backcastBasis(1);
    for (int i = 0; i <= 2; i++) {
      for (int j = 0; j < horizon; j++) {
        assertEquals(Math.pow(j / 5.0, i), trendF[i][j], 1e-15);
      }
      for (int j = 0; j < lookback; j++) {
        assertEquals(Math.pow(j / 10.0, i), trendB[i][j], 1e-15);
      }
    }
    // H = 5: P = floor(1.5) = 1: rows 1, cos(2 pi t), sin(2 pi t).
    assertEquals(3, seasF.length);
    assertEquals(3, seasB.length);
    for (int j = 0; j < horizon; j++) {
      double t = j / 5.0;
      assertArrayEquals(
          new double[] {1, Math.cos(2 * Math.PI * t), Math.sin(2 * Math.PI * t)},
          new double[] {seasF[0][j], seasF[1][j], seasF[2][j]},
          1e-15);
    }
    for (int j = 0; j < lookback; j++) {
      double t = j / 10.0;
      assertArrayEquals(
          new double[] {1, Math.cos(2 * Math.PI * t), Math.sin(2 * Math.PI * t)},
          new double[] {seasB[0][j], seasB[1][j], seasB[2][j]},
          1e-15);
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NBeatsBlock.builder()
                    .setLookback(4)
                    .setHorizon(2)
                    .optStacks(StackConfig.builder(StackKind.GENERIC).optWidth(3).build())
                    .build()
                    .forecastBasis(0));
    assertEquals("stack 0 is generic: it has no fixed basis", e.getMessage());
  }
}
