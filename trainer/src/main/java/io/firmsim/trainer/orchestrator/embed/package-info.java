/**
 * The orchestrator's embedding task kinds ({@code firmsim train CONFIG.yaml} with a top-level
 * {@code embed:} section): the panel's features, one trajectory encoder per seed, the similar-firm
 * index and the isolation-forest anomaly scores as a task graph, reused by content; see {@link
 * io.firmsim.trainer.orchestrator.embed.EmbedRun}.
 */
package io.firmsim.trainer.orchestrator.embed;
