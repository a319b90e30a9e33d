package io.firmsim.trainer.orchestrator.embed;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmFeatures;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.orchestrator.graph.InputFileTask;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import io.firmsim.zoo.Hashing;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code data}: reads the panel CSV (bad rows refused naming file, row and column),
 * computes its features, fits their standardisation and cuts every k-year window; refuses a panel
 * with no firm of k years. Writes {@value #PANEL} in memory, whose content hash is derived from the
 * file's SHA-256 and k: a changed file re-runs every task, an unchanged one none.
 */
final class DataTask extends InputFileTask {
  static final String PANEL = "dataset:panel";

  private final int window;
  private final String codeVersion;

  DataTask(Path file, int window, String codeVersion) {
    super(file);
    this.window = window;
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
  public Set<String> outputs() {
    return Set.of(PANEL);
  }

  @Override
  public String fingerprint() {
    return "panel sha256=" + sha256() + " window=" + window + " code=" + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) {
    String hash = sha256();
    Panel panel = PanelCsvReader.read(file);
    double[][] features = FirmFeatures.compute(panel);
    FeatureScaling scaling = FeatureScaling.fit(features);
    FirmWindows windows =
        FirmWindows.of(
            panel, features, file.toString(), window, scaling, FirmWindows.Selection.ALL);
    if (windows.size() == 0) {
      throw new BadInputException(
          file + ": no firm has " + window + " consecutive years (embed.window is " + window + ")");
    }
    PanelData data =
        new PanelData(panel, file.getFileName().toString(), hash, features, scaling, windows);
    context.output(PANEL, data, Hashing.combine(List.of("panel", hash, Integer.toString(window))));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("rows", panel.rows());
    metrics.put("windows", windows.size());
    metrics.put("sha256", hash);
    return TaskResult.succeeded(metrics);
  }
}
