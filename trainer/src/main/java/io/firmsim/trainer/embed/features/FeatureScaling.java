package io.firmsim.trainer.embed.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Robust standardisation of {@link FirmFeature}s, fitted on a training panel and stored with the
 * model so that the same firm-year maps to the same input wherever the model runs: {@code z =
 * clip((x - median) / scale, -CLIP, CLIP)} per ratio feature, where {@code scale} is the
 * interquartile range; indicators pass unchanged (center 0, scale 1).
 *
 * <p>Why median and IQR rather than mean and standard deviation: firm ratios have heavy tails even
 * after the signed-log transform (a few firms with near-empty denominators sit at the clip), and a
 * handful of them would move a mean and inflate a standard deviation, squeezing the bulk of firms
 * into a narrow band. When the IQR is 0 (a feature that is 0 for more than half of the firm-years,
 * such as a buildings investment rate) the standard deviation is used instead, and 1 when that is 0
 * too, so no scale is 0. Quantiles are the linear interpolation of the sorted values (type 7).
 *
 * <p>JSON form ({@link #toJson}): {@code {"format": "firmsim-feature-scaling", "formatVersion": 1,
 * "features": [names], "center": [...], "scale": [...]}}; {@link #fromJson} refuses another format,
 * version or feature list.
 *
 * <p>Class is immutable (arrays copied in and out) and thread-safe.
 */
public final class FeatureScaling {
  /** The format name of the JSON form. */
  public static final String FORMAT = "firmsim-feature-scaling";

  /** The format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  /** The bound of a standardised value. */
  public static final double CLIP = 10.0;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final double[] center;
  private final double[] scale;

  private FeatureScaling(double[] center, double[] scale) {
    this.center = center;
    this.scale = scale;
  }

  /**
   * A scaling with these statistics.
   *
   * @throws IllegalArgumentException for the wrong length, a non-finite center, a scale that is not
   *     finite and positive, or an indicator whose center and scale are not 0 and 1
   */
  public static FeatureScaling of(double[] center, double[] scale) {
    int f = FirmFeature.count();
    if (center.length != f || scale.length != f) {
      throw new IllegalArgumentException(
          "a feature scaling needs "
              + f
              + " centers and scales, found "
              + center.length
              + ", "
              + scale.length);
    }
    for (FirmFeature feature : FirmFeature.all()) {
      int i = feature.ordinal();
      if (!Double.isFinite(center[i]) || !(scale[i] > 0) || !Double.isFinite(scale[i])) {
        throw new IllegalArgumentException(
            feature
                + ": center must be finite and scale finite and positive, found "
                + center[i]
                + ", "
                + scale[i]);
      }
      if (feature.indicator() && (center[i] != 0 || scale[i] != 1)) {
        throw new IllegalArgumentException(
            feature + " is an indicator: its center must be 0 and its scale 1");
      }
    }
    return new FeatureScaling(center.clone(), scale.clone());
  }

  /**
   * Fits the scaling on feature rows (from {@link FirmFeatures#compute}).
   *
   * @throws IllegalArgumentException for no rows or a row of the wrong length
   */
  public static FeatureScaling fit(double[][] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length == 0) {
      throw new IllegalArgumentException("cannot fit a feature scaling on no rows");
    }
    int f = FirmFeature.count();
    double[] center = new double[f];
    double[] scale = new double[f];
    double[] column = new double[rows.length];
    for (FirmFeature feature : FirmFeature.all()) {
      int i = feature.ordinal();
      if (feature.indicator()) {
        scale[i] = 1;
        continue;
      }
      for (int r = 0; r < rows.length; r++) {
        if (rows[r].length != f) {
          throw new IllegalArgumentException(
              "row " + r + " has " + rows[r].length + " features, expected " + f);
        }
        column[r] = rows[r][i];
      }
      Arrays.sort(column);
      center[i] = quantile(column, 0.5);
      double iqr = quantile(column, 0.75) - quantile(column, 0.25);
      scale[i] = iqr > 0 ? iqr : standardDeviation(column);
      if (!(scale[i] > 0)) {
        scale[i] = 1;
      }
    }
    return of(center, scale);
  }

  /** The quantile {@code p} of sorted values, type 7 (linear interpolation). */
  static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double standardDeviation(double[] v) {
    double mean = 0;
    for (double x : v) {
      mean += x;
    }
    mean /= v.length;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / v.length);
  }

  /** The centers, in {@link FirmFeature} order (a copy). */
  public double[] center() {
    return center.clone();
  }

  /** The scales, in {@link FirmFeature} order (a copy). */
  public double[] scale() {
    return scale.clone();
  }

  /** The standardised value of feature {@code i} with transformed value {@code x}. */
  public double apply(int i, double x) {
    double z = (x - center[i]) / scale[i];
    return Math.max(-CLIP, Math.min(CLIP, z));
  }

  /** The standardised row (a new array). */
  public double[] apply(double[] row) {
    double[] z = new double[row.length];
    for (int i = 0; i < row.length; i++) {
      z[i] = apply(i, row[i]);
    }
    return z;
  }

  /** The JSON form. */
  public ObjectNode toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", FORMAT);
    o.put("formatVersion", FORMAT_VERSION);
    ArrayNode names = o.putArray("features");
    FirmFeature.names().forEach(names::add);
    ArrayNode c = o.putArray("center");
    ArrayNode s = o.putArray("scale");
    for (int i = 0; i < center.length; i++) {
      c.add(center[i]);
      s.add(scale[i]);
    }
    return o;
  }

  /**
   * Reads the JSON form.
   *
   * @throws IllegalArgumentException saying what is wrong (another format or version, another
   *     feature list, a value that is not a number)
   */
  public static FeatureScaling fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a feature scaling must be a JSON object");
    }
    if (!FORMAT.equals(node.path("format").asText(null))) {
      throw new IllegalArgumentException(
          "format must be '" + FORMAT + "', found " + node.get("format"));
    }
    JsonNode v = node.get("formatVersion");
    if (v == null || !v.isIntegralNumber() || v.asInt() != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported feature scaling format version "
              + v
              + " (this build reads "
              + FORMAT_VERSION
              + ")");
    }
    List<String> names = FirmFeature.names();
    JsonNode fs = node.get("features");
    if (fs == null || !fs.isArray() || fs.size() != names.size()) {
      throw new IllegalArgumentException("features: expected the list " + names);
    }
    for (int i = 0; i < names.size(); i++) {
      if (!names.get(i).equals(fs.get(i).asText())) {
        throw new IllegalArgumentException(
            "features["
                + i
                + "]: expected "
                + names.get(i)
                + ", found "
                + fs.get(i)
                + " (features of another build)");
      }
    }
    return of(numbers(node, "center", names.size()), numbers(node, "scale", names.size()));
  }

  private static double[] numbers(JsonNode node, String key, int n) {
    JsonNode a = node.get(key);
    if (a == null || !a.isArray() || a.size() != n) {
      throw new IllegalArgumentException(key + ": expected a list of " + n + " numbers");
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      if (!a.get(i).isNumber()) {
        throw new IllegalArgumentException(
            key + "[" + i + "]: expected a number, found " + a.get(i));
      }
      out[i] = a.get(i).doubleValue();
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureScaling s
        && Arrays.equals(center, s.center)
        && Arrays.equals(scale, s.scale);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(center) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "FeatureScaling(center="
        + Arrays.toString(center)
        + ", scale="
        + Arrays.toString(scale)
        + ")";
  }
}
