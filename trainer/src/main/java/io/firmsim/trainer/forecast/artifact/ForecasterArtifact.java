package io.firmsim.trainer.forecast.artifact;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OrtException;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.zoo.artifact.ArtifactException;
import io.firmsim.zoo.artifact.ListedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A verified forecaster artifact folder (written by {@link ForecasterArtifactWriter}):
 *
 * <pre>
 * NAME/VERSION/
 *   metadata.json        format firmsim-forecaster-artifact, version 1 ({@link ForecasterMetadata})
 *   member-01.params     DJL Block.saveParameters bytes (float32), one per member
 *   member-01.onnx       the member's float32 ONNX graph, provenance in metadata_props
 *   ...
 *   report.json, report.md   the training report (when the orchestrator wrote it)
 *   .firmsim-output      the marker of a committed firmsim output folder
 * </pre>
 *
 * <p>{@link #open} refuses, with an {@link ArtifactException} naming the file: metadata of another
 * format or version, changed or malformed; a listed file that is missing, not a regular file, of
 * another size or another SHA-256; a file the metadata does not list (the output marker aside).
 *
 * <p>{@link #load} turns it into an {@link EnsembleForecaster}: the median of the members, each
 * computed with DJL (float32 as trained, or float64 by converting the parameters) or with ONNX
 * Runtime (float32 graphs).
 *
 * <p>Class is immutable and thread-safe; what it loads is owned by the caller.
 */
public final class ForecasterArtifact {
  /** The marker file of a committed firmsim output folder, allowed besides the listed files. */
  public static final String OUTPUT_MARKER = io.firmsim.zoo.artifact.ArtifactReader.OUTPUT_MARKER;

  private final Path dir;
  private final ForecasterMetadata metadata;

  private ForecasterArtifact(Path dir, ForecasterMetadata metadata) {
    this.dir = dir;
    this.metadata = metadata;
  }

  /**
   * Opens and verifies the artifact in {@code dir}.
   *
   * @throws ArtifactException naming the file that is missing, changed or unknown
   */
  public static ForecasterArtifact open(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ArtifactException(
          root,
          Files.exists(root) ? "not a forecaster artifact folder" : "no such artifact folder");
    }
    ForecasterMetadata m = ForecasterMetadata.read(root.resolve(ForecasterMetadata.FILE));
    ListedFiles.verify(root, ForecasterMetadata.FILE, m.files(), "a forecaster artifact");
    return new ForecasterArtifact(root, m);
  }

  /** The folder (absolute). */
  public Path dir() {
    return dir;
  }

  /** The metadata. */
  public ForecasterMetadata metadata() {
    return metadata;
  }

  /** The ensemble in float32 with {@code backend}. */
  public EnsembleForecaster load(ForecastBackend backend) {
    return load(backend, DataType.FLOAT32);
  }

  /**
   * The ensemble, the caller owning it (close it).
   *
   * @param backend DJL or ONNX Runtime
   * @param type FLOAT32, or FLOAT64 with DJL (the parameters converted exactly)
   * @throws ArtifactException when a member's file does not load (naming it)
   * @throws IllegalArgumentException for FLOAT64 with ONNX (the graphs are float32)
   */
  public EnsembleForecaster load(ForecastBackend backend, DataType type) {
    Objects.requireNonNull(backend, "backend");
    if (backend == ForecastBackend.ONNX && type != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "the artifact's ONNX graphs are float32; " + type + " needs the djl backend");
    }
    int horizon = metadata.horizon();
    List<Forecaster> members = new ArrayList<>();
    try {
      for (ForecasterMetadata.Member m : metadata.members()) {
        Path file = dir.resolve(backend == ForecastBackend.DJL ? m.parameterFile() : m.onnxFile());
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (IOException e) {
          throw new ArtifactException(file, "cannot read: " + e.getMessage(), e);
        }
        try {
          members.add(
              backend == ForecastBackend.DJL
                  ? DjlMember.load(
                      metadata.name() + "-" + m.index(), m.spec(), horizon, m.seed(), bytes, type)
                  : OnnxMember.load(bytes, m.lookback(), horizon, m.scaling()));
        } catch (MalformedModelException | OrtException | RuntimeException e) {
          throw new ArtifactException(
              file, "cannot load member " + m.index() + ": " + e.getMessage(), e);
        }
      }
      return EnsembleForecaster.of(members);
    } catch (RuntimeException e) {
      members.forEach(Forecaster::close);
      throw e;
    }
  }
}
