package io.firmsim.simulator.input;

import java.nio.file.Path;

/**
 * Parsing of the cells of the project's CSV inputs (populations, panels), with the error messages
 * every reader gives: the file, the line, the column and the text found. Stateless and thread-safe.
 */
public final class CsvCells {
  /** Longest cell text quoted in a message before it is cut. */
  public static final int MAX_SHOWN_TEXT = 60;

  private CsvCells() {}

  /**
   * A finite number ({@link DecimalParser}, the syntax of {@link Double#parseDouble}).
   *
   * @throws BadInputException for an empty cell, a text that is not a number, or NaN/Infinity
   */
  public static double value(Path file, long line, String column, String text) {
    double v;
    try {
      v = DecimalParser.parseDouble(text);
    } catch (NumberFormatException e) {
      if (text.isBlank()) {
        throw BadInputException.at(file, line, column, "missing value");
      }
      throw BadInputException.at(file, line, column, "not a number: '" + shown(text) + "'");
    }
    if (!Double.isFinite(v)) {
      throw BadInputException.at(file, line, column, "non-finite value '" + shown(text) + "'");
    }
    return v;
  }

  /**
   * A firm id: a non-negative integer.
   *
   * @throws BadInputException for an empty cell or anything else
   */
  public static long firmId(Path file, long line, String column, String text) {
    if (text.isBlank()) {
      throw BadInputException.at(file, line, column, "missing value");
    }
    long id;
    try {
      id = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      id = -1;
    }
    if (id < 0) {
      throw BadInputException.at(
          file,
          line,
          column,
          "a firm id must be a non-negative integer, found '" + shown(text) + "'");
    }
    return id;
  }

  /** The text as quoted in messages: cut after {@link #MAX_SHOWN_TEXT} characters. */
  public static String shown(String text) {
    return text.length() <= MAX_SHOWN_TEXT ? text : text.substring(0, MAX_SHOWN_TEXT) + "...";
  }
}
