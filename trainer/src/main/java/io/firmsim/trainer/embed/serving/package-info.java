/**
 * Serving firm embeddings: the trainer's embedding artifact as a {@link
 * io.firmsim.serving.embedding.EmbeddingService} for {@code firmsim serve --embedding}.
 */
package io.firmsim.trainer.embed.serving;
