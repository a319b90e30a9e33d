package io.firmsim.models.zoo;

import ai.djl.ndarray.types.DataType;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.util.Locale;
import java.util.Map;

/**
 * What a caller asks of a loaded year model, from the Criteria arguments {@value #MODE} ({@code
 * sample}, the default, or {@code mean}) and {@value #DTYPE} ({@code float64}, the default, or
 * {@code float32}). float64 is the default because it is the simulator's default and the precision
 * of the artifact's DJL parameters: a float64 prediction equals the simulator's year exactly.
 *
 * @param mode sample (uniform draws as input) or mean (expected values)
 * @param dtype the precision of inputs, outputs and the arithmetic
 */
public record YearSettings(ForwardMode mode, DataType dtype) {
  /** Criteria argument naming the forward mode. */
  public static final String MODE = "mode";

  /** Criteria argument naming the precision. */
  public static final String DTYPE = "dtype";

  /** The settings named by Criteria arguments, with the defaults where absent. */
  public static YearSettings of(Map<String, ?> arguments) {
    return of(arguments, "sample", "float64");
  }

  /**
   * The settings named by Criteria arguments, with the given defaults where absent.
   *
   * @throws ModelSpecException naming the argument when a value is unknown
   */
  static YearSettings of(Map<String, ?> arguments, String defaultMode, String defaultDtype) {
    Object m = arguments == null ? null : arguments.get(MODE);
    Object d = arguments == null ? null : arguments.get(DTYPE);
    ForwardMode mode;
    String ms = m == null ? defaultMode : m.toString().toLowerCase(Locale.ROOT);
    switch (ms) {
      case "sample":
        mode = ForwardMode.SAMPLE;
        break;
      case "mean":
        mode = ForwardMode.MEAN;
        break;
      default:
        throw new ModelSpecException("argument mode must be sample or mean, found '" + m + "'");
    }
    DataType dtype;
    String ds = d == null ? defaultDtype : d.toString().toLowerCase(Locale.ROOT);
    switch (ds) {
      case "float64":
        dtype = DataType.FLOAT64;
        break;
      case "float32":
        dtype = DataType.FLOAT32;
        break;
      default:
        throw new ModelSpecException(
            "argument dtype must be float32 or float64, found '" + d + "'");
    }
    return new YearSettings(mode, dtype);
  }

  /** {@code sample} or {@code mean}. */
  public String modeName() {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /** {@code float32} or {@code float64}. */
  public String dtypeName() {
    return dtype == DataType.FLOAT32 ? "float32" : "float64";
  }

  /**
   * The settings a year graph's name stands for ({@code onnx/year-mean-float32}, with or without
   * {@code .onnx}), or null when the name is not one.
   */
  static YearSettings ofGraphName(String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?:.*/)?year-(sample|mean)-(float32|float64)(?:\\.onnx)?")
            .matcher(name == null ? "" : name);
    return m.matches() ? of(Map.of(MODE, m.group(1), DTYPE, m.group(2))) : null;
  }

  /** The artifact's year graph for these settings, relative to the artifact directory. */
  public String onnxYearFile() {
    return "onnx/year-" + modeName() + "-" + dtypeName() + ".onnx";
  }
}
