package io.firmsim.trainer.cli;

import ai.djl.Model;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifactWriter;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmFeatures;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.EmbeddingTable;
import io.firmsim.trainer.embed.index.IndexParameters;
import io.firmsim.trainer.embed.index.Metric;
import io.firmsim.trainer.embed.train.EmbeddingSettings;
import io.firmsim.trainer.embed.train.EmbeddingTrainer;
import io.firmsim.trainer.embed.train.EmbeddingTrainingResult;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.trainer.panel.PanelCsvReader;
import io.firmsim.zoo.BuildInfo;
import io.firmsim.zoo.Hashing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim embed}: trains the trajectory autoencoder on every k-year window of a panel CSV
 * (as {@code simulate --panel csv} writes it), embeds each firm's latest window, and writes the
 * embedding artifact ({@link EmbeddingArtifactWriter}) with the similar-firm index of those
 * embeddings in its {@code index/} folder, which {@code similar} queries.
 *
 * <p>The feature scaling is fitted on the whole panel; firms with fewer than k years give no window
 * and are not in the index. The artifact is staged and moved into place whole ({@link
 * OutputDirectory}). Same panel, options and seed: the same parameters and embeddings on the CPU.
 *
 * <p>Exit codes: 0 written; 2 bad input (a panel refused naming its file, row and column, a firm
 * with a gap in its years, a bad option, an output folder that cannot be used), nothing written.
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Trains the firm-trajectory encoder on a panel CSV and writes the embedding artifact with"
            + " the similar-firm index of every firm's latest window.")
public final class EmbedCommand implements Callable<Integer> {
  /** The artifact's model name. */
  public static final String NAME = "firm-trajectories";

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
      paramLabel = "DIR",
      description = "The artifact folder to write.")
  Path out;

  @Option(names = "--window", paramLabel = "K", description = "Years per window (default 5).")
  int window = 5;

  @Option(names = "--dim", paramLabel = "D", description = "Embedding dimension (default 16).")
  int dim = 16;

  @Option(names = "--hidden", paramLabel = "H", description = "Hidden width (default 64).")
  int hidden = 64;

  @Option(names = "--steps", paramLabel = "N", description = "Training steps (default 3000).")
  int steps = 3000;

  @Option(names = "--seed", paramLabel = "S", description = "Seed (default 1).")
  long seed = 1;

  @Option(
      names = "--metric",
      paramLabel = "cosine|l2",
      description = "Distance of the similar-firm index (default cosine).")
  String metric = "cosine";

  @Option(names = "--overwrite", description = "Replace a previous firmsim output at --out.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Metric m = metric(metric);
    EmbeddingSettings settings;
    try {
      settings =
          EmbeddingSettings.builder()
              .optWindow(window)
              .optEmbedding(dim)
              .optHidden(hidden)
              .optSteps(steps)
              .optSeed(seed)
              .build();
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
    OutputDirectory.check(out, overwrite);
    Panel p = PanelCsvReader.read(panel);
    double[][] features = FirmFeatures.compute(p);
    FeatureScaling scaling = FeatureScaling.fit(features);
    String source = panel.toString();
    FirmWindows all =
        FirmWindows.of(p, features, source, window, scaling, FirmWindows.Selection.ALL);
    FirmWindows latest =
        FirmWindows.of(p, features, source, window, scaling, FirmWindows.Selection.LATEST);
    if (latest.size() < 2) {
      throw BadInputException.at(
          panel,
          -1,
          null,
          latest.size()
              + " firm(s) with at least "
              + window
              + " consecutive years: an index needs at least 2 (lower --window?)");
    }
    EmbeddingTrainer trainer = new EmbeddingTrainer(settings);
    EmbeddingTrainingResult r;
    EmbeddingArtifact artifact;
    try (Model model = trainer.newModel()) {
      r = trainer.train(model, all);
      TrajectoryAutoencoder ae = (TrajectoryAutoencoder) model.getBlock();
      float[][] emb = EmbeddingTrainer.embed(ae.encoder(), latest);
      EmbeddingTable table = EmbeddingTable.of(emb, latest.firmIds(), latest.endYears());
      IndexParameters ip = IndexParameters.builder().setMetric(m).optSeed(seed).build();
      try (EmbeddingIndex index = EmbeddingIndex.build(table, ip)) {
        artifact =
            EmbeddingArtifactWriter.write(
                out,
                overwrite,
                new EmbeddingArtifactWriter.Contents(
                    NAME,
                    "1",
                    ae,
                    scaling,
                    EmbeddingArtifactWriter.provenance(
                        source,
                        Hashing.sha256(panel),
                        p.rows(),
                        all.size(),
                        settings,
                        r,
                        BuildInfo.current().codeVersion())),
                index);
      }
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        Locale.ROOT,
        "%d rows, %d training windows of %d years, %d firms indexed (%d with fewer years"
            + " skipped)%n",
        p.rows(),
        all.size(),
        window,
        latest.size(),
        latest.skippedFirms());
    o.printf(
        Locale.ROOT,
        "trained %d steps in %.1f s: reconstruction loss %.4f -> %.4f%n",
        steps,
        r.seconds(),
        r.initialLoss(),
        r.finalLoss());
    o.printf(
        Locale.ROOT,
        "embedding artifact (d = %d, %s index) written to %s%n",
        dim,
        m.name().toLowerCase(Locale.ROOT),
        artifact.dir());
    o.flush();
    return 0;
  }

  static Metric metric(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "cosine" -> Metric.COSINE;
      case "l2" -> Metric.L2;
      default -> throw new BadInputException("--metric must be cosine or l2, found '" + text + "'");
    };
  }
}
