package io.firmsim.trainer.forecast.artifact;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.zoo.artifact.ModelRepository;
import io.firmsim.zoo.artifact.ModelRepositoryException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds a forecaster artifact as {@code --model} names it, with the rules of the firm models'
 * {@link ModelRepository}: an artifact folder (or its {@value ForecasterMetadata#FILE}) by path;
 * otherwise {@code NAME} (its highest version in {@link ModelRepository#VERSION_ORDER}) or {@code
 * NAME/VERSION} in the repository folder, which is {@code --models-dir}, else {@code
 * $FIRMSIM_MODELS}, else {@code ~/.firmsim/models} ({@link ModelRepository#locate}). The repository
 * layout is the same, {@code ROOT/NAME/VERSION/}, so the orchestrator's {@code output.directory}
 * can serve as {@code --models-dir}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ForecasterRepository {
  private ForecasterRepository() {}

  /**
   * The verified artifact {@code model} names.
   *
   * @param model a folder, a metadata file, {@code NAME} or {@code NAME/VERSION}
   * @param modelsDir the repository folder, or null for the default
   * @throws BadInputException for a blank or malformed reference or a path that is not a folder
   * @throws ModelRepositoryException for a name or version the repository does not hold
   * @throws io.firmsim.zoo.artifact.ArtifactException for a damaged artifact
   */
  public static ForecasterArtifact resolve(String model, Path modelsDir) {
    if (model == null || model.isBlank()) {
      throw new BadInputException("--model is empty: give a forecaster artifact folder or name");
    }
    Path path;
    try {
      path = Path.of(model);
    } catch (InvalidPathException e) {
      path = null;
    }
    if (path != null && Files.isRegularFile(path)) {
      if (path.getFileName().toString().equals(ForecasterMetadata.FILE)) {
        return ForecasterArtifact.open(path.toAbsolutePath().getParent());
      }
      throw new BadInputException(
          "--model " + model + ": a file; give a forecaster artifact folder or name");
    }
    if (path != null && Files.isDirectory(path)) {
      return ForecasterArtifact.open(path);
    }
    if (path != null && Files.exists(path)) {
      throw new BadInputException("--model " + model + ": neither a file nor a folder");
    }
    if (!ModelRepository.isReference(model)) {
      throw new BadInputException(
          "--model "
              + model
              + ": no such artifact folder (a repository model is named NAME or NAME/VERSION)");
    }
    ModelRepository repo = ModelRepository.at(modelsDir);
    int slash = model.indexOf('/');
    String name = slash < 0 ? model : model.substring(0, slash);
    String version = slash < 0 ? null : model.substring(slash + 1);
    List<String> versions = repo.versions(name);
    if (versions.isEmpty()) {
      throw new ModelRepositoryException(
          "no model '"
              + name
              + "' in the repository "
              + repo.root()
              + ": it holds "
              + (repo.list().isEmpty() ? "nothing" : String.join(", ", repo.list())));
    }
    if (version == null) {
      version = versions.get(versions.size() - 1);
    } else if (!versions.contains(version)) {
      throw new ModelRepositoryException(
          "no version '"
              + version
              + "' of model '"
              + name
              + "' in the repository "
              + repo.root()
              + ": it holds versions "
              + String.join(", ", versions));
    }
    return ForecasterArtifact.open(repo.root().resolve(name).resolve(version));
  }
}
