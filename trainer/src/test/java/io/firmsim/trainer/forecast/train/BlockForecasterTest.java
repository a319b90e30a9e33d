package io.firmsim.trainer.forecast.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import org.junit.jupiter.api.Test;

/** Zero padding, the scales, scale equivariance of a scaled forecaster, and shape refusals. */
class BlockForecasterTest {
  @Test
  void shortSeriesArePaddedWithZerosOnTheLeft() {
    assertArrayEquals(
        new double[] {0, 0, 1, 2, 3}, BlockForecaster.window(new double[] {1, 2, 3}, 3, 5));
    assertArrayEquals(new double[] {2, 3}, BlockForecaster.window(new double[] {1, 2, 3, 4}, 3, 2));
  }

  @Test
  void scales() {
    double[] x = {0, -4, 2, -3};
    assertEquals(1.0, WindowScaling.NONE.scale(x));
    assertEquals(3.0, WindowScaling.LAST.scale(x));
    assertEquals(4.0, WindowScaling.MAX.scale(x));
    assertEquals(1.0, WindowScaling.LAST.scale(new double[] {5, 0}));
    assertEquals(1.0, WindowScaling.MAX.scale(new double[] {0, 0}));
  }

  @Test
  void scaledForecastsAreScaleEquivariantAndPaddedInputIsUsed() {
    NBeatsBlock block = ForecastTrainerTest.nbeats(2);
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 12));
      BlockForecaster f = new BlockForecaster(block, 12, 6, WindowScaling.MAX);
      double[] h = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7};
      double[] h4 = new double[h.length];
      for (int i = 0; i < h.length; i++) {
        h4[i] = 4 * h[i];
      }
      double[] a = f.forecast(h);
      double[] b = f.forecast(h4);
      assertEquals(6, a.length);
      for (int j = 0; j < 6; j++) {
        assertEquals(4 * a[j], b[j], 1e-12 * Math.abs(b[j]) + 1e-12);
      }
      // a 5-point series is the 12-point window with 7 leading zeros
      double[] shortOne = {1, 2, 3, 4, 5};
      double[] padded = {0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5};
      assertArrayEquals(f.forecast(padded), f.forecast(shortOne), 1e-6);
      // the batched call equals the single ones
      double[][] both = f.forecast(java.util.List.of(h, shortOne));
      assertArrayEquals(a, both[0], 1e-5); // float32 batched matmuls differ in the last bits
      assertArrayEquals(f.forecast(shortOne), both[1], 1e-6);
      assertThrows(
          IllegalArgumentException.class,
          () -> new BlockForecaster(block, 12, 5, WindowScaling.NONE));
    }
  }
}
