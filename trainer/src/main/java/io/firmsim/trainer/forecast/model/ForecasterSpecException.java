package io.firmsim.trainer.forecast.model;

/**
 * A forecaster description that cannot be used: an unknown key, a key that is not a setting of the
 * network's kind, a value of the wrong type or out of range. {@link #key()} names the offending key
 * (dotted from the description's root), so a YAML or JSON reader can point at its line.
 */
public class ForecasterSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String problem;

  /**
   * @param key the offending key, or null when the problem is the whole description
   * @param problem what is wrong
   */
  public ForecasterSpecException(String key, String problem) {
    super(key == null ? problem : key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  /** What is wrong, without the key. */
  public String problem() {
    return problem;
  }

  /** The offending key, or null. */
  public String key() {
    return key;
  }
}
