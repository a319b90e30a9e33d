package io.firmsim.trainer.orchestrator.embed;

import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.panel.Panel;

/**
 * What the {@code data} task gives the others, in memory for one run: the panel, its file's
 * SHA-256, the per firm-year features ({@code FirmFeatures}), their standardisation fitted on this
 * panel and every k-year training window.
 *
 * @param panel the panel as read
 * @param source the panel file's name, for messages and provenance
 * @param sha256 the panel file's SHA-256
 * @param features the firm-year features, one row per panel row
 * @param scaling the standardisation fitted on {@code features}
 * @param windows every k-year window, standardised
 */
record PanelData(
    Panel panel,
    String source,
    String sha256,
    double[][] features,
    FeatureScaling scaling,
    FirmWindows windows) {}
