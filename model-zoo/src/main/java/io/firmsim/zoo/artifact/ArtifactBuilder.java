package io.firmsim.zoo.artifact;

import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a complete artifact for a model: a service ({@link java.util.ServiceLoader}) through which
 * a {@link ModelRepository} materializes the embedded paper model.
 *
 * <p>Why a service: an artifact holds DJL parameter files and ONNX graphs, which only the {@code
 * dl-models} module can build, while the repository lives in {@code model-zoo}, which {@code
 * dl-models} depends on. The interface here and its implementation there (registered in {@code
 * META-INF/services}) keep the modules' dependencies pointing one way; with {@code model-zoo} alone
 * on the class path no builder is found and resolving {@code paper} says so.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ArtifactBuilder {
  /**
   * Writes the artifact of {@code spec} into {@code dir}, {@value ArtifactMetadata#FILE} last.
   *
   * @param spec the model
   * @param name the artifact's name
   * @param version the artifact's version
   * @param dir an existing empty folder to write into
   * @throws IOException when a file cannot be written
   */
  void build(ModelSpec spec, String name, String version, Path dir) throws IOException;
}
