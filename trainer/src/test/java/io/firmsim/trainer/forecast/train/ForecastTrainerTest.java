package io.firmsim.trainer.forecast.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.trainer.forecast.eval.ForecastMetrics;
import io.firmsim.trainer.forecast.series.NamedSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on generated sines with trend (period 12, horizon 6, lookback 12): determinism, early
 * stopping with the best parameters kept and checkpointed, learning (loss falls by a large factor,
 * the forecaster beats seasonal naive on unseen series) and refusals.
 */
class ForecastTrainerTest {
  static final int H = 6;
  static final int PERIOD = 12;

  /** Series {@code level + slope t + amp sin(2 pi t / 12 + phase)} (+ noise), lengths 30 to 49. */
  static List<NamedSeries> sines(int count, long seed, double noise) {
    SplittableRandom r = new SplittableRandom(seed);
    List<NamedSeries> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = 30 + r.nextInt(20);
      double level = r.nextDouble(5, 15);
      double slope = r.nextDouble(-0.1, 0.2);
      double amp = r.nextDouble(1, 3);
      double phase = r.nextDouble(0, 2 * Math.PI);
      double[] v = new double[n];
      for (int t = 0; t < n; t++) {
        v[t] =
            level
                + slope * t
                + amp * Math.sin(2 * Math.PI * t / PERIOD + phase)
                + noise * (r.nextDouble() - 0.5);
      }
      out.add(new NamedSeries("S" + i, v));
    }
    return out;
  }

  static NBeatsBlock nbeats(long seed) {
    return NBeatsBlock.builder()
        .setLookback(2 * H)
        .setHorizon(H)
        .optStacks(
            StackConfig.builder(StackKind.GENERIC).optWidth(32).optBlocks(1).build(),
            StackConfig.builder(StackKind.GENERIC).optWidth(32).optBlocks(1).build())
        .optSeed(seed)
        .build();
  }

  static TrainingSettings.Builder settings() {
    return TrainingSettings.builder()
        .setHorizon(H)
        .optLookbackMultiple(2)
        .optHistoryLimit(3)
        .optBatchSize(32)
        .optValidationEvery(10)
        .optSeed(7);
  }

  @Test
  void sameSeedGivesBitIdenticalWeights() {
    List<NamedSeries> series = sines(24, 1, 0.2);
    TrainingSettings s = settings().optSteps(40).optLearningRate(1e-2).build();
    for (Supplier<Block> factory :
        List.<Supplier<Block>>of(
            () -> nbeats(3),
            () ->
                LstmForecaster.builder()
                    .setLookback(2 * H)
                    .setHorizon(H)
                    .optHiddenSize(8)
                    .optSeed(3)
                    .build())) {
      List<double[]> a = trainedWeights(factory.get(), s, series);
      List<double[]> b = trainedWeights(factory.get(), s, series);
      List<double[]> otherSeed =
          trainedWeights(
              factory.get(),
              settings().optSteps(40).optLearningRate(1e-2).optSeed(8).build(),
              series);
      assertEquals(a.size(), b.size());
      boolean differs = false;
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i), 0.0, "parameter " + i);
        differs |= !java.util.Arrays.equals(a.get(i), otherSeed.get(i));
      }
      // The sampling seed matters: another seed draws other windows and ends elsewhere.
      assertTrue(differs, "a different sampling seed gave the same weights");
    }
  }

  @Test
  void zeroLearningRateStopsAfterPatienceAndKeepsInitialParameters() {
    List<NamedSeries> series = sines(12, 2, 0.0);
    TrainingSettings s =
        settings()
            .optSteps(1000)
            .optLearningRate(0)
            .optValidationEvery(5)
            .optEarlyStoppingPatience(2)
            .build();
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(4));
      List<Double> stepLosses = new ArrayList<>();
      List<TrainingResult.ValidationCheck> seen = new ArrayList<>();
      TrainingResult r =
          new ForecastTrainer(s)
              .train(
                  model,
                  series,
                  new TrainingListener() {
                    @Override
                    public void onStep(int step, int steps, double loss) {
                      assertEquals(stepLosses.size() + 1, step);
                      assertEquals(1000, steps);
                      stepLosses.add(loss);
                    }

                    @Override
                    public void onValidation(TrainingResult.ValidationCheck check) {
                      seen.add(check);
                    }
                  });
      // the listener saw every step's loss and every check, in order
      assertEquals(r.trainingLoss(), stepLosses);
      assertEquals(r.validation(), seen);
      assertTrue(r.stoppedEarly());
      // checks at 0 (the baseline), 5 and 10: two without improvement
      assertEquals(10, r.stepsRun());
      assertEquals(10, r.trainingLoss().size());
      assertEquals(3, r.validation().size());
      assertEquals(0, r.bestStep());
      assertEquals(r.validation().get(0).loss(), r.validation().get(2).loss());
    }
  }

  @Test
  void earlyStoppingOnNoiseKeepsTheBestCheckpoint(@TempDir Path dir) throws Exception {
    // Held-out horizon of pure noise: the validation loss stops improving while training goes on.
    List<NamedSeries> series = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(9);
    for (NamedSeries s : sines(16, 3, 0.0)) {
      double[] v = s.values();
      for (int t = v.length - H; t < v.length; t++) {
        v[t] = r.nextDouble(0, 30);
      }
      series.add(new NamedSeries(s.id(), v));
    }
    TrainingSettings s =
        settings()
            .optSteps(2000)
            .optLearningRate(1e-2)
            .optValidationEvery(10)
            .optEarlyStoppingPatience(3)
            .optCheckpointDir(dir)
            .build();
    ForecastTrainer trainer = new ForecastTrainer(s);
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(5));
      TrainingResult res = trainer.train(model, series);
      System.out.println("noise validation: " + res.validation());
      assertTrue(res.stoppedEarly());
      assertTrue(res.stepsRun() < 2000);
      double min =
          res.validation().stream()
              .mapToDouble(TrainingResult.ValidationCheck::loss)
              .min()
              .orElseThrow();
      assertEquals(min, res.bestValidationLoss());
      List<TrainingResult.ValidationCheck> checks = res.validation();
      assertEquals(res.bestStep() + 3 * 10, res.stepsRun());
      // the last parameters were worse than the best ones: restoring is not a no-op
      assertTrue(checks.get(checks.size() - 1).loss() > res.bestValidationLoss());
      assertEquals(res.bestValidationLoss(), trainer.validationLoss(model.getBlock(), series));
      // the checkpoint file holds the same parameters
      Path file = res.checkpoint().orElseThrow();
      assertEquals(dir.resolve(ForecastTrainer.CHECKPOINT_FILE), file);
      assertTrue(Files.size(file) > 0);
      try (Model fresh = Model.newInstance("g", Device.cpu(), "PyTorch")) {
        NBeatsBlock b = nbeats(99);
        fresh.setBlock(b);
        b.initialize(fresh.getNDManager(), DataType.FLOAT32, new Shape(1, 2 * H));
        assertFalse(trainer.validationLoss(b, series) == res.bestValidationLoss());
        ForecastTrainer.loadCheckpoint(b, fresh.getNDManager(), file);
        assertEquals(res.bestValidationLoss(), trainer.validationLoss(b, series));
      }
    }
  }

  @Test
  void learnsSinesAndBeatsSeasonalNaive() {
    List<NamedSeries> train = sines(40, 11, 0.0);
    TrainingSettings s =
        settings()
            .optSteps(400)
            .optLearningRate(1e-3)
            .optValidationEvery(50)
            .optScaling(WindowScaling.MAX)
            .optLoss(LossKind.MAE)
            .build();
    long start = System.nanoTime();
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(6));
      TrainingResult r = new ForecastTrainer(s).train(model, train);
      double first = mean(r.trainingLoss().subList(0, 10));
      double last = mean(r.trainingLoss().subList(r.stepsRun() - 10, r.stepsRun()));
      BlockForecaster f = new BlockForecaster(model.getBlock(), 2 * H, H, WindowScaling.MAX);
      double ours = 0;
      double naive = 0;
      List<NamedSeries> unseen = sines(30, 12, 0.0);
      for (NamedSeries u : unseen) {
        double[] v = u.values();
        double[] hist = java.util.Arrays.copyOf(v, v.length - H);
        double[] actual = java.util.Arrays.copyOfRange(v, v.length - H, v.length);
        double[] sn = new double[H];
        for (int j = 0; j < H; j++) {
          sn[j] = hist[hist.length - PERIOD + j];
        }
        ours += ForecastMetrics.smapeM4(actual, f.forecast(hist)) / unseen.size();
        naive += ForecastMetrics.smapeM4(actual, sn) / unseen.size();
      }
      System.out.printf(
          "MAE train loss %.3f -> %.3f; held-out sMAPE model %.3f, seasonal naive %.3f;"
              + " validation %s; %.1f s%n",
          first, last, ours, naive, r.validation(), (System.nanoTime() - start) / 1e9);
      assertTrue(last < first / 10, "training MAE from " + first + " to " + last);
      assertTrue(ours < naive, "model " + ours + " vs seasonal naive " + naive);
    }
  }

  @Test
  void shortSeriesTrainWithoutValidationAndNoHoldOutKeepsTheLastStep(@TempDir Path dir)
      throws Exception {
    List<NamedSeries> series = new ArrayList<>(sines(8, 5, 0.1));
    double[] shortValues = java.util.Arrays.copyOf(series.get(0).values(), 10);
    series.add(new NamedSeries("SHORT", shortValues));
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(6));
      TrainingSettings s = settings().optSteps(20).optLearningRate(1e-2).build();
      TrainingResult r = new ForecastTrainer(s).train(model, series);
      // the validation covers the 8 long series only: the same loss as on them alone
      assertEquals(
          r.validation().get(r.validation().size() - 1).loss(),
          new ForecastTrainer(s).validationLoss(model.getBlock(), series.subList(0, 8)),
          0.0);
    }
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(6));
      TrainingSettings s =
          settings()
              .optSteps(15)
              .optLearningRate(1e-2)
              .optHoldOut(false)
              .optCheckpointDir(dir)
              .build();
      TrainingResult r = new ForecastTrainer(s).train(model, series);
      assertTrue(r.validation().isEmpty());
      assertEquals(15, r.stepsRun());
      assertEquals(15, r.bestStep());
      assertFalse(r.stoppedEarly());
      // the checkpoint holds the parameters after the last step
      List<double[]> trained = weights(model.getBlock());
      try (Model other = Model.newInstance("g", Device.cpu(), "PyTorch")) {
        NBeatsBlock fresh = nbeats(99);
        other.setBlock(fresh);
        fresh.initialize(other.getNDManager(), DataType.FLOAT32, new Shape(1, 2 * H));
        ForecastTrainer.loadCheckpoint(fresh, other.getNDManager(), r.checkpoint().orElseThrow());
        List<double[]> loaded = weights(fresh);
        for (int i = 0; i < trained.size(); i++) {
          assertArrayEquals(trained.get(i), loaded.get(i), 0.0);
        }
      }
    }
  }

  @Test
  void refusals() {
    TrainingSettings s = settings().optSteps(1).build();
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(1));
      List<NamedSeries> shortOne =
          List.of(sines(1, 1, 0).get(0), new NamedSeries("TOO_SHORT", new double[6]));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new ForecastTrainer(s).train(model, shortOne));
      assertTrue(
          e.getMessage().contains("TOO_SHORT") && e.getMessage().contains("at least 7"),
          e.getMessage());
      // 12 values train (H + 1 = 7) but cannot give up H for validation; with no series that
      // can, the hold-out is impossible
      List<NamedSeries> allShort = List.of(new NamedSeries("SHORT", new double[12]));
      e =
          assertThrows(
              IllegalArgumentException.class, () -> new ForecastTrainer(s).train(model, allShort));
      assertTrue(e.getMessage().contains("13"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> settings().optHoldOut(false).optEarlyStoppingPatience(2).build());
      List<NamedSeries> flat = List.of(new NamedSeries("FLAT", new double[20]));
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new ForecastTrainer(settings().optSteps(1).optLoss(LossKind.MASE).build())
                      .train(model, flat));
      assertTrue(
          e.getMessage().contains("FLAT") && e.getMessage().contains("MASE"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new ForecastTrainer(settings().optSteps(1).optLookbackMultiple(3).build())
                      .train(model, sines(3, 1, 0)));
      assertTrue(e.getMessage().contains("lookback 12"), e.getMessage());
    }
  }

  @Test
  void anInterruptedThreadStopsBeforeTheNextStepKeepingTheFlag() {
    int[] steps = {0};
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(nbeats(1));
      Thread.currentThread().interrupt();
      try {
        assertThrows(
            java.util.concurrent.CancellationException.class,
            () ->
                new ForecastTrainer(settings().optSteps(5).build())
                    .train(
                        model,
                        sines(3, 1, 0),
                        new TrainingListener() {
                          @Override
                          public void onStep(int step, int max, double loss) {
                            steps[0] = step;
                          }
                        }));
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag stays set");
      } finally {
        Thread.interrupted();
      }
      assertEquals(0, steps[0]);
    }
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static List<double[]> weights(Block block) {
    List<double[]> values = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      values.add(p.getValue().getArray().toType(DataType.FLOAT64, false).toDoubleArray());
    }
    return values;
  }

  private static List<double[]> trainedWeights(
      Block block, TrainingSettings s, List<NamedSeries> series) {
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      new ForecastTrainer(s).train(model, series);
      List<double[]> values = new ArrayList<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        values.add(p.getValue().getArray().toType(DataType.FLOAT64, false).toDoubleArray());
      }
      return values;
    }
  }
}
