package io.firmsim.serving.embedding;

import java.nio.file.Path;

/**
 * Opens an {@link EmbeddingService} from a folder for {@code firmsim serve --embedding}; the
 * launcher gives the trainer's implementation (the embedding artifact's format lives there).
 */
@FunctionalInterface
public interface EmbeddingServiceLoader {
  /** Refuses every folder: the {@code serve} command alone, without the trainer, has no loader. */
  EmbeddingServiceLoader NONE =
      (name, dir) -> {
        throw new io.firmsim.simulator.input.BadInputException(
            "--embedding " + dir + ": embedding artifacts are served by the firmsim launcher only");
      };

  /**
   * Opens the folder.
   *
   * @param name the served name
   * @param dir the folder
   * @throws io.firmsim.simulator.input.BadInputException naming the file for a missing, damaged or
   *     unknown artifact
   */
  EmbeddingService open(String name, Path dir);
}
