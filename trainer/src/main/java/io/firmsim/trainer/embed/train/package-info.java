/**
 * Self-supervised training of the firm-trajectory encoder ({@link
 * io.firmsim.models.embed.TrajectoryAutoencoder}, reconstruction) with DJL's training API: settings
 * ({@link io.firmsim.trainer.embed.train.EmbeddingSettings}), the trainer and its measurements
 * (reconstruction loss, embeddings).
 */
package io.firmsim.trainer.embed.train;
