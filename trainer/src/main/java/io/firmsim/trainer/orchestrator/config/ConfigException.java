package io.firmsim.trainer.orchestrator.config;

import io.firmsim.simulator.input.BadInputException;

/**
 * A configuration file (training, forecaster or scenario) that cannot be used: malformed YAML, an
 * unknown key, a value of the wrong type or out of range, a missing required key, or an
 * inconsistent combination.
 *
 * <p>The message always names the file and, where the problem has one, the line and the YAML path
 * of the offending key in dotted form, e.g. {@code config.yaml, line 12, at data.generate.firms:
 * expected an integer, found 'many'}. It is meant to be shown to the user as is.
 */
public class ConfigException extends BadInputException {
  private static final long serialVersionUID = 1L;

  /** The line of the problem (1-based), or -1 if it has none. */
  private final int line;

  /** The dotted YAML path of the problem, or null if it has none. */
  private final String path;

  public ConfigException(String message, int line, String path, Throwable cause) {
    super(message, cause);
    this.line = line;
    this.path = path;
  }

  /**
   * A problem formatted as {@code FILE, line LINE, at PATH: PROBLEM}; the line part is left out
   * when {@code line < 1}, the path part when {@code path} is null or empty.
   */
  public static ConfigException at(String file, int line, String path, String problem) {
    StringBuilder sb = new StringBuilder(file);
    if (line >= 1) {
      sb.append(", line ").append(line);
    }
    if (path != null && !path.isEmpty()) {
      sb.append(", at ").append(path);
    }
    sb.append(": ").append(problem);
    return new ConfigException(sb.toString(), line, path, null);
  }

  /** The 1-based line the problem is on, or -1 if it is not tied to a line. */
  public int line() {
    return line;
  }

  /** The dotted YAML path of the problem (e.g. {@code data.generate.firms}), or null. */
  public String path() {
    return path;
  }
}
