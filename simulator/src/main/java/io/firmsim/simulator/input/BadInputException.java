package io.firmsim.simulator.input;

import java.nio.file.Path;

/**
 * An input file (population, macro path) or an argument that cannot be used. The message names the
 * file, the row (the line number in the file: the header is line 1) and the column where these
 * apply, so a user can find the problem without a debugger.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A problem in a file at a line (negative: none) and a column (null: none), formatted as {@code
   * FILE, row LINE, column 'NAME': PROBLEM}.
   */
  public static BadInputException at(Path file, long row, String column, String problem) {
    return at(file, row, column, problem, null);
  }

  /**
   * As {@link #at(Path, long, String, String)}, keeping the exception that revealed the problem (a
   * parse error, an I/O error) as the cause.
   */
  public static BadInputException at(
      Path file, long row, String column, String problem, Throwable cause) {
    StringBuilder sb = new StringBuilder();
    sb.append(file);
    if (row >= 0) {
      sb.append(", row ").append(row);
    }
    if (column != null) {
      sb.append(", column '").append(column).append('\'');
    }
    sb.append(": ").append(problem);
    return new BadInputException(sb.toString(), cause);
  }
}
