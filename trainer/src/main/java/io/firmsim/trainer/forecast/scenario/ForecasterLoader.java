package io.firmsim.trainer.forecast.scenario;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.forecast.model.Forecaster;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves {@code --model NAME|DIR} (with {@code --models-dir}) to a {@link Forecaster}: the seam
 * between the commands that use forecasters ({@code scenario macro}) and the forecaster artifacts
 * that store them, so the commands can be tested with any forecaster.
 */
@FunctionalInterface
public interface ForecasterLoader {
  /**
   * Loads a forecaster; the caller closes it.
   *
   * @param nameOrDir a model name (looked up in {@code modelsDir} or the default models folder) or
   *     the folder of a forecaster artifact
   * @throws BadInputException if there is no such forecaster or it cannot be read
   */
  Forecaster load(String nameOrDir, Optional<Path> modelsDir);

  /**
   * What identifies the loaded forecaster, recorded in outputs made with it (for example its
   * resolved folder and the SHA-256 of its metadata file); empty by default.
   */
  default Map<String, String> provenance(String nameOrDir, Optional<Path> modelsDir) {
    return Map.of();
  }
}
