package io.firmsim.trainer.orchestrator.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.embed.anomaly.AnomalyEvaluation;
import io.firmsim.trainer.embed.anomaly.FirmYearFeatures;
import io.firmsim.trainer.embed.anomaly.IsolationForest;
import io.firmsim.trainer.orchestrator.config.EmbedConfig;
import io.firmsim.trainer.orchestrator.graph.Task;
import io.firmsim.trainer.orchestrator.graph.TaskContext;
import io.firmsim.trainer.orchestrator.graph.TaskResult;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.Hashing;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Task kind {@code anomaly}: an isolation forest ({@link IsolationForest}) fitted on the panel's
 * firm-year features ({@link FirmYearFeatures#SCORING_COLUMNS}) scores every firm-year; the top
 * {@code quantile} are flagged ({@link AnomalyEvaluation#flag}). Writes the folder {@value
 * #ANOMALIES} into the state: {@value #CSV} ({@code firm_id,year,isolation_score,flag}, panel row
 * order, scores as Java's shortest exact decimal) and {@value #MANIFEST} (format {@value #FORMAT}
 * version {@value #VERSION}: the settings, the threshold, the counts and the CSV's SHA-256). Its
 * key covers the panel's content hash, the forest's settings and the code version.
 */
final class AnomalyTask implements Task {
  static final String ANOMALIES = StateStore.PERSISTENT + "anomalies";
  static final String CSV = "anomalies.csv";
  static final String MANIFEST = "anomalies.json";
  static final String FORMAT = "firmsim-anomaly-scores";
  static final int VERSION = 1;
  static final String HEADER = "firm_id,year,isolation_score,flag";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final EmbedConfig.Anomaly settings;
  private final Path folder;
  private final String codeVersion;

  AnomalyTask(EmbedConfig.Anomaly settings, Path folder, String codeVersion) {
    this.settings = settings;
    this.folder = folder;
    this.codeVersion = codeVersion;
  }

  @Override
  public String id() {
    return "anomaly:firm-years";
  }

  @Override
  public String kind() {
    return "anomaly";
  }

  @Override
  public Set<String> inputs() {
    return Set.of(DataTask.PANEL);
  }

  @Override
  public Set<String> outputs() {
    return Set.of(ANOMALIES);
  }

  @Override
  public String fingerprint() {
    return "anomaly "
        + settings
        + " columns="
        + FirmYearFeatures.SCORING_COLUMNS
        + " code="
        + codeVersion;
  }

  @Override
  public TaskResult run(TaskContext context) throws Exception {
    PanelData data = context.input(DataTask.PANEL, PanelData.class);
    long started = System.nanoTime();
    Panel panel = data.panel();
    double[][] rows = FirmYearFeatures.of(panel).matrix(FirmYearFeatures.SCORING_COLUMNS);
    IsolationForest forest =
        IsolationForest.builder().optTrees(settings.trees()).optSeed(settings.seed()).fit(rows);
    double[] scores = forest.scores(rows);
    double threshold = AnomalyEvaluation.threshold(scores, settings.quantile());
    boolean[] flags = AnomalyEvaluation.flag(scores, settings.quantile());
    int flagged = 0;
    StateStore.deleteTree(folder);
    Files.createDirectories(folder);
    Path csv = folder.resolve(CSV);
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (int r = 0; r < scores.length; r++) {
        flagged += flags[r] ? 1 : 0;
        w.write(
            panel.firmId(r)
                + ","
                + panel.year(r)
                + ","
                + Double.toString(scores[r])
                + ","
                + (flags[r] ? 1 : 0)
                + "\n");
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    ObjectNode m = MAPPER.createObjectNode();
    m.put("format", FORMAT);
    m.put("version", VERSION);
    m.put("rows", scores.length);
    m.put("flagged", flagged);
    m.put("threshold", threshold);
    m.put("trees", settings.trees());
    m.put("subsample", forest.subsample());
    m.put("quantile", settings.quantile());
    m.put("seed", settings.seed());
    m.putPOJO("columns", FirmYearFeatures.SCORING_COLUMNS);
    m.put("panelSha256", data.sha256());
    m.put("csvSha256", Hashing.sha256(csv));
    Files.writeString(
        folder.resolve(MANIFEST),
        MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    context.output(ANOMALIES, folder, StateStore.treeHash(folder));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("rows", scores.length);
    metrics.put("flagged", flagged);
    metrics.put("threshold", threshold);
    metrics.put("seconds", seconds);
    return new TaskResult(
        TaskResult.Status.SUCCEEDED,
        String.format(
            Locale.ROOT,
            "%d of %d firm-years flagged (score > %.4f)",
            flagged,
            scores.length,
            threshold),
        metrics);
  }
}
