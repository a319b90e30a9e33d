package io.firmsim.zoo.modelspec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.profile.ReferenceProfileJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link ModelSpec} as a model file in the format {@link ModelSpecReader} reads: format
 * version, name, title, source, units, constants, the 24 equations with their submodels (features,
 * coefficients, intercept(s), link, Tobit scale, a level's residual distribution) and the {@code
 * provenance} and {@code fit} blocks unchanged, and the {@code referenceProfile} block when the
 * model has one. Reading the output gives an equal model with the same provenance. Fit statistics
 * of single submodels (standard errors, log-likelihood) are not part of a {@code ModelSpec} and are
 * not written.
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelSpecWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ModelSpecWriter() {}

  /** The model as a JSON tree. */
  public static ObjectNode toJson(ModelSpec spec) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("formatVersion", ModelSpec.FORMAT_VERSION);
    root.put("name", spec.name());
    if (spec.title() != null) {
      root.put("title", spec.title());
    }
    if (spec.source() != null) {
      root.put("source", spec.source());
    }
    root.put("units", "SEK");
    ModelConstants c = spec.constants();
    ObjectNode constants = root.putObject("constants");
    constants.put("tax_rate", c.taxRate());
    constants.put("allocation_rate", c.allocationRate());
    constants.put("declining_balance_rate", c.decliningBalanceRate());
    constants.put("rest_value_rate", c.restValueRate());
    constants.put("min_share_capital", c.minShareCapital());
    ArrayNode equations = root.putArray("equations");
    for (EquationSpec e : spec.equations()) {
      ObjectNode eq = equations.addObject();
      eq.put("table", e.table());
      eq.put("target", e.target());
      eq.put("method", e.method().name());
      ObjectNode subs = eq.putObject("submodels");
      for (SubmodelSpec s : e.submodels()) {
        subs.set(s.name(), submodel(s));
      }
    }
    spec.provenance().ifPresent(p -> root.set("provenance", p));
    spec.fit().ifPresent(f -> root.set("fit", f));
    spec.referenceProfile()
        .ifPresent(p -> root.set(ReferenceProfileJson.KEY, ReferenceProfileJson.toJson(p)));
    return root;
  }

  /** One submodel in the model-file shape. */
  public static ObjectNode submodel(SubmodelSpec s) {
    ObjectNode n = MAPPER.createObjectNode();
    ArrayNode f = n.putArray("features");
    s.features().forEach(x -> f.add(x.name()));
    ArrayNode c = n.putArray("coefficients");
    for (double v : s.coefficients()) {
      c.add(v);
    }
    n.put("family", s.family().jsonName());
    if (s.link() != null) {
      n.put("link", s.link().jsonName());
    }
    if (s.family() == Family.ORDINAL3) {
      n.putArray("intercepts").add(s.intercepts()[0]).add(s.intercepts()[1]);
    } else {
      n.put("intercept", s.intercept());
    }
    if (s.family() == Family.TOBIT) {
      n.put("distribution", "logistic");
      n.put("scale", s.scale());
    }
    ResidualNoise noise = s.noise();
    if (noise != null) {
      n.putObject("residuals")
          .putObject("johnsonSu")
          .put("xi", noise.xi())
          .put("lambda", noise.lambda())
          .put("gamma", noise.gamma())
          .put("delta", noise.delta());
    }
    return n;
  }

  /** Pretty-printed JSON with a trailing newline. */
  public static byte[] bytes(ModelSpec spec) {
    try {
      return (MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(spec)) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("a tree of plain JSON nodes always serialises", e);
    }
  }

  /** Writes the model to a stream (not closed). */
  public static void write(ModelSpec spec, OutputStream out) throws IOException {
    out.write(bytes(spec));
  }

  /** Writes the model to a file, replacing it. */
  public static void write(ModelSpec spec, Path file) throws IOException {
    Files.write(file, bytes(spec));
  }
}
