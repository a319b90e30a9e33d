package io.firmsim.simulator.model;

import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model chosen with {@code --model}, and where it came from: the embedded paper model, a model
 * file ({@link #jsonFile()}) or a verified artifact ({@link #artifact()}, from a folder or a
 * repository). Class is immutable.
 */
public final class ResolvedModel {
  private final ModelSpec spec;
  private final Path jsonFile;
  private final Artifact artifact;

  private ResolvedModel(ModelSpec spec, Path jsonFile, Artifact artifact) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.jsonFile = jsonFile;
    this.artifact = artifact;
  }

  static ResolvedModel embedded(ModelSpec spec) {
    return new ResolvedModel(spec, null, null);
  }

  static ResolvedModel file(ModelSpec spec, Path file) {
    return new ResolvedModel(spec, Objects.requireNonNull(file, "file"), null);
  }

  static ResolvedModel artifact(Artifact artifact) {
    return new ResolvedModel(artifact.spec(), null, artifact);
  }

  /** The model. */
  public ModelSpec spec() {
    return spec;
  }

  /** Whether this is the embedded paper model, read from the jar (no {@code --model}). */
  public boolean isEmbedded() {
    return jsonFile == null && artifact == null;
  }

  /** The model file, for a model given as one. */
  public Optional<Path> jsonFile() {
    return Optional.ofNullable(jsonFile);
  }

  /** The verified artifact, for a model given as an artifact folder or a repository name. */
  public Optional<Artifact> artifact() {
    return Optional.ofNullable(artifact);
  }

  /**
   * For an artifact, how a run record names it: source {@code artifact}, name, version, folder and
   * the SHA-256 of its metadata (which lists the hash of every other file). Empty otherwise (a run
   * record names a file or the embedded model itself).
   */
  public Optional<Map<String, Object>> recordEntry() {
    if (artifact == null) {
      return Optional.empty();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", "artifact");
    m.put("name", artifact.name());
    m.put("version", artifact.version());
    m.put("path", artifact.dir().toString());
    try {
      m.put("metadataSha256", Hashing.sha256(artifact.dir().resolve(ArtifactMetadata.FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(m);
  }

  @Override
  public String toString() {
    if (artifact != null) {
      return "artifact " + artifact;
    }
    return jsonFile != null ? "model file " + jsonFile : "embedded paper model";
  }
}
