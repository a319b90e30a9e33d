package io.firmsim.serving.http;

import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.inference.InferenceRunner;

/** An embedding model as the server holds it: the service and its encoder's session. */
record ServedEmbedding(EmbeddingService service, InferenceRunner encoder) {}
