package io.firmsim.trainer.embed.train;

import java.util.List;

/**
 * What an {@link EmbeddingTrainer} run did.
 *
 * @param curve the batch loss (mean squared error) of every step, in order
 * @param initialLoss the reconstruction loss over all training windows before the first step
 * @param finalLoss the reconstruction loss over all training windows after the last step
 * @param seconds the wall-clock time of the run, measurements included
 */
public record EmbeddingTrainingResult(
    List<Double> curve, double initialLoss, double finalLoss, double seconds) {
  /** Copies the curve. */
  public EmbeddingTrainingResult {
    curve = List.copyOf(curve);
  }
}
