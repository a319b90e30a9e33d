package io.firmsim.trainer.embed.artifact;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.models.embed.TrajectoryEncoder;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ListedFiles;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A verified embedding artifact folder (written by {@link EmbeddingArtifactWriter}):
 *
 * <pre>
 * DIR/
 *   metadata.json        format firmsim-embedding-artifact, version 1 ({@link EmbeddingMetadata}):
 *                        encoder shape, feature scaling, provenance, every file's size and SHA-256
 *   autoencoder.params   DJL Block.saveParameters bytes (float32) of the encoder and its decoder
 *   encoder.onnx         the encoder's float32 ONNX graph, provenance in metadata_props
 *   index/               optional: the similar-firm index of the firms' latest windows
 *                        (EmbeddingIndex.save), each of its files listed in metadata.json
 *   .firmsim-output      the marker of a committed firmsim output folder
 * </pre>
 *
 * <p>{@link #open} refuses, with an {@link ArtifactException} naming the file: metadata of another
 * format or version, changed or malformed; a listed file that is missing, not a regular file, of
 * another size or another SHA-256; a file the metadata does not list (the output marker aside).
 *
 * <p>Class is immutable and thread-safe; what it loads is owned by the caller.
 */
public final class EmbeddingArtifact {
  /** The marker file of a committed firmsim output folder, allowed besides the listed files. */
  public static final String OUTPUT_MARKER = io.firmsim.zoo.artifact.ArtifactReader.OUTPUT_MARKER;

  private final Path dir;
  private final EmbeddingMetadata metadata;

  private EmbeddingArtifact(Path dir, EmbeddingMetadata metadata) {
    this.dir = dir;
    this.metadata = metadata;
  }

  /**
   * Opens and verifies the artifact in {@code dir}.
   *
   * @throws ArtifactException naming the file that is missing, changed or unknown
   */
  public static EmbeddingArtifact open(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ArtifactException(
          root,
          Files.exists(root) ? "not an embedding artifact folder" : "no such artifact folder");
    }
    EmbeddingMetadata m = EmbeddingMetadata.read(root.resolve(EmbeddingMetadata.FILE));
    ListedFiles.verify(root, EmbeddingMetadata.FILE, m.files(), "an embedding artifact");
    return new EmbeddingArtifact(root, m);
  }

  /** The folder (absolute). */
  public Path dir() {
    return dir;
  }

  /** The metadata. */
  public EmbeddingMetadata metadata() {
    return metadata;
  }

  /** The feature standardisation to apply to new panels. */
  public FeatureScaling featureScaling() {
    return metadata.featureScaling();
  }

  /**
   * The trained autoencoder, in float32, its parameters in {@code manager} (the caller closes it);
   * {@link TrajectoryAutoencoder#encoder()} gives the encoder.
   *
   * @throws ArtifactException naming the parameter file when it does not load
   */
  public TrajectoryAutoencoder loadAutoencoder(NDManager manager) {
    Objects.requireNonNull(manager, "manager");
    EmbeddingMetadata.Encoder e = metadata.encoder();
    TrajectoryAutoencoder ae =
        new TrajectoryAutoencoder(
            TrajectoryEncoder.builder()
                .setWindow(e.window())
                .setFeatures(e.features())
                .setEmbedding(e.embedding())
                .optHidden(e.hidden())
                .optSeed(e.seed())
                .build());
    ae.initialize(manager, DataType.FLOAT32, new Shape(1, e.window(), e.features()));
    Path file = dir.resolve(EmbeddingMetadata.PARAMETERS);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(read(file)))) {
      ae.loadParameters(manager, in);
    } catch (IOException | MalformedModelException | RuntimeException ex) {
      throw new ArtifactException(file, "cannot load the parameters: " + ex.getMessage(), ex);
    }
    return ae;
  }

  /** Whether the artifact holds a similar-firm index ({@code embed} writes one). */
  public boolean hasIndex() {
    String prefix = EmbeddingMetadata.INDEX + "/";
    return metadata.files().stream().anyMatch(f -> f.path().startsWith(prefix));
  }

  /**
   * Opens the similar-firm index of the artifact (the caller closes it); its files were verified
   * against the metadata by {@link #open}, and {@link EmbeddingIndex#load} checks them again
   * against the index's own manifest.
   *
   * @throws ArtifactException naming the index folder when the artifact holds no index
   * @throws io.firmsim.simulator.input.BadInputException naming the file when it does not load
   */
  public EmbeddingIndex loadIndex() {
    Path indexDir = dir.resolve(EmbeddingMetadata.INDEX);
    if (!hasIndex()) {
      throw new ArtifactException(
          indexDir,
          "missing: this embedding artifact holds no similar-firm index (write it with"
              + " firmsim embed)");
    }
    return EmbeddingIndex.load(indexDir);
  }

  /** The bytes of the encoder's float32 ONNX graph. */
  public byte[] onnxGraph() {
    return read(dir.resolve(EmbeddingMetadata.ONNX));
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ArtifactException(file, "cannot read: " + e.getMessage(), e);
    }
  }
}
