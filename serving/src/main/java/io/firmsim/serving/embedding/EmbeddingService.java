package io.firmsim.serving.embedding;

import io.firmsim.serving.inference.InferenceException;
import java.util.List;

/**
 * A served embedding model (issue 12): similar-firm search over a firm-embedding index, answered at
 * {@code GET /v2/models/{name}/similar?firm=ID&k=K}, and its encoder, an ONNX graph run by the
 * server's ONNX Runtime path at {@code POST /v2/models/{name}/infer} (Open Inference Protocol v2).
 * The extension point through which {@code serving} serves what another module builds: the
 * trainer's embedding artifact implements it, and {@code serving} cannot depend on the trainer.
 *
 * <p>Implementations are thread-safe (queries come from every HTTP thread) and are closed by
 * whoever opened them, after the server stopped.
 */
public interface EmbeddingService extends AutoCloseable {
  /** The largest k a request may ask for. */
  int MAX_K = 10_000;

  /** The model name in the URL: letters, digits, {@code _ . -}. */
  String name();

  /** How many firms the index holds (shown in the model's metadata and errors). */
  int firms();

  /**
   * The encoder's ONNX graph: the inputs and outputs it declares are the model's signature for
   * infer and metadata (the trainer's: float32 windows {@code [N, k, f]} in, embeddings {@code [N,
   * d]} out). Read once, when the server is built.
   */
  byte[] encoderGraph();

  /**
   * The k firms nearest to the firm's latest embedding, the firm itself left out, nearest first
   * (fewer when the index holds fewer other firms).
   *
   * @param firmId the query firm
   * @param k at least 1
   * @throws InferenceException {@link InferenceException.Reason#NOT_FOUND} for a firm the index
   *     does not hold, {@link InferenceException.Reason#INVALID} for k below 1
   */
  List<SimilarFirm> similar(long firmId, int k) throws InferenceException;

  /** Releases the index; no call may follow. */
  @Override
  void close();
}
