package io.firmsim.trainer.orchestrator.config;

import io.firmsim.trainer.embed.index.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of one embedding run ({@code firmsim train CONFIG.yaml} with a top-level {@code
 * embed:} section), as read and validated by {@link EmbedConfigReader}: the panel file, the
 * encoder's shape and training budget, one encoder per seed, the index's metric, the isolation
 * forest's settings and where the output goes. Every default is filled in and every path resolved
 * against the configuration file's folder. Immutable; compares by value.
 *
 * @param source the configuration file
 * @param panel the panel CSV ({@code firmsim simulate --panel csv})
 * @param window k, the years per window
 * @param dim d, the embedding's dimension
 * @param hidden the hidden units of the encoder's layers
 * @param steps optimizer steps per encoder
 * @param batchSize windows per step
 * @param learningRate Adam's learning rate
 * @param seeds one encoder per seed, in order; the first one's encoder feeds the index
 * @param parallelism how many tasks run at once (encoders and the anomaly task share a stage)
 * @param metric the index's distance
 * @param anomaly the isolation forest
 * @param device where the encoders train: {@code cpu} (deterministic for a seed) or {@code gpu}
 * @param output where the output folder goes
 */
public record EmbedConfig(
    Path source,
    Path panel,
    int window,
    int dim,
    int hidden,
    int steps,
    int batchSize,
    double learningRate,
    List<Long> seeds,
    int parallelism,
    Metric metric,
    Anomaly anomaly,
    Output output,
    String device) {

  /** Validates the references and copies the seeds. */
  public EmbedConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(panel, "panel");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(anomaly, "anomaly");
    if (!"cpu".equals(device) && !"gpu".equals(device)) {
      throw new IllegalArgumentException("device must be cpu or gpu, found " + device);
    }
    Objects.requireNonNull(output, "output");
    seeds = List.copyOf(seeds);
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("at least one seed");
    }
  }

  /**
   * The isolation forest's settings.
   *
   * @param trees the number of trees
   * @param quantile the share of firm-years flagged (the top {@code quantile} of scores)
   * @param seed the forest's seed
   */
  public record Anomaly(int trees, double quantile, long seed) {
    /** The defaults: 100 trees, the top 1% flagged, seed 1. */
    public static final Anomaly DEFAULTS = new Anomaly(100, 0.01, 1L);
  }

  /**
   * Where the output goes: {@code directory/name/version}.
   *
   * @param directory the parent folder
   * @param name the output's name
   * @param version its version label
   */
  public record Output(Path directory, String name, String version) {
    /** Validates. */
    public Output {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
    }
  }
}
