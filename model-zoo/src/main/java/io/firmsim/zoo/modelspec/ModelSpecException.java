package io.firmsim.zoo.modelspec;

/**
 * A model file that cannot be used: malformed JSON, an unsupported format version, or an equation
 * or submodel that is inconsistent. The message names the source, the equation and the submodel.
 */
public class ModelSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelSpecException(String message) {
    super(message);
  }

  public ModelSpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
