package io.firmsim.trainer.embed.train;

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
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.models.embed.TrajectoryEncoder;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.forecast.train.ForecastTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Trains a {@link TrajectoryAutoencoder} on firm windows by reconstruction, with DJL's {@link
 * Trainer}: each step draws {@code batchSize} windows uniformly with replacement from a {@link
 * SplittableRandom} seeded with the settings' seed, and Adam (constant learning rate, gradients
 * clipped element-wise) minimises the mean squared error between the reconstruction and the window
 * ({@code L2Loss} with weight 1). The reconstruction loss over all windows is measured before and
 * after training, in float64.
 *
 * <p>On the CPU the run is deterministic: two runs with the same settings give bit-identical
 * weights (the seeded initialisation of {@link io.firmsim.models.forecast.SeededInitializer}, the
 * seeded batches, and PyTorch's deterministic CPU kernels for these operations). Forward and
 * backward passes hold {@link ForecastTrainer#GRADIENT_LOCK}, since DJL's PyTorch engine allows one
 * gradient collector per process at a time; trainings on parallel threads take turns there.
 *
 * <p>Immutable and thread-safe; each call trains the model it is given.
 */
public final class EmbeddingTrainer {
  /** Windows per forward pass when measuring a loss or computing embeddings. */
  static final int CHUNK = 4096;

  private final EmbeddingSettings settings;

  /** A trainer with these settings. */
  public EmbeddingTrainer(EmbeddingSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The settings. */
  public EmbeddingSettings settings() {
    return settings;
  }

  /**
   * A new model holding {@link EmbeddingSettings#newAutoencoder()} on the settings' device; the
   * caller closes it.
   */
  public Model newModel() {
    Model model = Model.newInstance("trajectory-autoencoder", settings.device(), "PyTorch");
    model.setBlock(settings.newAutoencoder());
    return model;
  }

  /**
   * Trains the model's autoencoder (initialized here in float32) on {@code windows}.
   *
   * @param model a model whose block is a {@link TrajectoryAutoencoder} of the settings' shape
   * @param windows the training windows (standardised), k as in the settings
   * @return the loss curve and the reconstruction loss before and after
   * @throws IllegalArgumentException for no windows, or windows or a block of another shape
   * @throws CancellationException when the thread is interrupted (checked before every step; the
   *     interrupt flag stays set)
   */
  public EmbeddingTrainingResult train(Model model, FirmWindows windows) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(windows, "windows");
    Block block = Objects.requireNonNull(model.getBlock(), "the model has no block");
    if (!(block instanceof TrajectoryAutoencoder ae)) {
      throw new IllegalArgumentException(
          "the model's block must be a TrajectoryAutoencoder, found " + block.getClass());
    }
    TrajectoryEncoder enc = ae.encoder();
    if (enc.window() != settings.window()
        || enc.embedding() != settings.embedding()
        || enc.hidden() != settings.hidden()
        || enc.features() != windows.features()) {
      throw new IllegalArgumentException(
          "the autoencoder is " + enc.configuration() + ", the settings ask for " + settings);
    }
    if (windows.length() != settings.window()) {
      throw new IllegalArgumentException(
          "windows of " + windows.length() + " years, the settings ask for " + settings.window());
    }
    if (windows.size() == 0) {
      throw new IllegalArgumentException("no windows to train on");
    }
    Adam.Builder adam =
        Adam.builder().optLearningRateTracker(Tracker.fixed((float) settings.learningRate()));
    if (settings.clipGradient() > 0) {
      adam.optClipGrad((float) settings.clipGradient());
    }
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(new L2Loss("mse", 1f))
            .optOptimizer(adam.build())
            .optDevices(new Device[] {settings.device()});
    int k = windows.length();
    int f = windows.features();
    int stride = k * f;
    int batch = settings.batchSize();
    float[] all = windows.flat();
    SplittableRandom random = new SplittableRandom(settings.seed());
    List<Double> curve = new ArrayList<>(settings.steps());
    long started = System.nanoTime();
    try (Trainer trainer = model.newTrainer(config)) {
      trainer.initialize(new Shape(batch, k, f));
      double initial = reconstructionLoss(ae, windows);
      NDManager root = trainer.getManager();
      float[] x = new float[batch * stride];
      for (int step = 0; step < settings.steps(); step++) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("embedding training interrupted after step " + step);
        }
        for (int b = 0; b < batch; b++) {
          int w = random.nextInt(windows.size());
          System.arraycopy(all, w * stride, x, b * stride, stride);
        }
        try (NDManager scoped = root.newSubManager()) {
          NDArray in = scoped.create(x, new Shape(batch, k, f));
          double value;
          synchronized (ForecastTrainer.GRADIENT_LOCK) {
            try (GradientCollector gc = trainer.newGradientCollector()) {
              NDList pred = trainer.forward(new NDList(in));
              pred.attach(scoped);
              NDArray loss = trainer.getLoss().evaluate(new NDList(in), pred);
              loss.attach(scoped);
              gc.backward(loss);
              value = loss.getFloat();
            }
          }
          curve.add(value);
          trainer.step();
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      double last = reconstructionLoss(ae, windows);
      return new EmbeddingTrainingResult(curve, initial, last, seconds);
    }
  }

  /**
   * The mean squared reconstruction error over every value of every window, accumulated in float64.
   */
  public static double reconstructionLoss(TrajectoryAutoencoder block, FirmWindows windows) {
    double[] perWindow = reconstructionErrors(block, windows);
    double sum = 0;
    for (double e : perWindow) {
      sum += e;
    }
    return sum / perWindow.length;
  }

  /**
   * Each window's mean squared reconstruction error (float64 sums over its k f values), computed on
   * the device holding the block's parameters.
   */
  public static double[] reconstructionErrors(TrajectoryAutoencoder block, FirmWindows windows) {
    int n = windows.size();
    int k = windows.length();
    int f = windows.features();
    int stride = k * f;
    double[] out = new double[n];
    try (NDManager m = NDManager.newBaseManager(deviceOf(block), "PyTorch")) {
      for (int from = 0; from < n; from += CHUNK) {
        int to = Math.min(n, from + CHUNK);
        float[] x = windows.flat(from, to);
        try (NDManager scoped = m.newSubManager()) {
          NDArray in = scoped.create(x, new Shape(to - from, k, f));
          float[] y =
              block
                  .forward(new ParameterStore(scoped, false), new NDList(in), false)
                  .head()
                  .toType(DataType.FLOAT32, false)
                  .toFloatArray();
          for (int w = 0; w < to - from; w++) {
            double s = 0;
            for (int i = 0; i < stride; i++) {
              double d = (double) y[w * stride + i] - x[w * stride + i];
              s += d * d;
            }
            out[from + w] = s / stride;
          }
        }
      }
    }
    return out;
  }

  /** The device holding an initialized block's parameters (the CPU, or the GPU it trained on). */
  static Device deviceOf(Block block) {
    if (!block.isInitialized()) {
      throw new IllegalStateException("the block is not initialized");
    }
    return block.getParameters().get(0).getValue().getArray().getDevice();
  }

  /**
   * The embeddings {@code [windows][d]} of the windows, computed in chunks on the device holding
   * the encoder's parameters.
   */
  public static float[][] embed(TrajectoryEncoder encoder, FirmWindows windows) {
    int n = windows.size();
    int d = encoder.embedding();
    float[][] out = new float[n][d];
    try (NDManager m = NDManager.newBaseManager(deviceOf(encoder), "PyTorch")) {
      for (int from = 0; from < n; from += CHUNK) {
        int to = Math.min(n, from + CHUNK);
        try (NDManager scoped = m.newSubManager()) {
          NDArray in =
              scoped.create(
                  windows.flat(from, to),
                  new Shape(to - from, windows.length(), windows.features()));
          float[] e =
              encoder
                  .forward(new ParameterStore(scoped, false), new NDList(in), false)
                  .head()
                  .toType(DataType.FLOAT32, false)
                  .toFloatArray();
          for (int w = 0; w < to - from; w++) {
            System.arraycopy(e, w * d, out[from + w], 0, d);
          }
        }
      }
    }
    return out;
  }
}
