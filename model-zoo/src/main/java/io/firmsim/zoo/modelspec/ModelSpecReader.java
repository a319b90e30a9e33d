package io.firmsim.zoo.modelspec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.zoo.profile.ReferenceProfileJson;
import io.firmsim.zoo.vocabulary.Feature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model file (the format of {@code shahnazarian-2004.json}) into a validated {@link
 * ModelSpec}. Every problem is reported as a {@link ModelSpecException} whose message names the
 * file, and where it applies the equation ({@code T3 (IMA)}) and the submodel.
 *
 * <p>Format: an object with {@code name}, optional {@code title}, {@code source}, {@code units}
 * (must be SEK), {@code formatVersion} (absent means 1; newer versions are refused), {@code
 * constants} and {@code equations}; each equation has {@code table}, {@code target}, {@code method}
 * and {@code submodels}. Unknown keys are refused so a typo never goes unnoticed. The optional
 * {@code provenance} and {@code fit} objects are kept in the {@link ModelSpec} as they are, so a
 * model read and written again ({@link ModelSpecWriter}) still says where it came from. The
 * optional {@code referenceProfile} block is read by {@link ReferenceProfileJson} (unknown keys and
 * format versions refused, naming the key path) and must describe this model's graph inputs.
 */
public final class ModelSpecReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> TOP_KEYS =
      Set.of(
          "formatVersion",
          "name",
          "title",
          "source",
          "units",
          "constants",
          "equations",
          "provenance",
          "fit",
          ReferenceProfileJson.KEY);
  private static final Set<String> CONSTANT_KEYS =
      Set.of(
          "tax_rate",
          "allocation_rate",
          "declining_balance_rate",
          "rest_value_rate",
          "min_share_capital");
  private static final Set<String> EQUATION_KEYS = Set.of("table", "target", "method", "submodels");
  private static final Set<String> SUBMODEL_KEYS =
      Set.of(
          "features",
          "coefficients",
          "family",
          "link",
          "intercept",
          "intercepts",
          "scale",
          "distribution",
          // written by fit-model; read for level noise (residuals), otherwise informational
          "standardErrors",
          "logLikelihood",
          "objective",
          "iterations",
          "converged",
          "nObs",
          "notIdentified",
          "seconds",
          "residuals");

  private ModelSpecReader() {}

  /** Reads and validates a model file. */
  public static ModelSpec read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new ModelSpecException(file + ": cannot read model file: " + e.getMessage(), e);
    }
  }

  /**
   * Reads and validates a model from a stream.
   *
   * @param sourceName how messages name the source (a file name or resource)
   */
  public static ModelSpec read(InputStream in, String sourceName) {
    JsonNode root;
    try {
      root = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new ModelSpecException(
          sourceName
              + ": not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() != null
                  ? " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"
                  : ""),
          e);
    } catch (IOException e) {
      throw new ModelSpecException(sourceName + ": cannot read model: " + e.getMessage(), e);
    }
    return parse(root, sourceName);
  }

  /** Validates a model given as a JSON tree. */
  public static ModelSpec parse(JsonNode root, String src) {
    if (root == null || !root.isObject()) {
      throw new ModelSpecException(src + ": a model file must hold a JSON object");
    }
    checkKeys(root, TOP_KEYS, src + ": top level");
    int version = root.has("formatVersion") ? intValue(root, "formatVersion", src) : 1;
    if (version < 1 || version > ModelSpec.FORMAT_VERSION) {
      throw new ModelSpecException(
          src
              + ": unsupported model format version "
              + version
              + " (this build reads 1.."
              + ModelSpec.FORMAT_VERSION
              + ")");
    }
    String name = text(root, "name", src, true);
    String units = text(root, "units", src, false);
    if (units != null && !units.equals("SEK")) {
      throw new ModelSpecException(src + ": units must be SEK, found '" + units + "'");
    }
    ModelConstants constants = constants(root.get("constants"), src);
    JsonNode eqs = root.get("equations");
    if (eqs == null || !eqs.isArray()) {
      throw new ModelSpecException(src + ": 'equations' must be an array");
    }
    EquationSpec[] byTable = new EquationSpec[ModelSpec.TARGETS.size()];
    for (JsonNode e : eqs) {
      EquationSpec spec = equation(e, src);
      if (byTable[spec.table() - 1] != null) {
        throw new ModelSpecException(src + ": equation T" + spec.table() + " appears twice");
      }
      byTable[spec.table() - 1] = spec;
    }
    for (int i = 0; i < byTable.length; i++) {
      if (byTable[i] == null) {
        throw new ModelSpecException(
            src + ": equation T" + (i + 1) + " (" + ModelSpec.TARGETS.get(i) + ") is missing");
      }
    }
    JsonNode profileNode = root.get(ReferenceProfileJson.KEY);
    io.firmsim.zoo.profile.ReferenceProfile profile =
        profileNode == null || profileNode.isNull()
            ? null
            : ReferenceProfileJson.parse(profileNode, src);
    try {
      return new ModelSpec(
          name,
          text(root, "title", src, false),
          text(root, "source", src, false),
          constants,
          List.of(byTable),
          object(root, "provenance", src),
          object(root, "fit", src),
          profile);
    } catch (ModelSpecException e) {
      throw new ModelSpecException(src + ": " + e.getMessage(), e);
    }
  }

  private static ModelConstants constants(JsonNode c, String src) {
    if (c == null || !c.isObject()) {
      throw new ModelSpecException(src + ": 'constants' must be an object");
    }
    String where = src + ": constants";
    checkKeys(c, CONSTANT_KEYS, where);
    try {
      return new ModelConstants(
          number(c, "tax_rate", where),
          number(c, "allocation_rate", where),
          number(c, "declining_balance_rate", where),
          number(c, "rest_value_rate", where),
          number(c, "min_share_capital", where));
    } catch (IllegalArgumentException e) {
      throw new ModelSpecException(where + ": " + e.getMessage(), e);
    }
  }

  private static EquationSpec equation(JsonNode e, String src) {
    if (!e.isObject()) {
      throw new ModelSpecException(src + ": every equation must be an object");
    }
    int table = intValue(e, "table", src + ": equation");
    if (table < 1 || table > ModelSpec.TARGETS.size()) {
      throw new ModelSpecException(
          src + ": equation table " + table + " is outside 1.." + ModelSpec.TARGETS.size());
    }
    String expected = ModelSpec.TARGETS.get(table - 1);
    String label = src + ": equation T" + table + " (" + expected + ")";
    checkKeys(e, EQUATION_KEYS, label);
    String target = text(e, "target", label, true);
    if (!target.equals(expected)) {
      throw new ModelSpecException(
          label + ": target must be " + expected + ", found '" + target + "'");
    }
    String methodText = text(e, "method", label, true);
    Method method;
    try {
      method = Method.valueOf(methodText);
    } catch (IllegalArgumentException ex) {
      throw new ModelSpecException(
          label + ": unknown method '" + methodText + "' (known: HS, TOBIT, LLG, LLN, MUNO, LSG)");
    }
    JsonNode subs = e.get("submodels");
    if (subs == null || !subs.isObject()) {
      throw new ModelSpecException(label + ": 'submodels' must be an object");
    }
    Map<String, SubmodelSpec> parsed = new HashMap<>();
    for (Iterator<String> it = subs.fieldNames(); it.hasNext(); ) {
      String sub = it.next();
      if (!method.submodels().contains(sub)) {
        throw new ModelSpecException(
            label
                + ": method "
                + method
                + " has no submodel '"
                + sub
                + "' (it needs "
                + method.submodels()
                + ")");
      }
      parsed.put(sub, submodel(subs.get(sub), sub, method, label));
    }
    for (String sub : method.submodels()) {
      if (!parsed.containsKey(sub)) {
        throw new ModelSpecException(
            label + ": method " + method + " needs submodel '" + sub + "', which is missing");
      }
    }
    return new EquationSpec(table, target, method, parsed);
  }

  private static SubmodelSpec submodel(JsonNode s, String name, Method method, String label) {
    String where = label + ", submodel '" + name + "'";
    if (!s.isObject()) {
      throw new ModelSpecException(where + ": must be an object");
    }
    checkKeys(s, SUBMODEL_KEYS, where);
    Family family = enumValue(Family.class, text(s, "family", where, true), "family", where);
    Family expected = method.familyOf(name);
    if (family != expected) {
      throw new ModelSpecException(
          where
              + ": method "
              + method
              + " needs family '"
              + expected.jsonName()
              + "', found '"
              + family.jsonName()
              + "'");
    }
    String linkText = text(s, "link", where, false);
    Link link = linkText == null ? null : enumValue(Link.class, linkText, "link", where);
    if (link != null && family != Family.HUBER && link != method.link()) {
      throw new ModelSpecException(
          where
              + ": method "
              + method
              + " needs link '"
              + method.link().jsonName()
              + "', found '"
              + link.jsonName()
              + "'");
    }
    if (family == Family.TOBIT) {
      String dist = text(s, "distribution", where, false);
      if (dist != null && !dist.equals("logistic")) {
        throw new ModelSpecException(
            where + ": Tobit distribution must be 'logistic', found '" + dist + "'");
      }
    }
    JsonNode feats = s.get("features");
    if (feats == null || !feats.isArray()) {
      throw new ModelSpecException(where + ": 'features' must be an array of names");
    }
    List<Feature> features = new ArrayList<>();
    for (JsonNode f : feats) {
      String fname = f.asText();
      features.add(
          Feature.byName(fname)
              .orElseThrow(
                  () -> new ModelSpecException(where + ": unknown feature '" + fname + "'")));
    }
    double[] coefficients = numbers(s.get("coefficients"), "coefficients", where);
    double[] intercepts;
    if (family == Family.ORDINAL3) {
      if (s.has("intercept")) {
        throw new ModelSpecException(where + ": ordinal models take 'intercepts', not 'intercept'");
      }
      intercepts = numbers(s.get("intercepts"), "intercepts", where);
    } else {
      if (s.has("intercepts")) {
        throw new ModelSpecException(where + ": only ordinal models take 'intercepts'");
      }
      intercepts = new double[] {number(s, "intercept", where)};
    }
    double scale = family == Family.TOBIT ? number(s, "scale", where) : Double.NaN;
    if (family != Family.TOBIT && s.has("scale")) {
      throw new ModelSpecException(where + ": only Tobit submodels take a 'scale'");
    }
    ResidualNoise noise = null;
    JsonNode res = s.get("residuals");
    if (res != null && !res.isNull()) {
      if (family != Family.HUBER) {
        throw new ModelSpecException(where + ": only Huber levels take 'residuals'");
      }
      JsonNode su = res.get("johnsonSu");
      if (su == null || !su.isObject()) {
        throw new ModelSpecException(where + ": 'residuals' needs a 'johnsonSu' object");
      }
      String w = where + ", residuals.johnsonSu";
      try {
        noise =
            new ResidualNoise(
                number(su, "xi", w),
                number(su, "lambda", w),
                number(su, "gamma", w),
                number(su, "delta", w));
      } catch (IllegalArgumentException ex) {
        throw new ModelSpecException(w + ": " + ex.getMessage(), ex);
      }
    }
    try {
      return SubmodelSpec.of(name, family, link, features, coefficients, intercepts, scale, noise);
    } catch (IllegalArgumentException ex) {
      throw new ModelSpecException(where + ": " + ex.getMessage(), ex);
    }
  }

  /** An optional object-valued key: null when absent or null. */
  private static JsonNode object(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new ModelSpecException(where + ": '" + key + "' must be an object");
    }
    return v;
  }

  private static void checkKeys(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new ModelSpecException(where + ": unknown key '" + k + "'");
      }
    }
  }

  private static <E extends Enum<E>> E enumValue(
      Class<E> type, String text, String key, String where) {
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelSpecException(where + ": unknown " + key + " '" + text + "'");
    }
  }

  private static String text(JsonNode node, String key, String where, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw new ModelSpecException(where + ": '" + key + "' is missing");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new ModelSpecException(where + ": '" + key + "' must be a string");
    }
    return v.asText();
  }

  private static double number(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.isNumber()) {
      throw new ModelSpecException(where + ": '" + key + "' must be a number");
    }
    return v.asDouble();
  }

  private static int intValue(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || !v.isIntegralNumber()) {
      throw new ModelSpecException(where + ": '" + key + "' must be an integer");
    }
    return v.asInt();
  }

  private static double[] numbers(JsonNode v, String key, String where) {
    if (v == null || !v.isArray()) {
      throw new ModelSpecException(where + ": '" + key + "' must be an array of numbers");
    }
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) {
        throw new ModelSpecException(
            where + ": '" + key + "'[" + i + "] must be a number, found " + v.get(i));
      }
      out[i] = v.get(i).asDouble();
    }
    return out;
  }
}
