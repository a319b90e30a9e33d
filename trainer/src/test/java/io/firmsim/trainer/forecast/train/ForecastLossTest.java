package io.firmsim.trainer.forecast.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.firmsim.trainer.forecast.eval.ForecastMetrics;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The three losses against hand computations on a 2 x 2 example, sMAPE and MASE against {@link
 * ForecastMetrics} (a second, host-side implementation) on random batches, and a finite sMAPE
 * gradient where a term is 0/0.
 */
class ForecastLossTest {
  private static final double[][] Y = {{1, 2}, {0, 4}};
  private static final double[][] F = {{2, 2}, {0, 2}};

  @Test
  void smapeByHand() {
    // terms |1-2|/3, 0/4, 0/0 -> 0, |4-2|/6: 200 * (1/3 + 1/3) / 4 = 33.33..
    assertEquals(200.0 / 6, loss(LossKind.SMAPE, Y, F, new double[] {1, 1}), 1e-12);
  }

  @Test
  void maeByHand() {
    // errors 1, 0, 0, 2
    assertEquals(0.75, loss(LossKind.MAE, Y, F, new double[] {1, 1}), 1e-12);
  }

  @Test
  void mapeByHand() {
    // terms |1-2|/1, 0/2, y = 0 -> 0, |4-2|/4: 100 * (1 + 0.5) / 4 = 37.5
    assertEquals(37.5, loss(LossKind.MAPE, Y, F, new double[] {1, 1}), 1e-12);
  }

  @Test
  void maseByHand() {
    // row MAEs 0.5 and 1.0 over scales 0.25 and 2: (2 + 0.5) / 2
    assertEquals(1.25, loss(LossKind.MASE, Y, F, new double[] {0.25, 2}), 1e-12);
  }

  @Test
  void agreesWithForecastMetrics() {
    SplittableRandom r = new SplittableRandom(5);
    int rows = 7;
    int h = 5;
    double[][] y = new double[rows][h];
    double[][] f = new double[rows][h];
    double[][] train = new double[rows][20];
    double[] scale = new double[rows];
    double smape = 0;
    double mase = 0;
    double mape = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 20; j++) {
        train[i][j] = r.nextDouble(-3, 10);
      }
      for (int j = 0; j < h; j++) {
        y[i][j] = r.nextDouble(-3, 10);
        f[i][j] = r.nextDouble(-3, 10);
      }
      scale[i] = ForecastMetrics.maseScale(train[i], 4);
      smape += ForecastMetrics.smapeM4(y[i], f[i]) / rows;
      mase += ForecastMetrics.mase(train[i], 4, y[i], f[i]) / rows;
      mape += ForecastMetrics.mape(y[i], f[i]) / rows;
    }
    assertEquals(smape, loss(LossKind.SMAPE, y, f, scale), 1e-10);
    assertEquals(mase, loss(LossKind.MASE, y, f, scale), 1e-10);
    assertEquals(mape, loss(LossKind.MAPE, y, f, scale), 1e-10);
  }

  @Test
  void smapeGradientIsFiniteAtZeroOverZero() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray f = m.create(F);
      f.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray l =
            new ForecastLoss(LossKind.SMAPE)
                .evaluate(
                    new NDList(m.create(Y), m.ones(new ai.djl.ndarray.types.Shape(2))),
                    new NDList(f));
        gc.backward(l);
      }
      for (double g : f.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()) {
        assertTrue(Double.isFinite(g), "gradient " + g);
      }
    }
  }

  @Test
  void refusesShapeMismatchAndUnknownNames() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new ForecastLoss(LossKind.MAE)
                      .evaluate(
                          new NDList(m.create(Y)), new NDList(m.create(new double[][] {{1, 2}}))));
      assertTrue(e.getMessage().contains("differ in shape"), e.getMessage());
    }
    assertEquals(LossKind.MASE, LossKind.parse(" Mase"));
    assertThrows(IllegalArgumentException.class, () -> LossKind.parse("mse"));
  }

  private static double loss(LossKind kind, double[][] y, double[][] f, double[] scale) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      return new ForecastLoss(kind)
          .evaluate(new NDList(m.create(y), m.create(scale)), new NDList(m.create(f)))
          .getDouble();
    }
  }
}
