package io.firmsim.simulator.report;

import io.firmsim.simulator.report.ReportData.Estimate;
import java.util.Locale;

/**
 * Text helpers of the scenario report: escaping for HTML and Markdown, file-name slugs, and the
 * number formats every table and axis uses (shares as percentages, amounts in SEK scaled to
 * thousands, millions or billions with the unit named, years with one decimal). Formats use {@link
 * Locale#ROOT} so a report reads the same on every machine. Class is stateless and thread-safe.
 */
final class ReportText {

  /** Shown where a number is undefined (NaN), e.g. a median recovery time never reached. */
  static final String NONE = "\u2013";

  private ReportText() {}

  /**
   * Escapes {@code & < > " '} so that any text from the data is inert in HTML text or attributes.
   */
  static String html(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Escapes text for a Markdown table cell or heading: HTML's special characters as entities (a
   * Markdown renderer passes raw HTML through), pipes, backslashes and Markdown's emphasis, code
   * and link characters with a backslash, line breaks as spaces.
   */
  static String markdown(String text) {
    String escaped = html(text.replace('\r', ' ').replace('\n', ' '));
    StringBuilder out = new StringBuilder(escaped.length() + 8);
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if ("\\|*_`[]#".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * A file-name part from any text: lower case ASCII letters and digits, other runs replaced by one
   * {@code -}, none at either end; {@code x} when nothing is left.
   */
  static String slug(String text) {
    StringBuilder out = new StringBuilder();
    boolean dash = false;
    for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (dash && out.length() > 0) {
          out.append('-');
        }
        out.append(c);
        dash = false;
      } else {
        dash = true;
      }
    }
    return out.length() == 0 ? "x" : out.toString();
  }

  /** A share (0.623) as a percentage with one decimal ({@code 62.3%}); NaN as {@link #NONE}. */
  static String percent(double share) {
    return Double.isNaN(share) ? NONE : String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  /** A share's confidence interval ({@code 58.1–66.4%}); empty when either end is NaN. */
  static String percentInterval(Estimate e) {
    if (Double.isNaN(e.low()) || Double.isNaN(e.high()) || Double.isNaN(e.mean())) {
      return "";
    }
    return String.format(Locale.ROOT, "%.1f\u2013%.1f%%", 100 * e.low(), 100 * e.high());
  }

  /** Years with one decimal ({@code 2.5 y}); NaN as {@link #NONE}. */
  static String years(double years) {
    return Double.isNaN(years) ? NONE : String.format(Locale.ROOT, "%.1f y", years);
  }

  /** A years interval ({@code 1.5–3.0 y}); empty when either end is NaN. */
  static String yearsInterval(Estimate e) {
    if (Double.isNaN(e.low()) || Double.isNaN(e.high()) || Double.isNaN(e.mean())) {
      return "";
    }
    return String.format(Locale.ROOT, "%.1f\u2013%.1f y", e.low(), e.high());
  }

  /** A weighted count of firms with thousands separators ({@code 12,346}). */
  static String count(double firms) {
    return Double.isNaN(firms) ? NONE : String.format(Locale.ROOT, "%,.0f", firms);
  }

  /**
   * A ratio's value with about three significant digits: {@code 1,234}, {@code 12.3}, {@code 1.23},
   * {@code 0.123}; NaN as {@link #NONE}.
   */
  static String ratio(double value) {
    if (Double.isNaN(value)) {
      return NONE;
    }
    if (value == 0) {
      return "0";
    }
    double a = Math.abs(value);
    String pattern =
        a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, value);
  }

  /**
   * How values of one unit are shown: divided by {@code divisor} and labelled {@code label}. SEK
   * amounts become thousands, millions or billions of SEK after the largest magnitude shown; shares
   * become percentages; other units are shown as they are.
   *
   * @param divisor what values are divided by before display
   * @param label the unit after scaling, for axis titles and table cells
   */
  record Scale(double divisor, String label) {

    /** The scale for values of {@code unit} whose largest magnitude is {@code maxAbs}. */
    static Scale of(String unit, double maxAbs) {
      String u = unit.trim();
      if (u.equalsIgnoreCase("share")) {
        return new Scale(0.01, "%");
      }
      if (u.equalsIgnoreCase("SEK")) {
        if (maxAbs >= 1e9) {
          return new Scale(1e9, "bn SEK");
        }
        if (maxAbs >= 1e6) {
          return new Scale(1e6, "M SEK");
        }
        if (maxAbs >= 1e3) {
          return new Scale(1e3, "k SEK");
        }
        return new Scale(1, "SEK");
      }
      return new Scale(1, u);
    }

    /** The value divided by the divisor. */
    double apply(double value) {
      return value / divisor;
    }

    /** A range with the unit once: {@code 696–725 bn SEK}, {@code 2.95–5.33%}. */
    String formatRange(double low, double high) {
      if (Double.isNaN(low) || Double.isNaN(high)) {
        return NONE;
      }
      String range = ratio(apply(low)) + "\u2013" + ratio(apply(high));
      if (label.equals("%")) {
        return range + "%";
      }
      return label.isEmpty() ? range : range + " " + label;
    }

    /** The scaled value with about three significant digits and the unit: {@code 12.3 bn SEK}. */
    String format(double value) {
      if (Double.isNaN(value)) {
        return NONE;
      }
      String number = ratio(apply(value));
      if (label.equals("%")) {
        return number + "%";
      }
      return label.isEmpty() ? number : number + " " + label;
    }
  }
}
