package io.firmsim.trainer.forecast.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
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
import ai.djl.training.optimizer.Adam;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.trainer.forecast.eval.ForecastMetrics;
import io.firmsim.trainer.forecast.series.NamedSeries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Trains a forecasting block (an {@link NBeatsBlock}, an {@link LstmForecaster} or any block
 * mapping (B, lookback) to (B, H)) on a set of series, as the N-BEATS paper does:
 *
 * <ol>
 *   <li>the last H points of each series with at least 2H + 1 values are held out for validation;
 *       the rest is its training part; shorter series (at least H + 1 values) train whole and are
 *       not validated; without the hold-out ({@link TrainingSettings#holdOut()} false) every series
 *       trains whole, nothing is validated and the parameters after the last step are kept;
 *   <li>each step draws {@code batchSize} windows from a {@link SplittableRandom} seeded with the
 *       settings' seed: a series uniformly, then a cut point c uniformly among those whose target
 *       {@code c .. c+H-1} ends inside the training part's last {@code ceil(L_H * H)} points (and c
 *       at least 1); the input is the {@code lookback} points before c, zero-padded on the left
 *       where the series is shorter (see {@link BlockForecaster});
 *   <li>windows are scaled ({@link WindowScaling}); the loss ({@link ForecastLoss}) is minimized
 *       with Adam, gradients clipped element-wise;
 *   <li>the validation loss (float64, all series, input = the lookback points before the held-out
 *       part) is measured before training and every K steps; the best parameters are kept in memory
 *       and, with a checkpoint folder, written there with the block's own save format ({@code
 *       Block.saveParameters}) as {@code best.params}; after {@code patience} checks without a
 *       strict improvement training stops; the block ends with the best parameters.
 * </ol>
 *
 * <p>On the CPU the run is deterministic: two runs with the same seed and block seed give
 * bit-identical weights. Several trainers may run on parallel threads (their forward and backward
 * passes take turns: DJL's PyTorch engine allows one gradient collector per process at a time).
 */
public final class ForecastTrainer {
  /** The checkpoint file name inside the checkpoint folder. */
  public static final String CHECKPOINT_FILE = "best.params";

  /**
   * Held during each forward and backward pass: DJL's PyTorch engine refuses a second gradient
   * collector while one is open in the process ({@code PtGradientCollector}), so trainings on
   * parallel threads (ensemble members) take turns there; sampling, optimizer steps and validation
   * run concurrently. Each training's arithmetic is unchanged, so results stay deterministic.
   * Public so that every trainer of the process (the embedding trainer too) takes turns on the same
   * lock.
   */
  public static final Object GRADIENT_LOCK = new Object();

  private final TrainingSettings settings;

  /** A trainer with these settings. */
  public ForecastTrainer(TrainingSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The settings. */
  public TrainingSettings settings() {
    return settings;
  }

  /**
   * Trains {@code model}'s block on {@code series}. The caller owns (and closes) the model; the
   * block is initialized here in float32 if it is not yet.
   *
   * @throws IllegalArgumentException for a series too short, a MASE scale of 0, or a block whose
   *     lookback/horizon differ from the settings'
   * @throws CancellationException when the thread is interrupted (checked before every step; the
   *     interrupt flag stays set)
   */
  public TrainingResult train(Model model, List<NamedSeries> series) {
    return train(model, series, TrainingListener.NONE);
  }

  /**
   * Trains as {@link #train(Model, List)} and reports every step and validation check to {@code
   * listener} (a progress bar, a log), on the training thread.
   */
  public TrainingResult train(Model model, List<NamedSeries> series, TrainingListener listener) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(listener, "listener");
    Block block = Objects.requireNonNull(model.getBlock(), "the model has no block");
    Data data = prepare(series);
    int lookback = settings.lookback();
    int horizon = settings.horizon();
    checkBlockShape(block, lookback, horizon);
    Adam.Builder adam =
        Adam.builder()
            .optLearningRateTracker(
                settings.learningRateSchedule().tracker(settings.learningRate(), settings.steps()));
    if (settings.clipGradient() > 0) {
      adam.optClipGrad((float) settings.clipGradient());
    }
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(new ForecastLoss(settings.loss()))
            .optOptimizer(adam.build())
            .optDevices(new Device[] {settings.device()});
    SplittableRandom random = new SplittableRandom(settings.seed());
    List<Double> curve = new ArrayList<>();
    List<TrainingResult.ValidationCheck> checks = new ArrayList<>();
    int batch = settings.batchSize();
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(new Shape(batch, lookback));
      boolean validate = settings.holdOut();
      double best = Double.NaN;
      byte[] bestParams = null;
      Optional<Path> checkpoint = Optional.empty();
      if (validate) {
        best = validationLoss(block, data);
        checks.add(new TrainingResult.ValidationCheck(0, best));
        listener.onValidation(checks.get(0));
        bestParams = saveParameters(block);
        checkpoint = writeCheckpoint(bestParams);
      }
      int bestStep = 0;
      int sinceBest = 0;
      boolean stoppedEarly = false;
      int step = 0;
      NDManager root = trainer.getManager();
      while (step < settings.steps()) {
        if (Thread.currentThread().isInterrupted()) {
          // The flag stays set for the caller (an orchestrator task reports itself cancelled).
          throw new CancellationException("training interrupted after step " + step);
        }
        double[][][] xys = sample(data, random, batch);
        try (NDManager scoped = root.newSubManager()) {
          NDArray x = scoped.create(xys[0]).toType(DataType.FLOAT32, false);
          NDArray y = scoped.create(xys[1]).toType(DataType.FLOAT32, false);
          NDArray scale = scoped.create(xys[2][0]).toType(DataType.FLOAT32, false);
          double value;
          // DJL's PyTorch engine allows one gradient collector per process at a time; members
          // trained on parallel threads take turns for the forward and backward pass.
          synchronized (GRADIENT_LOCK) {
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDList pred = trainer.forward(new NDList(x));
              pred.attach(scoped);
              NDArray loss = trainer.getLoss().evaluate(new NDList(y, scale), pred);
              loss.attach(scoped);
              gc.backward(loss);
              value = loss.getFloat();
            }
          }
          curve.add(value);
          listener.onStep(step + 1, settings.steps(), value);
          trainer.step();
        }
        step++;
        if (validate && (step % settings.validationEvery() == 0 || step == settings.steps())) {
          double v = validationLoss(block, data);
          TrainingResult.ValidationCheck check = new TrainingResult.ValidationCheck(step, v);
          checks.add(check);
          listener.onValidation(check);
          if (v < best) {
            best = v;
            bestStep = step;
            bestParams = saveParameters(block);
            checkpoint = writeCheckpoint(bestParams);
            sinceBest = 0;
          } else {
            sinceBest++;
            if (settings.earlyStoppingPatience() > 0
                && sinceBest >= settings.earlyStoppingPatience()
                && step < settings.steps()) {
              stoppedEarly = true;
              break;
            }
          }
        }
      }
      if (validate) {
        loadParameters(block, model.getNDManager(), bestParams);
      } else {
        bestStep = step;
        checkpoint = writeCheckpoint(saveParameters(block));
      }
      return new TrainingResult(step, curve, checks, best, bestStep, stoppedEarly, checkpoint);
    }
  }

  /**
   * The validation loss of {@code block} on {@code series} with these settings: each series' last H
   * points predicted from the lookback points before them, in float64.
   */
  public double validationLoss(Block block, List<NamedSeries> series) {
    return validationLoss(block, prepare(series));
  }

  /**
   * Loads parameters saved by a training's checkpoint into {@code block} (initialized, with the
   * same architecture).
   */
  public static void loadCheckpoint(Block block, NDManager manager, Path file) throws IOException {
    loadParameters(block, manager, Files.readAllBytes(file));
  }

  /** Refuses a known forecasting block whose lookback or horizon differ from the expected ones. */
  static void checkBlockShape(Block block, int lookback, int horizon) {
    int bl;
    int bh;
    if (block instanceof NBeatsBlock n) {
      bl = n.lookback();
      bh = n.horizon();
    } else if (block instanceof LstmForecaster l) {
      bl = l.lookback();
      bh = l.horizon();
    } else {
      return;
    }
    if (bl != lookback || bh != horizon) {
      throw new IllegalArgumentException(
          "the block has lookback "
              + bl
              + " and horizon "
              + bh
              + ", the settings ask for "
              + lookback
              + " and "
              + horizon);
    }
  }

  private double validationLoss(Block block, Data data) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < data.train.size(); i++) {
      if (data.heldOut.get(i) != null) {
        rows.add(i);
      }
    }
    int n = rows.size();
    int lookback = settings.lookback();
    double[][] x = new double[n][];
    double[][] y = new double[n][];
    double[] scale = new double[n];
    for (int r = 0; r < n; r++) {
      int i = rows.get(r);
      double[] t = data.train.get(i);
      x[r] = BlockForecaster.window(t, t.length, lookback);
      double s = settings.scaling().scale(x[r]);
      y[r] = data.heldOut.get(i).clone();
      for (int j = 0; j < lookback; j++) {
        x[r][j] /= s;
      }
      for (int j = 0; j < y[r].length; j++) {
        y[r][j] /= s;
      }
      scale[r] = data.maseScale[i] / s;
    }
    double[][] f = BlockForecaster.predictScaled(block, x);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray loss =
          new ForecastLoss(settings.loss())
              .evaluate(new NDList(m.create(y), m.create(scale)), new NDList(m.create(f)));
      return loss.getDouble();
    }
  }

  /** {x (B, L), y (B, H), {scale (B)}} for one batch. */
  private double[][][] sample(Data data, SplittableRandom random, int batch) {
    int lookback = settings.lookback();
    int horizon = settings.horizon();
    int limit = settings.historyPoints();
    double[][] x = new double[batch][];
    double[][] y = new double[batch][horizon];
    double[] scale = new double[batch];
    for (int b = 0; b < batch; b++) {
      int i = random.nextInt(data.train.size());
      double[] t = data.train.get(i);
      int hi = t.length - horizon;
      int lo = Math.max(1, t.length - horizon - limit + 1);
      int c = random.nextInt(lo, hi + 1);
      x[b] = BlockForecaster.window(t, c, lookback);
      double s = settings.scaling().scale(x[b]);
      for (int j = 0; j < lookback; j++) {
        x[b][j] /= s;
      }
      for (int j = 0; j < horizon; j++) {
        y[b][j] = t[c + j] / s;
      }
      scale[b] = data.maseScale[i] / s;
    }
    return new double[][][] {x, y, {scale}};
  }

  private Data prepare(List<NamedSeries> series) {
    Objects.requireNonNull(series, "series");
    if (series.isEmpty()) {
      throw new IllegalArgumentException("no series to train on");
    }
    int h = settings.horizon();
    List<double[]> train = new ArrayList<>();
    List<double[]> heldOut = new ArrayList<>();
    double[] mase = new double[series.size()];
    for (int i = 0; i < series.size(); i++) {
      NamedSeries s = series.get(i);
      if (s.length() < h + 1) {
        throw new IllegalArgumentException(
            "series "
                + s.id()
                + " has "
                + s.length()
                + " values; training with horizon "
                + h
                + " needs at least "
                + (h + 1));
      }
      double[] v = s.values();
      double[] t;
      if (settings.holdOut() && v.length >= 2 * h + 1) {
        t = java.util.Arrays.copyOf(v, v.length - h);
        heldOut.add(java.util.Arrays.copyOfRange(v, v.length - h, v.length));
      } else {
        // too short to give up H points (or no hold-out): trains whole, not validated
        t = v;
        heldOut.add(null);
      }
      train.add(t);
      if (settings.loss() == LossKind.MASE) {
        if (t.length <= settings.seasonalPeriod()) {
          throw new IllegalArgumentException(
              "series "
                  + s.id()
                  + ": the MASE scale needs more than "
                  + settings.seasonalPeriod()
                  + " training values, found "
                  + t.length);
        }
        mase[i] = ForecastMetrics.maseScale(t, settings.seasonalPeriod());
        if (!(mase[i] > 0)) {
          throw new IllegalArgumentException(
              "series " + s.id() + ": the MASE scale is 0 (a seasonally constant training part)");
        }
      } else {
        mase[i] = 1.0;
      }
    }
    if (settings.holdOut() && heldOut.stream().allMatch(Objects::isNull)) {
      throw new IllegalArgumentException(
          "no series has the "
              + (2 * h + 1)
              + " values a validation hold-out of H = "
              + h
              + " needs (H + 1 to train)");
    }
    return new Data(train, heldOut, mase);
  }

  private Optional<Path> writeCheckpoint(byte[] params) {
    if (settings.checkpointDir().isEmpty()) {
      return Optional.empty();
    }
    Path dir = settings.checkpointDir().get();
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(CHECKPOINT_FILE);
      Path tmp = dir.resolve(CHECKPOINT_FILE + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(params);
      }
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint in " + dir, e);
    }
  }

  private static byte[] saveParameters(Block block) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void loadParameters(Block block, NDManager manager, byte[] params) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
      block.loadParameters(manager, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("cannot restore the saved parameters: " + e.getMessage(), e);
    }
  }

  private record Data(List<double[]> train, List<double[]> heldOut, double[] maseScale) {}
}
