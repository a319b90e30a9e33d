package io.firmsim.simulator.input;

import com.fasterxml.jackson.core.io.NumberInput;
import java.nio.file.Path;

/**
 * The one cell parser of the CSV inputs (populations, macro paths, panels, {@code fit} data), with
 * the error messages every reader gives: {@code FILE, row LINE, column 'NAME': PROBLEM}, quoting
 * the text found, with the parser's exception as the cause. Stateless and thread-safe.
 *
 * <p>Numbers are read by {@link #parseDouble}: Jackson's copy of FastDoubleParser, which returns
 * exactly what {@link Double#parseDouble} returns (correct rounding, same syntax) and measured two
 * to three times faster on panel text (docs/BENCHMARKS.md, "Decimal parsing").
 */
public final class CsvCells {
  /** Longest cell text quoted in a message before it is cut. */
  public static final int MAX_SHOWN_TEXT = 60;

  private CsvCells() {}

  /**
   * Decimal text to {@code double}, bit for bit as {@link Double#parseDouble} (same syntax, same
   * rounding, same exception), but faster.
   *
   * @throws NumberFormatException for text that is not a number
   */
  public static double parseDouble(String text) {
    return NumberInput.parseDouble(text, true);
  }

  /**
   * A finite number ({@link #parseDouble}).
   *
   * @throws BadInputException for an empty cell, a text that is not a number, or NaN/Infinity
   */
  public static double value(Path file, long line, String column, String text) {
    double v;
    try {
      v = parseDouble(text);
    } catch (NumberFormatException e) {
      if (text.isBlank()) {
        throw problem(file, line, column, "missing value", e);
      }
      throw problem(file, line, column, "not a number: '" + shown(text) + "'", e);
    }
    if (!Double.isFinite(v)) {
      throw BadInputException.at(file, line, column, "non-finite value '" + shown(text) + "'");
    }
    return v;
  }

  /**
   * A number where a bad cell is data to count, not an error: NaN for an empty or non-numeric cell
   * (a null too); {@code NaN} and infinities written as such are kept.
   */
  public static double valueOrNaN(String text) {
    if (text == null || text.isBlank()) {
      return Double.NaN;
    }
    try {
      return parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
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
    long id = integerOr(text, -1);
    if (id < 0) {
      throw BadInputException.at(
          file,
          line,
          column,
          "a firm id must be a non-negative integer, found '" + shown(text) + "'");
    }
    return id;
  }

  /**
   * A year: an integer.
   *
   * @throws BadInputException for an empty cell or anything else
   */
  public static int year(Path file, long line, String column, String text) {
    if (text.isBlank()) {
      throw BadInputException.at(file, line, column, "missing value");
    }
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw problem(
          file, line, column, "a year must be an integer, found '" + shown(text) + "'", e);
    }
  }

  /**
   * An integer (surrounding blanks allowed), or {@code otherwise} for a cell that is not one (a
   * null too).
   */
  public static long integerOr(String text, long otherwise) {
    if (text == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /**
   * A problem in a file with its cause, in the message format of {@link BadInputException#at}.
   *
   * @param line the line number, negative for none
   * @param column the column name, null for none
   */
  public static BadInputException problem(
      Path file, long line, String column, String problem, Throwable cause) {
    return new BadInputException(
        BadInputException.at(file, line, column, problem).getMessage(), cause);
  }

  /** The text as quoted in messages: cut after {@link #MAX_SHOWN_TEXT} characters. */
  public static String shown(String text) {
    return text.length() <= MAX_SHOWN_TEXT ? text : text.substring(0, MAX_SHOWN_TEXT) + "...";
  }
}
