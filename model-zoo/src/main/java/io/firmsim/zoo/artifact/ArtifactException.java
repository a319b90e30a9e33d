package io.firmsim.zoo.artifact;

import io.firmsim.zoo.modelspec.ModelSpecException;
import java.nio.file.Path;

/**
 * A model artifact that is refused: its metadata is missing, unreadable or of an unknown format or
 * version, a file it lists is missing or changed, or it holds a file it does not list. The message
 * starts with the offending file's path ({@link #file()}).
 *
 * <p>A {@link ModelSpecException}: the command line reports it as bad input (exit 2), like a
 * damaged model file.
 */
public class ArtifactException extends ModelSpecException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the file (or folder) refused
   * @param problem what is wrong with it
   */
  public ArtifactException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /**
   * @param file the file (or folder) refused
   * @param problem what is wrong with it
   * @param cause the error that revealed it
   */
  public ArtifactException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file or folder refused. */
  public Path file() {
    return file;
  }
}
