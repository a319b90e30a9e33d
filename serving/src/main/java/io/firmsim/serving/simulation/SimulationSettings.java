package io.firmsim.serving.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.serving.inference.InferenceException;
import io.firmsim.serving.inference.InferenceException.Reason;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.util.Fields;

/**
 * The settings of one simulation request other than the population and the macro path, with the
 * defaults of {@code firmsim simulate} for a given population: 10 years, seed 1, sample mode,
 * float64, first year 1, no burn-in, the djl backend, no panel.
 *
 * <p>They come from the fields of a JSON body or from the query parameters of a CSV body; every
 * refusal names the field. Class is immutable.
 */
record SimulationSettings(
    int years,
    long seed,
    ForwardMode mode,
    Precision precision,
    int startYear,
    int burnIn,
    Backend backend,
    boolean panel,
    Integer populationYear) {

  /** Largest first year in magnitude, as for {@code firmsim simulate --start-year}. */
  static final int MAX_START_YEAR = 1_000_000;

  /** Fields of a JSON body that are not settings: the population and the macro path. */
  static final Set<String> DATA_FIELDS = Set.of("population", "population_csv", "macro");

  private static final List<String> INTEGERS =
      List.of("years", "seed", "start_year", "burn_in", "population_year");
  private static final List<String> TEXTS = List.of("mode", "dtype", "backend");
  private static final String PANEL = "panel";

  /** Every setting's name, for messages. */
  private static final String KNOWN =
      "years, seed, mode, dtype, start_year, burn_in, backend, panel, population_year";

  /** The settings among the fields of a JSON body; the data fields are left to the caller. */
  static SimulationSettings fromJson(JsonNode body) throws InferenceException {
    Map<String, String> given = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode value = e.getValue();
      if (DATA_FIELDS.contains(name)) {
        continue;
      }
      if (INTEGERS.contains(name)) {
        if (value.isNull()) {
          continue;
        }
        if (!value.isIntegralNumber()) {
          throw invalid("'" + name + "' must be an integer, found " + shown(value));
        }
      } else if (TEXTS.contains(name)) {
        if (!value.isTextual()) {
          throw invalid("'" + name + "' must be a string, found " + shown(value));
        }
      } else if (name.equals(PANEL)) {
        if (!value.isBoolean()) {
          throw invalid("'panel' must be true or false, found " + shown(value));
        }
      } else {
        throw invalid(
            "unknown field '"
                + name
                + "'; a simulation request has population or population_csv, macro, and the"
                + " settings "
                + KNOWN);
      }
      given.put(name, value.asText());
    }
    return parse(given);
  }

  /** The settings given as query parameters (with a CSV body). */
  static SimulationSettings fromQuery(Fields query) throws InferenceException {
    Map<String, String> given = new HashMap<>();
    for (Fields.Field f : query) {
      String name = f.getName();
      if (!INTEGERS.contains(name) && !TEXTS.contains(name) && !name.equals(PANEL)) {
        throw invalid(
            "unknown query parameter '"
                + name
                + "'"
                + (DATA_FIELDS.contains(name)
                    ? " (" + name + " goes in a JSON body; a CSV body is the population)"
                    : "")
                + "; the settings are "
                + KNOWN);
      }
      if (f.getValues().size() != 1) {
        throw invalid("query parameter '" + name + "' is given " + f.getValues().size() + " times");
      }
      given.put(name, f.getValue());
    }
    return parse(given);
  }

  private static SimulationSettings parse(Map<String, String> given) throws InferenceException {
    int years = intOf(given, "years", 10);
    long seed = longOf(given, "seed", 1);
    ForwardMode mode = choice(given, "mode", "sample", ForwardMode.class, "sample or mean");
    String dtype = given.getOrDefault("dtype", "float64");
    Precision precision;
    switch (dtype) {
      case "float64":
        precision = Precision.FLOAT64;
        break;
      case "float32":
        precision = Precision.FLOAT32;
        break;
      default:
        throw invalid("'dtype' must be float32 or float64, found '" + dtype + "'");
    }
    int startYear = intOf(given, "start_year", 1);
    int burnIn = intOf(given, "burn_in", 0);
    Backend backend = choice(given, "backend", "djl", Backend.class, "djl or onnx");
    boolean panel;
    String p = given.getOrDefault(PANEL, "false");
    if (p.equals("true")) {
      panel = true;
    } else if (p.equals("false")) {
      panel = false;
    } else {
      throw invalid("'panel' must be true or false, found '" + p + "'");
    }
    Integer populationYear =
        given.containsKey("population_year") ? intOf(given, "population_year", 0) : null;
    if (years < 1) {
      throw invalid("'years' must be at least 1, found " + years);
    }
    if (burnIn < 0) {
      throw invalid("'burn_in' must be 0 or more, found " + burnIn);
    }
    if (Math.abs((long) startYear) > MAX_START_YEAR) {
      throw invalid(
          "'start_year' must be between -"
              + MAX_START_YEAR
              + " and "
              + MAX_START_YEAR
              + ", found "
              + startYear);
    }
    return new SimulationSettings(
        years, seed, mode, precision, startYear, burnIn, backend, panel, populationYear);
  }

  /** Refuses years or burn-in beyond the limits, naming the limit. */
  void check(SimulationLimits limits) throws InferenceException {
    if (years > limits.maxYears()) {
      throw invalid(
          "'years' is "
              + years
              + ", more than the limit of "
              + limits.maxYears()
              + " years (maxYears)");
    }
    if (burnIn > limits.maxYears()) {
      throw invalid(
          "'burn_in' is "
              + burnIn
              + ", more than the limit of "
              + limits.maxYears()
              + " years (maxYears)");
    }
  }

  /** Years stepped per firm: burn-in plus reported years. */
  long simulatedYears() {
    return (long) years + burnIn;
  }

  private static int intOf(Map<String, String> given, String name, int otherwise)
      throws InferenceException {
    String text = given.get(name);
    if (text == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw invalid("'" + name + "' must be an integer, found '" + text + "'");
    }
  }

  private static long longOf(Map<String, String> given, String name, long otherwise)
      throws InferenceException {
    String text = given.get(name);
    if (text == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw invalid("'" + name + "' must be a 64-bit integer, found '" + text + "'");
    }
  }

  private static <E extends Enum<E>> E choice(
      Map<String, String> given, String name, String otherwise, Class<E> type, String allowed)
      throws InferenceException {
    String text = given.getOrDefault(name, otherwise);
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
        return e;
      }
    }
    throw invalid("'" + name + "' must be " + allowed + ", found '" + text + "'");
  }

  /** A JSON value as quoted in messages, cut after 60 characters. */
  static String shown(JsonNode value) {
    String s = value.toString();
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  static InferenceException invalid(String message) {
    return new InferenceException(Reason.INVALID, message);
  }
}
