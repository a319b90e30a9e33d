package io.firmsim.serving.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.macro.MacroPathReader;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.population.PopulationCsvReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the population and the macro path of a request with the readers of {@code firmsim simulate}
 * ({@link PopulationCsvReader}, {@link MacroPathReader}), so that a request is checked exactly as
 * the same file given to the command: same rules, same values, same re-balancing.
 *
 * <p>The readers take files, so the request's data is put in a file of the request's temporary
 * folder first: CSV text as it is, JSON rows as one CSV line per row (a number as its JSON text,
 * which {@link Double#parseDouble} reads as a JSON parser does; the columns are the keys of all
 * rows, a row without a key or with {@code null} gets an empty cell, which the reader refuses as a
 * missing value). The readers' messages name the file, row and column; here the file's name becomes
 * the request's field ({@code population_csv}, {@code population}, {@code macro}) or the body, and
 * for JSON rows the row becomes the index ({@code population[3], key 'CA': ...}).
 *
 * <p>Stateless.
 */
final class RequestInputs {
  private RequestInputs() {}

  /**
   * Reads a population written as CSV in {@code file}.
   *
   * @param label what the file is called in messages ({@code body}, {@code population_csv})
   */
  static Population readCsvPopulation(Path file, String label, Integer year, boolean rebalance)
      throws InferenceException {
    try {
      return PopulationCsvReader.read(file, year, rebalance);
    } catch (BadInputException e) {
      throw SimulationSettings.invalid(e.getMessage().replace(file.toString(), label));
    }
  }

  /**
   * Reads a population given as a JSON array of objects ({@code firm_id} and the state columns).
   *
   * @param file where to put the rows as CSV
   * @param maxFirms refused beyond, before anything is written
   */
  static Population readJsonPopulation(
      JsonNode rows, Path file, Integer year, boolean rebalance, int maxFirms)
      throws InferenceException, IOException {
    String field = "population";
    writeJsonRows(rows, file, field, maxFirms);
    try {
      return PopulationCsvReader.read(file, year, rebalance);
    } catch (BadInputException e) {
      throw SimulationSettings.invalid(jsonMessage(e.getMessage(), file, field));
    }
  }

  /**
   * Reads a macro path given as a JSON array of objects with {@code year}, {@code dgnp} and {@code
   * realr}, for the reported years {@code startYear ..} as {@code firmsim simulate --macro} does.
   */
  static MacroPath readJsonMacro(JsonNode rows, Path file, int startYear, int years)
      throws InferenceException, IOException {
    String field = "macro";
    writeJsonRows(rows, file, field, Integer.MAX_VALUE);
    try {
      return MacroPathReader.read(file, startYear, years);
    } catch (BadInputException e) {
      throw SimulationSettings.invalid(jsonMessage(e.getMessage(), file, field));
    }
  }

  /** Writes the rows of a JSON array of flat objects as CSV, one line per row after the header. */
  private static void writeJsonRows(JsonNode rows, Path file, String field, int maxRows)
      throws InferenceException, IOException {
    if (!rows.isArray()) {
      throw SimulationSettings.invalid(
          "'" + field + "' must be an array of objects, found " + SimulationSettings.shown(rows));
    }
    if (rows.isEmpty()) {
      throw SimulationSettings.invalid("'" + field + "' is empty: it needs at least one row");
    }
    if (rows.size() > maxRows) {
      throw SimulationSettings.invalid(
          "'"
              + field
              + "' has "
              + rows.size()
              + " firms, more than the limit of "
              + maxRows
              + " firms (maxFirms)");
    }
    Map<String, Integer> columns = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      if (!row.isObject()) {
        throw SimulationSettings.invalid(
            field + "[" + i + "] must be an object, found " + SimulationSettings.shown(row));
      }
      for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (key.isEmpty() || key.chars().anyMatch(c -> c == ',' || c == '"' || c < ' ')) {
          throw SimulationSettings.invalid(
              field + "[" + i + "]: '" + key + "' is not a column name");
        }
        columns.putIfAbsent(key, columns.size());
      }
    }
    List<String> names = new ArrayList<>(columns.keySet());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(String.join(",", names));
      w.write('\n');
      String[] cells = new String[names.size()];
      for (int i = 0; i < rows.size(); i++) {
        JsonNode row = rows.get(i);
        for (int c = 0; c < cells.length; c++) {
          JsonNode v = row.get(names.get(c));
          if (v == null || v.isNull()) {
            cells[c] = "";
          } else if (v.isNumber()) {
            cells[c] = v.asText();
          } else {
            throw SimulationSettings.invalid(
                field
                    + "["
                    + i
                    + "], key '"
                    + names.get(c)
                    + "': must be a number, found "
                    + SimulationSettings.shown(v));
          }
        }
        w.write(String.join(",", cells));
        w.write('\n');
      }
    }
  }

  private static final Pattern LOCATION =
      Pattern.compile("^, row (\\d+)(?:, column '([^']*)')?|^, column '([^']*)'");
  private static final Pattern LINE = Pattern.compile("line (\\d+)");

  /**
   * A reader's message about the CSV of JSON rows, in terms of the JSON: {@code FILE, row R, column
   * 'C': ...} becomes {@code FIELD[R-2], key 'C': ...} (the header, line 1, is the field itself),
   * and {@code line L} in the text becomes {@code FIELD[L-2]}.
   */
  static String jsonMessage(String message, Path file, String field) {
    String path = file.toString();
    if (!message.startsWith(path)) {
      return message;
    }
    String rest = message.substring(path.length());
    StringBuilder out = new StringBuilder(field);
    Matcher m = LOCATION.matcher(rest);
    if (m.find()) {
      if (m.group(1) != null) {
        long row = Long.parseLong(m.group(1));
        if (row > 1) {
          out.append('[').append(row - 2).append(']');
        }
        if (m.group(2) != null) {
          out.append(", key '").append(m.group(2)).append('\'');
        }
      } else {
        out.append(", key '").append(m.group(3)).append('\'');
      }
      rest = rest.substring(m.end());
    }
    return out
        + LINE.matcher(rest)
            .replaceAll(
                r ->
                    Matcher.quoteReplacement(field + "[" + (Long.parseLong(r.group(1)) - 2) + "]"));
  }
}
