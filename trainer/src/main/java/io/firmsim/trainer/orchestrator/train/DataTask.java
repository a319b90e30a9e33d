package io.firmsim.trainer.orchestrator.train;

import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.trainer.orchestrator.gates.RawPanel;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.ParquetPanelReader;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code data}: the firm-year panel, read from a CSV file (kept raw so the quality gates
 * can count bad cells) or a Parquet file, or generated with the simulator under the configured
 * macro path ({@code data.macro}, the one the features use) on the configured device ({@code
 * training.device}). Writes {@value #PANEL}, whose content hash is derived from the SHA-256 of the
 * file or, for a generated panel, from everything that determines it (settings, the macro file's
 * and generating model's content, the device and the code version: the simulator is deterministic
 * for a seed).
 */
final class DataTask implements Task {
  static final String PANEL = "dataset:panel";

  /** The first reported year of a generated panel (the simulator's default start year). */
  static final int FIRST_YEAR = 1;

  private final TrainingConfig.Data data;
  private final TrainingConfig.Device device;
  private final String codeVersion;
  private final InputFiles files;

  DataTask(TrainingConfig config, String codeVersion, InputFiles files) {
    this.data = config.data();
    this.device = config.training().device();
    this.codeVersion = codeVersion;
    this.files = files;
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
    if (data.panel().isPresent()) {
      // What is read is the file's content; the macro path is not read here (the gates task
      // builds the features with it).
      return "data panel sha256="
          + files.sha256(data.panel().get())
          + " parquet="
          + data.parquet()
          + " code="
          + codeVersion;
    }
    TrainingConfig.Generate g = data.generate().orElseThrow();
    return "data generate firms="
        + g.firms()
        + " years="
        + g.years()
        + " burnIn="
        + g.burnIn()
        + " seed="
        + g.seed()
        + " model="
        + files.identity(g.model(), codeVersion)
        + " macro="
        + data.macro().map(files::sha256).orElse("none")
        + " device="
        + device.yamlName()
        + " code="
        + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    if (data.panel().isPresent()) {
      Path file = data.panel().get();
      String hash = files.sha256(file);
      // A Parquet panel is typed and complete by construction; a CSV one is kept raw so that
      // the gates can count bad cells.
      RawPanel raw =
          data.parquet()
              ? RawPanel.of(ParquetPanelReader.read(file), file.toString())
              : RawPanel.readCsv(file);
      context.output(PANEL, raw, Hashing.combine(java.util.List.of("panel", hash)));
      return TaskResult.succeeded(Map.of("rows", raw.rows(), "sha256", hash));
    }
    TrainingConfig.Generate g = data.generate().orElseThrow();
    ModelSpec model = generatingModel(g.model());
    MacroPath macro =
        data.macro().isPresent()
            ? MacroPathReader.read(data.macro().get(), FIRST_YEAR, g.years())
            : MacroPath.zeros();
    DeviceChoice choice = DeviceChoice.valueOf(device.name());
    Panel panel =
        StatedLevelNoise.simulatePanel(
            model, g.firms(), g.years(), g.burnIn(), g.seed(), macro, choice);
    String hash = Hashing.sha256(fingerprint());
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
