package io.firmsim.trainer.orchestrator.train;

import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.gates.RawPanel;
import io.firmsim.trainer.orchestrator.graph.Hashing;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code data}: the firm-year panel, read from a CSV file (kept raw so the quality gates
 * can count bad cells) or generated with the simulator. Writes {@value #PANEL}, whose content hash
 * is the SHA-256 of the file or, for a generated panel, of its generating settings (the simulator
 * is deterministic for a seed).
 */
final class DataTask implements Task {
  static final String PANEL = "dataset:panel";

  private final TrainingConfig.Data data;
  private final String canonicalSection;
  private final String codeVersion;
  private final String panelSha256;

  /**
   * @param panelSha256 the SHA-256 of the panel file (computed once by the run for its provenance),
   *     null for a generated panel
   */
  DataTask(TrainingConfig config, String codeVersion, String panelSha256) {
    this.panelSha256 = panelSha256;
    this.data = config.data();
    this.canonicalSection = config.canonical("data");
    this.codeVersion = codeVersion;
  }

  @Override
  public String id() {
    return "data:panel";
  }

  @Override
  public String kind() {
    return "data";
  }

  @Override
  public Set<String> inputs() {
    return Set.of();
  }

  @Override
  public Set<String> outputs() {
    return Set.of(PANEL);
  }

  @Override
  public String fingerprint() {
    return "data " + canonicalSection + " code=" + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    if (data.panel().isPresent()) {
      Path file = data.panel().get();
      String hash = panelSha256;
      // A Parquet panel is typed and complete by construction; a CSV one is kept raw so that
      // the gates can count bad cells.
      RawPanel raw =
          data.parquet()
              ? RawPanel.of(io.firmsim.trainer.panel.ParquetPanelReader.read(file), file.toString())
              : RawPanel.readCsv(file);
      context.output(PANEL, raw, hash);
      return TaskResult.succeeded(Map.of("rows", raw.rows(), "sha256", hash));
    }
    TrainingConfig.Generate g = data.generate().orElseThrow();
    ModelSpec model = generatingModel(g.model());
    Panel panel = StatedLevelNoise.simulatePanel(model, g.firms(), g.years(), g.burnIn(), g.seed());
    String hash = Hashing.sha256("generated " + canonicalSection + " code=" + codeVersion);
    context.output(PANEL, RawPanel.of(panel, "generated panel"), hash);
    return TaskResult.succeeded(Map.of("rows", panel.rows(), "sha256", hash));
  }

  static ModelSpec generatingModel(TrainingConfig.ModelRef ref) {
    if (ref.file() != null) {
      return ModelSpecReader.read(ref.file());
    }
    if (TrainingConfig.ModelRef.PAPER_WITH_LEVEL_NOISE.equals(ref.builtin())) {
      return ModelSpecReader.parse(
          StatedLevelNoise.paperWithNoise(0.1, 2.0),
          TrainingConfig.ModelRef.PAPER_WITH_LEVEL_NOISE);
    }
    return PaperModel.load();
  }
}
