package io.firmsim.trainer.cli;

import ai.djl.ndarray.NDManager;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.embed.anomaly.AnomalyEvaluation;
import io.firmsim.trainer.embed.anomaly.FirmYearFeatures;
import io.firmsim.trainer.embed.anomaly.IsolationForest;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.embed.train.EmbeddingTrainer;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim anomalies}: an anomaly score per firm-year of a panel CSV, written as {@code
 * firm_id,year,isolation_score,reconstruction_error,flag} in the panel's row order.
 *
 * <ul>
 *   <li>{@code isolation_score}: an {@link IsolationForest} fitted on the panel itself, on {@link
 *       FirmYearFeatures#SCORING_COLUMNS} (higher is more anomalous, in (0, 1]).
 *   <li>{@code reconstruction_error}: with {@code --model}, the embedding artifact's autoencoder's
 *       mean squared reconstruction error of the k-year window ending in that firm-year ({@link
 *       EmbeddingTrainer#reconstructionErrors}, features scaled with the artifact's scaling); empty
 *       for a firm-year without k years of history in the panel, and for every row without {@code
 *       --model}.
 *   <li>{@code flag}: 1 where the isolation score is above the {@code 1 - quantile} quantile of the
 *       panel's isolation scores ({@link AnomalyEvaluation#flag}: at most {@code quantile} of the
 *       rows), else 0.
 * </ul>
 *
 * <p>Exit codes: 0 written; 2 bad input (a panel refused naming its file, row and column; an
 * artifact refused naming its file; a bad option), nothing written.
 */
@Command(
    name = "anomalies",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Scores every firm-year of a panel CSV (isolation forest, optionally the embedding"
            + " encoder's reconstruction error) and flags the top quantile.")
public final class AnomaliesCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--panel",
      required = true,
      paramLabel = "PANEL.csv",
      description = "The panel, as simulate --panel csv writes it.")
  Path panel;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "SCORES.csv",
      description = "firm_id,year,isolation_score,reconstruction_error,flag.")
  Path out;

  @Option(
      names = "--quantile",
      paramLabel = "Q",
      description = "Share of firm-years to flag, in [0, 1] (default 0.01).")
  double quantile = 0.01;

  @Option(names = "--trees", paramLabel = "T", description = "Isolation trees (default 100).")
  int trees = IsolationForest.DEFAULT_TREES;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the forest (default 1).")
  long seed = 1;

  @Option(
      names = "--model",
      paramLabel = "EMBEDDING_DIR",
      description = "An embedding artifact folder: adds its reconstruction error.")
  Path model;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    if (!(quantile >= 0 && quantile <= 1)) {
      throw new BadInputException("--quantile must be in [0, 1], found " + quantile);
    }
    if (trees < 1) {
      throw new BadInputException("--trees must be at least 1, found " + trees);
    }
    OutputFile.check(out, overwrite);
    EmbeddingArtifact artifact = model == null ? null : EmbeddingArtifact.open(model);
    Panel p = PanelCsvReader.read(panel);
    if (p.rows() < 2) {
      throw BadInputException.at(panel, -1, null, "needs at least 2 firm-years to score");
    }
    double[][] x = FirmYearFeatures.of(p).matrix(FirmYearFeatures.SCORING_COLUMNS);
    double[] scores = IsolationForest.builder().optTrees(trees).optSeed(seed).fit(x).scores(x);
    boolean[] flags = AnomalyEvaluation.flag(scores, quantile);
    double[] reconstruction = null;
    if (artifact != null) {
      reconstruction = reconstructionErrors(artifact, p, panel.toString());
    }
    int flagged = 0;
    try (OutputFile file = OutputFile.begin(out, overwrite)) {
      try (BufferedWriter w = Files.newBufferedWriter(file.staging(), StandardCharsets.UTF_8)) {
        w.write("firm_id,year,isolation_score,reconstruction_error,flag\n");
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < p.rows(); r++) {
          line.setLength(0);
          line.append(p.firmId(r)).append(',').append(p.year(r)).append(',').append(scores[r]);
          line.append(',');
          if (reconstruction != null && !Double.isNaN(reconstruction[r])) {
            line.append(reconstruction[r]);
          }
          line.append(',').append(flags[r] ? '1' : '0').append('\n');
          flagged += flags[r] ? 1 : 0;
          w.write(line.toString());
        }
      }
      file.commit();
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "%d firm-years scored (%d trees%s), %d flagged at quantile %s, written to %s%n",
        p.rows(),
        trees,
        artifact == null ? "" : ", reconstruction error of " + artifact.metadata().name(),
        flagged,
        quantile,
        out);
    o.flush();
    return 0;
  }

  /**
   * Per panel row, the reconstruction error of the window ending in that row's year, NaN where the
   * row ends no full window.
   */
  static double[] reconstructionErrors(EmbeddingArtifact artifact, Panel p, String source) {
    int k = artifact.metadata().encoder().window();
    FirmWindows windows =
        FirmWindows.of(p, source, k, artifact.featureScaling(), FirmWindows.Selection.ALL);
    double[] perWindow;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      TrajectoryAutoencoder ae = artifact.loadAutoencoder(manager);
      perWindow = EmbeddingTrainer.reconstructionErrors(ae, windows);
    }
    Map<Long, Map<Integer, Double>> byFirm = new HashMap<>();
    for (int w = 0; w < windows.size(); w++) {
      byFirm
          .computeIfAbsent(windows.firmId(w), f -> new HashMap<>())
          .put(windows.endYear(w), perWindow[w]);
    }
    double[] out = new double[p.rows()];
    for (int r = 0; r < p.rows(); r++) {
      Double e = byFirm.getOrDefault(p.firmId(r), Map.of()).get(p.year(r));
      out[r] = e == null ? Double.NaN : e;
    }
    return out;
  }
}
