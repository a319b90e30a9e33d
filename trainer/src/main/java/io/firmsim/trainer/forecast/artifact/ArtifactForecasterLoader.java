package io.firmsim.trainer.forecast.artifact;

import ai.djl.ndarray.types.DataType;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.trainer.forecast.scenario.ForecasterLoader;
import io.firmsim.zoo.Hashing;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ForecasterLoader} of the command line: resolves {@code --model NAME|DIR} with {@link
 * ForecasterRepository} (verifying every file of the artifact) and loads its ensemble on DJL in
 * float64, so that scenario paths do not carry float32 rounding. Its provenance is the artifact's
 * resolved folder, name, version and the SHA-256 of its {@code metadata.json}.
 */
public final class ArtifactForecasterLoader implements ForecasterLoader {
  /** The shared instance (stateless). */
  public static final ArtifactForecasterLoader INSTANCE = new ArtifactForecasterLoader();

  private ArtifactForecasterLoader() {}

  @Override
  public Forecaster load(String nameOrDir, Optional<Path> modelsDir) {
    return ForecasterRepository.resolve(nameOrDir, modelsDir.orElse(null))
        .load(ForecastBackend.DJL, DataType.FLOAT64);
  }

  @Override
  public Map<String, String> provenance(String nameOrDir, Optional<Path> modelsDir) {
    ForecasterArtifact artifact = ForecasterRepository.resolve(nameOrDir, modelsDir.orElse(null));
    Map<String, String> p = new LinkedHashMap<>();
    p.put("forecaster_dir", artifact.dir().toAbsolutePath().toString());
    p.put("forecaster_name", artifact.metadata().name());
    p.put("forecaster_version", artifact.metadata().version());
    try {
      p.put(
          "forecaster_metadata_sha256",
          Hashing.sha256(artifact.dir().resolve(ForecasterMetadata.FILE)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return p;
  }
}
