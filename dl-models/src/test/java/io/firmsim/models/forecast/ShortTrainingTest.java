package io.firmsim.models.forecast;

import static io.firmsim.models.forecast.ForecastFixtures.sineWindows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A few hundred Adam steps with an L1 loss on windows of a noiseless sine (period 12, horizon 6,
 * lookback 2H) through DJL's {@link Trainer}: both blocks learn, the L1 loss on the training
 * windows falling by a large factor from its value at initialization; and two trainings from the
 * same seed end with bit-identical weights on the CPU.
 */
class ShortTrainingTest {
  private static final int HORIZON = 6;
  private static final int LOOKBACK = 2 * HORIZON;
  private static final int ROWS = 64;
  private static final int STEPS = 300;

  @Test
  void nbeatsInterpretableLearnsASine() {
    NBeatsBlock block =
        NBeatsBlock.builder()
            .setLookback(LOOKBACK)
            .setHorizon(HORIZON)
            .optStacks(
                StackConfig.builder(StackKind.TREND).optWidth(32).optDegree(2).build(),
                StackConfig.builder(StackKind.SEASONALITY).optWidth(32).build())
            .optSeed(1)
            .build();
    double[] loss = train(block, 1e-3, STEPS, new ArrayList<>());
    assertTrue(loss[1] < loss[0] / 20, "L1 from " + loss[0] + " to " + loss[1]);
  }

  @Test
  void nbeatsGenericLearnsASine() {
    NBeatsBlock block =
        NBeatsBlock.builder()
            .setLookback(LOOKBACK)
            .setHorizon(HORIZON)
            .optStacks(
                java.util.Collections.nCopies(
                    3, StackConfig.builder(StackKind.GENERIC).optWidth(32).build()))
            .optSeed(2)
            .build();
    double[] loss = train(block, 1e-3, STEPS, new ArrayList<>());
    assertTrue(loss[1] < loss[0] / 20, "L1 from " + loss[0] + " to " + loss[1]);
  }

  @Test
  void lstmLearnsASine() {
    LstmForecaster block =
        LstmForecaster.builder()
            .setLookback(LOOKBACK)
            .setHorizon(HORIZON)
            .optHiddenSize(16)
            .optSeed(3)
            .build();
    double[] loss = train(block, 1e-2, STEPS, new ArrayList<>());
    assertTrue(loss[1] < loss[0] / 10, "L1 from " + loss[0] + " to " + loss[1]);
  }

  @Test
  void twoTrainingsWithTheSameSeedGiveIdenticalWeights() {
    java.util.function.LongFunction<Block> nbeats =
        seed ->
            NBeatsBlock.builder()
                .setLookback(LOOKBACK)
                .setHorizon(HORIZON)
                .optStacks(
                    StackConfig.builder(StackKind.GENERIC).optWidth(16).build(),
                    StackConfig.builder(StackKind.SEASONALITY).optWidth(16).build())
                .optSeed(seed)
                .build();
    java.util.function.LongFunction<Block> lstm =
        seed ->
            LstmForecaster.builder()
                .setLookback(LOOKBACK)
                .setHorizon(HORIZON)
                .optHiddenSize(8)
                .optSeed(seed)
                .build();
    for (java.util.function.LongFunction<Block> factory : List.of(nbeats, lstm)) {
      Block a = factory.apply(4);
      Block b = factory.apply(4);
      List<double[]> pa = new ArrayList<>();
      List<double[]> pb = new ArrayList<>();
      train(a, 1e-2, 30, pa);
      train(b, 1e-2, 30, pb);
      assertEquals(pa.size(), pb.size());
      for (int i = 0; i < pa.size(); i++) {
        assertArrayEquals(pa.get(i), pb.get(i), 0.0, a.getClass().getSimpleName() + " " + i);
      }
      // The training moved the weights: the comparison above is not of initial values.
      Block fresh = factory.apply(4);
      try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        fresh.initialize(m, DataType.FLOAT32, new Shape(ROWS, LOOKBACK));
        assertFalse(
            java.util.Arrays.equals(pa.get(0), ForecastFixtures.parameterValues(fresh).get(0)));
      }
    }
  }

  /**
   * Trains on fixed windows; returns {initial L1, final L1} on those windows and adds the trained
   * parameter values to {@code weights}.
   */
  private static double[] train(
      Block block, double learningRate, int steps, List<double[]> weights) {
    double[][][] xy = sineWindows(ROWS, LOOKBACK, HORIZON, 12.0, 42);
    long start = System.nanoTime();
    try (Model model = Model.newInstance("forecaster", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l1Loss())
              .optOptimizer(
                  Adam.builder()
                      .optLearningRateTracker(Tracker.fixed((float) learningRate))
                      .build())
              .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(ROWS, LOOKBACK));
        NDManager m = trainer.getManager();
        NDArray x = m.create(xy[0]).toType(DataType.FLOAT32, false);
        NDArray y = m.create(xy[1]).toType(DataType.FLOAT32, false);
        double first = l1(trainer, x, y);
        for (int step = 0; step < steps; step++) {
          try (NDManager batch = m.newSubManager();
              GradientCollector gc = trainer.newGradientCollector()) {
            NDArray bx = x.duplicate();
            bx.attach(batch);
            NDList pred = trainer.forward(new NDList(bx));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
            gc.backward(loss);
            pred.attach(batch);
            loss.attach(batch);
          }
          trainer.step();
        }
        double last = l1(trainer, x, y);
        weights.addAll(ForecastFixtures.parameterValues(block));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%s: L1 %.5f -> %.5f in %d steps, %.2f s%n",
            block.getClass().getSimpleName(), first, last, steps, seconds);
        return new double[] {first, last};
      }
    }
  }

  private static double l1(Trainer trainer, NDArray x, NDArray y) {
    try (NDManager scoped = trainer.getManager().newSubManager()) {
      NDArray pred = trainer.evaluate(new NDList(x)).head();
      pred.attach(scoped);
      NDArray diff = pred.sub(y).abs().mean();
      diff.attach(scoped);
      return diff.getFloat();
    }
  }
}
