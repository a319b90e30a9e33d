package io.firmsim.trainer.orchestrator.embed;

import ai.djl.Model;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifactWriter;
import io.firmsim.trainer.embed.train.EmbeddingSettings;
import io.firmsim.trainer.embed.train.EmbeddingTrainer;
import io.firmsim.trainer.embed.train.EmbeddingTrainingResult;
import io.firmsim.trainer.orchestrator.config.EmbedConfig;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Task kind {@code embed}: trains one trajectory autoencoder ({@link EmbeddingTrainer}) for one
 * seed on the panel's windows and writes it as an embedding artifact ({@link
 * EmbeddingArtifactWriter}) into the state, artifact {@code state:embed-seedN} (the folder). Its
 * key covers the panel file's content (through the input's hash), every setting, the seed and the
 * code version. Encoders of different seeds share nothing, so they train in parallel.
 */
final class EncoderTask implements Task {
  private final EmbedConfig config;
  private final long seed;
  private final Path folder;
  private final String codeVersion;

  /**
   * @param folder where the artifact goes (the state store's folder of {@link #artifact})
   */
  EncoderTask(EmbedConfig config, long seed, Path folder, String codeVersion) {
    this.config = config;
    this.seed = seed;
    this.folder = folder;
    this.codeVersion = codeVersion;
  }

  /** The id of the artifact holding the encoder of a seed. */
  static String artifact(long seed) {
    return StateStore.PERSISTENT + "embed-seed" + seed;
  }

  /** The training settings of this seed. */
  EmbeddingSettings settings() {
    return EmbeddingSettings.builder()
        .optWindow(config.window())
        .optEmbedding(config.dim())
        .optHidden(config.hidden())
        .optSteps(config.steps())
        .optBatchSize(config.batchSize())
        .optLearningRate(config.learningRate())
        .optSeed(seed)
        .optDevice(ai.djl.Device.fromName(config.device()))
        .build();
  }

  @Override
  public String id() {
    return "embed:seed" + seed;
  }

  @Override
  public String kind() {
    return "embed";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(DataTask.PANEL);
  }

  @Override
  public Set<String> outputs() {
    return Set.of(artifact(seed));
  }

  @Override
  public Set<String> tags() {
    return Set.of("seed" + seed);
  }

  @Override
  public String fingerprint() {
    return "embed seed="
        + seed
        + " settings="
        + settings().toJson()
        + " name="
        + config.output().name()
        + "/"
        + config.output().version()
        + " code="
        + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    Instant started = Instant.now();
    PanelData data = context.input(DataTask.PANEL, PanelData.class);
    EmbeddingSettings settings = settings();
    EmbeddingTrainer trainer = new EmbeddingTrainer(settings);
    EmbeddingTrainingResult r;
    try (Model model = trainer.newModel()) {
      try {
        r = trainer.train(model, data.windows());
      } catch (CancellationException e) {
        throw (InterruptedException) new InterruptedException(e.getMessage()).initCause(e);
      }
      TrajectoryAutoencoder ae = (TrajectoryAutoencoder) model.getBlock();
      EmbeddingArtifactWriter.write(
          folder,
          true,
          new EmbeddingArtifactWriter.Contents(
              config.output().name(),
              config.output().version(),
              ae,
              data.scaling(),
              EmbeddingArtifactWriter.provenance(
                  data.source(),
                  data.sha256(),
                  data.panel().rows(),
                  data.windows().size(),
                  settings,
                  r,
                  codeVersion)));
    }
    context.output(artifact(seed), folder, StateStore.treeHash(folder));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("initialLoss", r.initialLoss());
    metrics.put("finalLoss", r.finalLoss());
    metrics.put("trainingSeconds", r.seconds());
    metrics.put("started", started.toString());
    metrics.put("finished", Instant.now().toString());
    String summary =
        String.format(
            Locale.ROOT,
            "%d steps; reconstruction MSE %.4f -> %.4f in %.1f s",
            r.curve().size(),
            r.initialLoss(),
            r.finalLoss(),
            r.seconds());
    return new TaskResult(TaskResult.Status.SUCCEEDED, summary, metrics);
  }
}
