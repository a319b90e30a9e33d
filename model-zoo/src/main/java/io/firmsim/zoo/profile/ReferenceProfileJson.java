package io.firmsim.zoo.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.modelspec.ModelSpecException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of a {@link ReferenceProfile}, the {@code referenceProfile} block of a model file:
 *
 * <pre>{@code
 * "referenceProfile": {
 *   "format": "firmsim-reference-profile", "formatVersion": 1, "bins": 10,
 *   "graphs": {
 *     "year": { "input": "state", "features": [
 *       { "name": "CA", "edges": [ ... ], "proportions": [ ... ], "count": 5000 }, ... ] },
 *     "T01": { "input": "features", "features": [ ... ] }, ...
 *   }
 * }
 * }</pre>
 *
 * <p>{@code edges} are the interior cut points (finite, strictly increasing), {@code proportions}
 * one more value (the share of rows per bin, summing to 1), {@code count} the rows profiled (see
 * {@link FeatureProfile}). Reading refuses an unknown {@code format} or {@code formatVersion}, a
 * missing or unknown key and inconsistent values with a {@link ModelSpecException} whose message
 * names the source and the key path ({@code model.json: referenceProfile.graphs.T03.features[2]:
 * ...}). Doubles are written in Jackson's shortest round-trip form, so a read profile equals the
 * written one exactly.
 *
 * <p>Stateless and thread-safe.
 */
public final class ReferenceProfileJson {
  /** The key of the block in a model file. */
  public static final String KEY = "referenceProfile";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> TOP_KEYS = Set.of("format", "formatVersion", "bins", "graphs");
  private static final Set<String> GRAPH_KEYS = Set.of("input", "features");
  private static final Set<String> FEATURE_KEYS = Set.of("name", "edges", "proportions", "count");

  private ReferenceProfileJson() {}

  /** The profile as a JSON object. */
  public static ObjectNode toJson(ReferenceProfile profile) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", ReferenceProfile.FORMAT);
    root.put("formatVersion", ReferenceProfile.FORMAT_VERSION);
    root.put("bins", profile.bins());
    ObjectNode graphs = root.putObject("graphs");
    for (GraphProfile g : profile.graphs()) {
      ObjectNode gn = graphs.putObject(g.graph());
      gn.put("input", g.input());
      ArrayNode fs = gn.putArray("features");
      for (FeatureProfile f : g.features()) {
        fs.add(featureToJson(f));
      }
    }
    return root;
  }

  /** One column's entry: {@code name}, {@code edges}, {@code proportions}, {@code count}. */
  public static ObjectNode featureToJson(FeatureProfile f) {
    ObjectNode fn = MAPPER.createObjectNode();
    fn.put("name", f.name());
    ArrayNode e = fn.putArray("edges");
    for (double v : f.edges()) {
      e.add(v);
    }
    ArrayNode p = fn.putArray("proportions");
    for (double v : f.proportions()) {
      p.add(v);
    }
    fn.put("count", f.count());
    return fn;
  }

  /**
   * Reads a {@code referenceProfile} block.
   *
   * @param source how messages name the file ({@code .../model.json})
   * @throws ModelSpecException naming the source and the key path of what is wrong
   */
  public static ReferenceProfile parse(JsonNode node, String source) {
    String where = source + ": " + KEY;
    if (node == null || !node.isObject()) {
      throw new ModelSpecException(where + ": must be an object");
    }
    checkKeys(node, TOP_KEYS, where);
    JsonNode format = node.get("format");
    if (format == null || !format.isTextual() || !format.asText().equals(ReferenceProfile.FORMAT)) {
      throw new ModelSpecException(
          where
              + ".format: must be '"
              + ReferenceProfile.FORMAT
              + "', found "
              + (format == null ? "nothing" : format.toString()));
    }
    JsonNode version = node.get("formatVersion");
    if (version == null || !version.isIntegralNumber()) {
      throw new ModelSpecException(where + ".formatVersion: must be an integer");
    }
    if (version.asLong() != ReferenceProfile.FORMAT_VERSION) {
      throw new ModelSpecException(
          where
              + ".formatVersion: unsupported reference profile format version "
              + version.asText()
              + " (this build reads "
              + ReferenceProfile.FORMAT_VERSION
              + ")");
    }
    JsonNode bins = node.get("bins");
    if (bins == null || !bins.isIntegralNumber()) {
      throw new ModelSpecException(where + ".bins: must be an integer");
    }
    JsonNode graphs = node.get("graphs");
    if (graphs == null || !graphs.isObject()) {
      throw new ModelSpecException(where + ".graphs: must be an object");
    }
    List<GraphProfile> parsed = new ArrayList<>();
    for (Iterator<String> it = graphs.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      parsed.add(graph(name, graphs.get(name), where + ".graphs." + name));
    }
    try {
      return ReferenceProfile.of(bins.asInt(), parsed);
    } catch (IllegalArgumentException e) {
      throw new ModelSpecException(where + ": " + e.getMessage(), e);
    }
  }

  private static GraphProfile graph(String name, JsonNode g, String where) {
    if (!ReferenceProfile.isGraphName(name)) {
      throw new ModelSpecException(where + ": unknown graph (known: year, T01 .. T24)");
    }
    if (!g.isObject()) {
      throw new ModelSpecException(where + ": must be an object");
    }
    checkKeys(g, GRAPH_KEYS, where);
    JsonNode input = g.get("input");
    if (input == null || !input.isTextual()) {
      throw new ModelSpecException(where + ".input: must be a string");
    }
    JsonNode fs = g.get("features");
    if (fs == null || !fs.isArray()) {
      throw new ModelSpecException(where + ".features: must be an array");
    }
    List<FeatureProfile> features = new ArrayList<>();
    for (int i = 0; i < fs.size(); i++) {
      features.add(featureFromJson(fs.get(i), where + ".features[" + i + "]"));
    }
    try {
      return new GraphProfile(name, input.asText(), features);
    } catch (IllegalArgumentException e) {
      throw new ModelSpecException(where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads one column's entry ({@link #featureToJson}).
   *
   * @param where how messages name the entry (file and key path)
   * @throws ModelSpecException naming {@code where} and what is wrong
   */
  public static FeatureProfile featureFromJson(JsonNode f, String where) {
    if (!f.isObject()) {
      throw new ModelSpecException(where + ": must be an object");
    }
    checkKeys(f, FEATURE_KEYS, where);
    JsonNode name = f.get("name");
    if (name == null || !name.isTextual()) {
      throw new ModelSpecException(where + ".name: must be a string");
    }
    JsonNode count = f.get("count");
    if (count == null || !count.canConvertToLong() || !count.isIntegralNumber()) {
      throw new ModelSpecException(where + ".count: must be an integer");
    }
    double[] edges = numbers(f.get("edges"), where + ".edges");
    double[] proportions = numbers(f.get("proportions"), where + ".proportions");
    try {
      return FeatureProfile.of(name.asText(), edges, proportions, count.asLong());
    } catch (IllegalArgumentException e) {
      throw new ModelSpecException(where + " (" + name.asText() + "): " + e.getMessage(), e);
    }
  }

  private static double[] numbers(JsonNode v, String where) {
    if (v == null || !v.isArray()) {
      throw new ModelSpecException(where + ": must be an array of numbers");
    }
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) {
        throw new ModelSpecException(where + "[" + i + "]: must be a number, found " + v.get(i));
      }
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  private static void checkKeys(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new ModelSpecException(where + ": unknown key '" + k + "'");
      }
    }
  }
}
