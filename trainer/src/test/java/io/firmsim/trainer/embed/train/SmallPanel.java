package io.firmsim.trainer.embed.train;

import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmFeatures;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.modelfit.StatedLevelNoise;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.PaperModel;

/** A small simulated panel and its windows, shared by the embedding tests. */
public final class SmallPanel {
  /** 120 firms, 5 years. */
  public static final Panel PANEL =
      StatedLevelNoise.simulatePanel(PaperModel.load(), 120, 5, 3, 23);

  /** The scaling fitted on it. */
  public static final FeatureScaling SCALING = FeatureScaling.fit(FirmFeatures.compute(PANEL));

  /** Every window of 3 years. */
  public static final FirmWindows WINDOWS =
      FirmWindows.of(PANEL, "small panel", 3, SCALING, FirmWindows.Selection.ALL);

  /** Settings for short, fast trainings on it. */
  public static EmbeddingSettings.Builder settings() {
    return EmbeddingSettings.builder()
        .optWindow(3)
        .optEmbedding(4)
        .optHidden(16)
        .optSteps(60)
        .optBatchSize(32)
        .optLearningRate(1e-2)
        .optSeed(5);
  }

  private SmallPanel() {}
}
