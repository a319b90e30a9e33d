package io.firmsim.trainer.embed.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.models.embed.TrajectoryEncoder;
import io.firmsim.trainer.embed.features.FirmFeature;
import java.util.Objects;

/**
 * The settings of an {@link EmbeddingTrainer} run: the encoder's shape (window k, embedding d,
 * hidden width; the features per year are the {@link FirmFeature}s) and the optimisation (steps,
 * batch size, Adam learning rate, element-wise gradient clipping, seed, device). Made with {@link
 * #builder()}: {@code optX} setters over the defaults, {@link Builder#build()} validates and names
 * the field.
 *
 * <p>The seed fixes both the encoder's and decoder's initial parameters and the order in which
 * windows are drawn, so two CPU runs with the same settings give bit-identical weights.
 *
 * @param window k, the years per window
 * @param embedding d, the embedding size
 * @param hidden the width of the encoder's and decoder's hidden layers
 * @param steps the number of Adam steps
 * @param batchSize the windows per step (drawn uniformly with replacement)
 * @param learningRate Adam's learning rate (constant)
 * @param clipGradient each gradient element clipped to [-c, c]; 0 for none
 * @param seed the seed of the initial parameters and of the batches
 * @param device where to train (CPU, or a GPU)
 */
public record EmbeddingSettings(
    int window,
    int embedding,
    int hidden,
    int steps,
    int batchSize,
    double learningRate,
    double clipGradient,
    long seed,
    Device device) {

  /** Validates; see {@link Builder#build()}. */
  public EmbeddingSettings {
    Objects.requireNonNull(device, "device");
    check(window >= 1, "window must be at least 1, found " + window);
    check(embedding >= 1, "embedding must be at least 1, found " + embedding);
    check(hidden >= 1, "hidden must be at least 1, found " + hidden);
    check(steps >= 1, "steps must be at least 1, found " + steps);
    check(batchSize >= 1, "batchSize must be at least 1, found " + batchSize);
    check(
        learningRate > 0 && Double.isFinite(learningRate),
        "learningRate must be positive, found " + learningRate);
    check(
        clipGradient >= 0 && Double.isFinite(clipGradient),
        "clipGradient must be at least 0, found " + clipGradient);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("embedding settings: " + message);
    }
  }

  /** A builder with the defaults: k 5, d 16, hidden 64, 2000 steps of 256, 1e-3, clip 1, CPU. */
  public static Builder builder() {
    return new Builder();
  }

  /** A new encoder of this shape and seed, not yet initialized. */
  public TrajectoryEncoder newEncoder() {
    return TrajectoryEncoder.builder()
        .setWindow(window)
        .setFeatures(FirmFeature.count())
        .setEmbedding(embedding)
        .optHidden(hidden)
        .optSeed(seed)
        .build();
  }

  /** A new autoencoder around {@link #newEncoder()}, not yet initialized. */
  public TrajectoryAutoencoder newAutoencoder() {
    return new TrajectoryAutoencoder(newEncoder());
  }

  /** The settings as JSON (for provenance). */
  public ObjectNode toJson() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("window", window);
    o.put("features", FirmFeature.count());
    o.put("embedding", embedding);
    o.put("hidden", hidden);
    o.put("steps", steps);
    o.put("batchSize", batchSize);
    o.put("learningRate", learningRate);
    o.put("clipGradient", clipGradient);
    o.put("seed", seed);
    o.put("device", device.toString());
    o.put("objective", "reconstruction (mean squared error)");
    o.put("optimizer", "adam");
    return o;
  }

  /** Builds {@link EmbeddingSettings}. */
  public static final class Builder {
    private int window = 5;
    private int embedding = 16;
    private int hidden = 64;
    private int steps = 2000;
    private int batchSize = 256;
    private double learningRate = 1e-3;
    private double clipGradient = 1.0;
    private long seed;
    private Device device = Device.cpu();

    private Builder() {}

    /** k, the years per window (default 5). */
    public Builder optWindow(int window) {
      this.window = window;
      return this;
    }

    /** d, the embedding size (default 16). */
    public Builder optEmbedding(int embedding) {
      this.embedding = embedding;
      return this;
    }

    /** The hidden width (default 64). */
    public Builder optHidden(int hidden) {
      this.hidden = hidden;
      return this;
    }

    /** The number of steps (default 2000). */
    public Builder optSteps(int steps) {
      this.steps = steps;
      return this;
    }

    /** The windows per step (default 256). */
    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Adam's learning rate (default 1e-3). */
    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** The element-wise gradient clip (default 1; 0 for none). */
    public Builder optClipGradient(double clipGradient) {
      this.clipGradient = clipGradient;
      return this;
    }

    /** The seed (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The device (default the CPU). */
    public Builder optDevice(Device device) {
      this.device = device;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the field to fix
     */
    public EmbeddingSettings build() {
      return new EmbeddingSettings(
          window, embedding, hidden, steps, batchSize, learningRate, clipGradient, seed, device);
    }
  }
}
