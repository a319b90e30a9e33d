package io.firmsim.trainer.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.JohnsonSu;
import io.firmsim.trainer.fit.ResidualDistribution;
import io.firmsim.zoo.modelspec.Family;
import java.util.List;

/**
 * A fit as a submodel of a model file (the shape of {@code shahnazarian-2004.json}: {@code family},
 * {@code link}, {@code features}, {@code coefficients}, {@code intercept} or {@code intercepts},
 * {@code scale} for Tobit), plus {@code standardErrors} in the same shape with the {@code
 * covariance} they come from ({@code expected}, {@code observed} or {@code sandwich}), {@code
 * logLikelihood} or (Huber) {@code objective}, {@code iterations}, {@code converged}, {@code nObs},
 * {@code notIdentified} features and, for levels, {@code residuals} with its Johnson SU.
 */
public final class FitJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private FitJson() {}

  /**
   * The head of a model file: format version, name, title, source, units and the base model's
   * constants, with an empty {@code equations} array to fill (returned as the second element).
   */
  public static ObjectNode modelHead(
      io.firmsim.zoo.modelspec.ModelSpec base, String name, String title, String source) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("formatVersion", io.firmsim.zoo.modelspec.ModelSpec.FORMAT_VERSION);
    root.put("name", name);
    root.put("title", title);
    root.put("source", source);
    root.put("units", "SEK");
    io.firmsim.zoo.modelspec.ModelConstants c = base.constants();
    ObjectNode constants = root.putObject("constants");
    constants.put("tax_rate", c.taxRate());
    constants.put("allocation_rate", c.allocationRate());
    constants.put("declining_balance_rate", c.decliningBalanceRate());
    constants.put("rest_value_rate", c.restValueRate());
    constants.put("min_share_capital", c.minShareCapital());
    root.putArray("equations");
    return root;
  }

  /** Appends an equation (table, target, method, empty submodels) and returns its submodels. */
  public static ObjectNode addEquation(ObjectNode model, io.firmsim.zoo.modelspec.EquationSpec e) {
    ObjectNode eq = ((ArrayNode) model.get("equations")).addObject();
    eq.put("table", e.table());
    eq.put("target", e.target());
    eq.put("method", e.method().name());
    return eq.putObject("submodels");
  }

  /**
   * The submodel JSON of a fit.
   *
   * @throws io.firmsim.trainer.fit.NotEstimableException (overflow) for a fit with a non-finite
   *     estimate: "Infinity" and "NaN" are never written as coefficients
   */
  public static ObjectNode submodel(FitResult r, List<String> notIdentified) {
    r.requireFinite();
    ObjectNode n = MAPPER.createObjectNode();
    ArrayNode features = n.putArray("features");
    r.features().forEach(features::add);
    ArrayNode coef = n.putArray("coefficients");
    for (double c : r.coefficients()) {
      coef.add(c);
    }
    n.put("family", r.family().jsonName());
    if (r.link() != null) {
      n.put("link", r.link().jsonName());
    }
    ObjectNode se = MAPPER.createObjectNode();
    se.put("covariance", r.covariance().jsonName());
    if (r.family() == Family.ORDINAL3) {
      n.putArray("intercepts").add(r.intercepts()[0]).add(r.intercepts()[1]);
      se.putArray("intercepts").add(r.interceptErrors()[0]).add(r.interceptErrors()[1]);
    } else {
      n.put("intercept", r.intercepts()[0]);
      se.put("intercept", r.interceptErrors()[0]);
    }
    if (r.family() == Family.TOBIT) {
      n.put("distribution", "logistic");
      n.put("scale", r.scale());
      se.put("scale", r.scaleError());
    }
    ArrayNode seCoef = se.putArray("coefficients");
    for (double c : r.coefficientErrors()) {
      seCoef.add(c);
    }
    n.set("standardErrors", se);
    if (r.family() == Family.HUBER) {
      n.put("objective", r.objective());
    } else {
      n.put("logLikelihood", r.objective());
    }
    n.put("iterations", r.iterations());
    n.put("converged", r.converged());
    n.put("nObs", r.observations());
    ArrayNode dropped = n.putArray("notIdentified");
    notIdentified.forEach(dropped::add);
    ResidualDistribution res = r.residuals();
    if (res != null) {
      ObjectNode rn = n.putObject("residuals");
      rn.put("location", res.location());
      rn.put("scale", res.scale());
      rn.put("skewness", res.skewness());
      rn.put("kurtosis", res.kurtosis());
      rn.put("huberScale", r.scale());
      JohnsonSu su = res.su();
      ObjectNode s = rn.putObject("johnsonSu");
      s.put("xi", su.xi())
          .put("lambda", su.lambda())
          .put("gamma", su.gamma())
          .put("delta", su.delta());
      s.put("exact", su.exact());
    }
    return n;
  }
}
