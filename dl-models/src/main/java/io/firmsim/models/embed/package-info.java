/**
 * Firm-trajectory embeddings as DJL blocks: {@link io.firmsim.models.embed.TrajectoryEncoder} maps
 * a window of k years of standardised firm features {@code [N, k, f]} to an embedding {@code [N,
 * d]}, {@link io.firmsim.models.embed.TrajectoryAutoencoder} adds the decoder it is trained with
 * (reconstruction), and {@link io.firmsim.models.embed.TrajectoryGraphExporter} writes the encoder
 * as an ONNX graph. Initial parameters are seeded ({@link
 * io.firmsim.models.forecast.SeededInitializer}), so a seed gives the same start on any engine.
 */
package io.firmsim.models.embed;
