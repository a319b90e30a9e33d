package io.firmsim.trainer.orchestrator.embed;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.EmbeddingTable;
import io.firmsim.trainer.embed.index.IndexParameters;
import io.firmsim.trainer.embed.index.Metric;
import io.firmsim.trainer.embed.train.EmbeddingTrainer;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code index}: embeds each firm's latest k-year window with the first seed's encoder
 * (read back from its artifact, standardised with the artifact's scaling) and builds and saves the
 * similar-firm index ({@link EmbeddingIndex}, default HNSW parameters, the configured metric) into
 * the state, artifact {@value #INDEX} (the folder). Its key covers the encoder artifact's and the
 * panel's content hashes, the metric and the code version.
 */
final class IndexTask implements Task {
  static final String INDEX = StateStore.PERSISTENT + "index";

  private final long seed;
  private final int window;
  private final Metric metric;
  private final Path folder;
  private final String codeVersion;

  IndexTask(long seed, int window, Metric metric, Path folder, String codeVersion) {
    this.seed = seed;
    this.window = window;
    this.metric = metric;
    this.folder = folder;
    this.codeVersion = codeVersion;
  }

  @Override
  public String id() {
    return "index:firms";
  }

  @Override
  public String kind() {
    return "index";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(DataTask.PANEL, EncoderTask.artifact(seed));
  }

  @Override
  public Set<String> outputs() {
    return Set.of(INDEX);
  }

  @Override
  public String fingerprint() {
    return "index seed="
        + seed
        + " window="
        + window
        + " parameters="
        + parameters()
        + " code="
        + codeVersion;
  }

  private IndexParameters parameters() {
    return IndexParameters.builder().setMetric(metric).build();
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    PanelData data = context.input(DataTask.PANEL, PanelData.class);
    Path artifactDir = context.input(EncoderTask.artifact(seed), Path.class);
    EmbeddingArtifact artifact = EmbeddingArtifact.open(artifactDir);
    FirmWindows latest =
        FirmWindows.of(
            data.panel(),
            data.features(),
            data.source(),
            window,
            artifact.featureScaling(),
            FirmWindows.Selection.LATEST);
    float[][] embeddings;
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      TrajectoryAutoencoder ae = artifact.loadAutoencoder(manager);
      embeddings = EmbeddingTrainer.embed(ae.encoder(), latest);
    }
    long started = System.nanoTime();
    EmbeddingTable table = EmbeddingTable.of(embeddings, latest.firmIds(), latest.endYears());
    StateStore.deleteTree(folder);
    try (EmbeddingIndex index = EmbeddingIndex.build(table, parameters())) {
      index.save(folder);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    context.output(INDEX, folder, StateStore.treeHash(folder));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("firms", table.rows());
    metrics.put("dimension", table.dimension());
    metrics.put("buildSeconds", seconds);
    return new TaskResult(
        TaskResult.Status.SUCCEEDED,
        table.rows() + " firms' latest windows indexed (" + metric + ")",
        metrics);
  }
}
