package io.firmsim.simulator.model;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.artifact.ModelRepository;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves the value of {@code --model} (of {@code simulate} and {@code export}) to a model:
 *
 * <ol>
 *   <li>none: the embedded paper model, read from the jar (nothing is written anywhere);
 *   <li>an existing file: a model file ({@code MODEL.json}, as {@code train} and {@code fit-model}
 *       write); a file named {@value ArtifactMetadata#FILE} stands for the artifact folder that
 *       holds it;
 *   <li>an existing folder: a model artifact, verified (hashes, versions, no unlisted file);
 *   <li>otherwise {@code NAME} or {@code NAME/VERSION}: a model in the repository at {@code
 *       --models-dir} (default: {@code $FIRMSIM_MODELS}, else {@code ~/.firmsim/models}); {@code
 *       paper} is the embedded paper model, exported into the repository the first time.
 * </ol>
 *
 * <p>An existing path wins over a repository name: {@code --model ./paper} and {@code --model
 * paper} differ only when a folder {@code paper} exists in the working directory. Every refusal is
 * a {@link BadInputException} or a {@code ModelSpecException} naming the file (exit 2).
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelSource {
  private ModelSource() {}

  /**
   * @param model the value of {@code --model}, or null
   * @param modelsDir the value of {@code --models-dir}, or null for the default repository
   */
  public static ResolvedModel resolve(String model, Path modelsDir) {
    if (model == null) {
      return ResolvedModel.embedded(PaperModel.load());
    }
    if (model.isBlank()) {
      throw new BadInputException("--model is empty: give a model file, folder or name");
    }
    Path path;
    try {
      path = Path.of(model);
    } catch (InvalidPathException e) {
      path = null;
    }
    if (path != null && Files.isRegularFile(path)) {
      if (path.getFileName().toString().equals(ArtifactMetadata.FILE)) {
        Path parent = path.toAbsolutePath().getParent();
        return ResolvedModel.artifact(ArtifactReader.open(parent));
      }
      return ResolvedModel.file(ModelSpecReader.read(path), path);
    }
    if (path != null && Files.isDirectory(path)) {
      return ResolvedModel.artifact(ArtifactReader.open(path));
    }
    if (path != null && Files.exists(path)) {
      throw new BadInputException("--model " + model + ": neither a file nor a folder");
    }
    if (model.endsWith(".json") || !ModelRepository.isReference(model)) {
      throw new BadInputException(
          "--model "
              + model
              + ": no such model file or artifact folder (a repository model is named NAME or"
              + " NAME/VERSION)");
    }
    return ResolvedModel.artifact(ModelRepository.at(modelsDir).resolve(model));
  }
}
