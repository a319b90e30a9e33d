package io.firmsim.models.export;

import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.zoo.artifact.ArtifactBuilder;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * The {@link ArtifactBuilder} service of this module (registered in {@code META-INF/services}):
 * through it a {@code ModelRepository} in {@code model-zoo} exports the embedded paper model with
 * the {@link ArtifactExporter}, graphs in both dtypes. Stateless and thread-safe.
 */
public final class ServiceArtifactBuilder implements ArtifactBuilder {
  private final ArtifactExporter exporter;

  /** The service: {@link ArtifactExporter#standard()}. */
  public ServiceArtifactBuilder() {
    this(ArtifactExporter.standard());
  }

  ServiceArtifactBuilder(ArtifactExporter exporter) {
    this.exporter = exporter;
  }

  @Override
  public void build(ModelSpec spec, String name, String version, Path dir) throws IOException {
    exporter.export(spec, name, version, EnumSet.allOf(OnnxDType.class), dir);
  }
}
