package io.firmsim.models.embed;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.firmsim.models.forecast.SeededInitializer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * A {@link TrajectoryEncoder} with a decoder, for self-supervised training by reconstruction: the
 * window {@code x [N, k, f]} is encoded to {@code e [N, d]} and decoded back to {@code [N, k, f]}
 * by two dense tanh layers of the encoder's hidden width and a linear output layer, reshaped:
 *
 * <pre>
 * x' = reshape(V3 tanh(V2 tanh(V1 e + c1) + c2) + c3, [N, k, f])
 * </pre>
 *
 * <p>Trained to minimise the mean squared error between {@code x'} and {@code x}, the bottleneck of
 * d units must keep what distinguishes one trajectory from another.
 *
 * <p>Why reconstruction rather than a contrastive objective (windows of the same firm pulled
 * together, other firms' pushed apart): it needs no choice of augmentations or negatives (two
 * windows of one firm overlap in k - 1 years, so "positives" would be nearly copies, and random
 * negatives are often genuinely similar firms); its loss is a plain regression, deterministic for a
 * seed and easy to watch; and its per-window error is itself an anomaly score (a firm-year the
 * model cannot reconstruct is unlike the training panel), which the anomaly scores of issue 12 use.
 * The cost: nothing forces the embedding space to be metric for similarity; the grouping ratio in
 * {@code docs/EMBEDDINGS.md} measures whether it is in practice.
 *
 * <p>The decoder's initial parameters are seeded like the encoder's ({@link SeededInitializer}, one
 * stream per layer derived from the seed); the encoder is the builder's, unchanged, so an encoder
 * alone and inside an autoencoder start from the same values. Saved parameters carry the
 * configuration; loading refuses another one.
 *
 * <p>The block is not thread-safe while it is being initialized or trained.
 */
public final class TrajectoryAutoencoder extends AbstractBlock {
  private static final byte VERSION = 1;

  /** Mixed into the seed for the decoder's layers, so they do not share the encoder's streams. */
  private static final long DECODER_STREAM = 0x6a09e667f3bcc909L;

  private final TrajectoryEncoder encoder;
  private final Linear expand1;
  private final Linear expand2;
  private final Linear reconstruction;

  /**
   * An autoencoder around {@code encoder}, its decoder seeded with the encoder's seed.
   *
   * @param encoder the encoder (not yet initialized)
   */
  public TrajectoryAutoencoder(TrajectoryEncoder encoder) {
    super(VERSION);
    this.encoder = addChildBlock("encoder", Objects.requireNonNull(encoder, "encoder"));
    int hidden = encoder.hidden();
    this.expand1 = addChildBlock("expand1", Linear.builder().setUnits(hidden).build());
    this.expand2 = addChildBlock("expand2", Linear.builder().setUnits(hidden).build());
    this.reconstruction =
        addChildBlock(
            "reconstruction",
            Linear.builder().setUnits((long) encoder.window() * encoder.features()).build());
    List<Linear> decoder = decoderLayers();
    for (int i = 0; i < decoder.size(); i++) {
      SeededInitializer.applyTo(decoder.get(i), encoder.seed() ^ (DECODER_STREAM * (i + 1)));
    }
  }

  /** The encoder (a child of this block: trained with it). */
  public TrajectoryEncoder encoder() {
    return encoder;
  }

  /** The decoder's dense layers in order: expand1, expand2, reconstruction. */
  public List<Linear> decoderLayers() {
    return List.of(expand1, expand2, reconstruction);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray e = encoder.forward(ps, inputs, training, params).head();
    return decode(ps, e, training, params);
  }

  /** The reconstruction {@code [N, k, f]} of embeddings {@code e [N, d]}. */
  NDList decode(ParameterStore ps, NDArray e, boolean training, PairList<String, Object> params) {
    NDArray h1 = expand1.forward(ps, new NDList(e), training, params).head().tanh();
    NDArray h2 = expand2.forward(ps, new NDList(h1), training, params).head().tanh();
    NDArray flat = reconstruction.forward(ps, new NDList(h2), training, params).head();
    return new NDList(flat.reshape(flat.getShape().get(0), encoder.window(), encoder.features()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    encoder.getOutputShapes(inputShapes); // checks the input
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    encoder.initialize(manager, dataType, inputShapes);
    long n = inputShapes[0].get(0);
    expand1.initialize(manager, dataType, new Shape(n, encoder.embedding()));
    expand2.initialize(manager, dataType, new Shape(n, encoder.hidden()));
    reconstruction.initialize(manager, dataType, new Shape(n, encoder.hidden()));
  }

  @Override
  protected void saveMetadata(DataOutputStream os) throws IOException {
    saveInputShapes(os);
    os.writeUTF(encoder.configuration());
  }

  @Override
  public void loadMetadata(byte loadVersion, DataInputStream is)
      throws IOException, MalformedModelException {
    if (loadVersion != VERSION) {
      throw new MalformedModelException(
          "Unsupported trajectory autoencoder encoding version: " + loadVersion);
    }
    readInputShapes(is);
    String saved = is.readUTF();
    if (!saved.equals(encoder.configuration())) {
      throw new MalformedModelException(
          "trajectory autoencoder parameters saved for "
              + saved
              + " cannot load into "
              + encoder.configuration());
    }
  }

  @Override
  public String toString() {
    return "TrajectoryAutoencoder(" + encoder.configuration() + ", seed=" + encoder.seed() + ")";
  }
}
