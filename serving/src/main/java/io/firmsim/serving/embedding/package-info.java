/**
 * Served embedding models (issue 12): the {@link io.firmsim.serving.embedding.EmbeddingService}
 * extension point that answers similar-firm queries, and the loader {@code firmsim serve
 * --embedding} opens it with.
 */
package io.firmsim.serving.embedding;
