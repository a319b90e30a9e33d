package io.firmsim.trainer.embed.serving;

import io.firmsim.serving.embedding.EmbeddingService;
import io.firmsim.serving.embedding.SimilarFirm;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.EmbeddingTable;
import io.firmsim.trainer.embed.index.Neighbour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * An embedding artifact written by {@code firmsim embed} served by {@code firmsim serve
 * --embedding}: infer runs its {@code encoder.onnx}; similar-firm queries are its index's {@link
 * EmbeddingIndex#query(long, int)} (the firm's latest window, the firm left out, the index's
 * default efSearch), so that the server answers exactly what {@code firmsim similar} prints.
 * Thread-safe: the index is read-only once loaded.
 */
public final class ArtifactEmbeddingService implements EmbeddingService {
  private final String name;
  private final EmbeddingArtifact artifact;
  private final Path dir;
  private final EmbeddingIndex index;
  private final int firms;

  private ArtifactEmbeddingService(String name, EmbeddingArtifact artifact, EmbeddingIndex index) {
    this.name = name;
    this.artifact = artifact;
    this.dir = artifact.dir();
    this.index = index;
    EmbeddingTable table = index.table();
    this.firms = (int) IntStream.range(0, table.rows()).mapToLong(table::firmId).distinct().count();
  }

  /**
   * Opens and verifies the artifact and loads its index.
   *
   * @param name the served model name
   * @param dir the artifact folder
   * @throws io.firmsim.simulator.input.BadInputException naming the file for a missing, damaged or
   *     unknown artifact, or one without an index
   */
  public static ArtifactEmbeddingService open(String name, Path dir) {
    Objects.requireNonNull(name, "name");
    EmbeddingArtifact artifact = EmbeddingArtifact.open(dir);
    return new ArtifactEmbeddingService(name, artifact, artifact.loadIndex());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int firms() {
    return firms;
  }

  /** The artifact's float32 encoder graph ({@code encoder.onnx}), checked when it was opened. */
  @Override
  public byte[] encoderGraph() {
    return artifact.onnxGraph();
  }

  /** The artifact folder. */
  public Path dir() {
    return dir;
  }

  @Override
  public List<SimilarFirm> similar(long firmId, int k) throws InferenceException {
    if (k < 1) {
      throw new InferenceException(
          InferenceException.Reason.INVALID, "k must be at least 1, found " + k);
    }
    if (!index.table().contains(firmId)) {
      throw new InferenceException(
          InferenceException.Reason.NOT_FOUND,
          "firm " + firmId + " is not in the index of " + name + " (" + firms + " firms)");
    }
    return index.query(firmId, k).stream()
        .map((Neighbour n) -> new SimilarFirm(n.firmId(), n.endYear(), n.distance()))
        .toList();
  }

  @Override
  public void close() {
    try {
      index.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the index of " + dir + " failed", e);
    }
  }
}
