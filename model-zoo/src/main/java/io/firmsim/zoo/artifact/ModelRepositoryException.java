package io.firmsim.zoo.artifact;

import io.firmsim.zoo.modelspec.ModelSpecException;

/**
 * A model reference that a {@link ModelRepository} cannot satisfy: an invalid name or version, a
 * name or version it does not hold (the message lists what it holds), or an installation that would
 * replace an existing version. A {@link ModelSpecException}, so the command line reports it as bad
 * input (exit 2).
 */
public class ModelRepositoryException extends ModelSpecException {
  private static final long serialVersionUID = 1L;

  public ModelRepositoryException(String message) {
    super(message);
  }

  public ModelRepositoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
