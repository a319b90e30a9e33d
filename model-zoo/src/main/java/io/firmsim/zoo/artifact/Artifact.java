package io.firmsim.zoo.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A model artifact that has been verified by {@link ArtifactReader#open(Path)}: its metadata is of
 * a known format and version, every file it lists is present with its recorded size and SHA-256, it
 * holds no other file and its model file reads as a valid {@link ModelSpec}.
 *
 * <p>Class is immutable. It describes the folder as it was when verified; a file changed later is
 * found by opening the artifact again.
 */
public final class Artifact {
  private final Path dir;
  private final ArtifactMetadata metadata;
  private final ModelSpec spec;

  Artifact(Path dir, ArtifactMetadata metadata, ModelSpec spec) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  /** The artifact's folder (absolute, normalized). */
  public Path dir() {
    return dir;
  }

  /** The verified metadata. */
  public ArtifactMetadata metadata() {
    return metadata;
  }

  /** The model read from {@value ArtifactMetadata#MODEL_FILE}. */
  public ModelSpec spec() {
    return spec;
  }

  /** The artifact's name (from its metadata). */
  public String name() {
    return metadata.name();
  }

  /** The artifact's version (from its metadata). */
  public String version() {
    return metadata.version();
  }

  /** The model's provenance (equal in the model file and the metadata), if it has one. */
  public Optional<JsonNode> provenance() {
    return spec.provenance();
  }

  /**
   * A listed file of the artifact.
   *
   * @param path the path as listed in the metadata
   * @throws IllegalArgumentException when the artifact does not list it
   */
  public Path file(String path) {
    if (metadata.file(path) == null) {
      throw new IllegalArgumentException(dir + " lists no file " + path);
    }
    return dir.resolve(path);
  }

  @Override
  public String toString() {
    return metadata.name() + "/" + metadata.version() + " at " + dir;
  }
}
