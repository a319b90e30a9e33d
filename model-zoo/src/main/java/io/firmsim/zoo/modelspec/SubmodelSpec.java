package io.firmsim.zoo.modelspec;

import io.firmsim.zoo.vocabulary.Feature;
import java.util.List;
import java.util.Objects;

/**
 * One linear submodel of an equation: {@code eta = intercept + sum(coefficients[j] *
 * x[features[j]])} (ordinal models have two intercepts, Tobit models a scale).
 *
 * <p>Class is immutable; arrays are copied in and out. Instances are built and validated by {@link
 * ModelSpecReader} (or {@link #of}), so a {@code SubmodelSpec} is always consistent.
 */
public final class SubmodelSpec {
  private final String name;
  private final Family family;
  private final Link link;
  private final List<Feature> features;
  private final double[] coefficients;
  private final double[] intercepts;
  private final double scale;
  private final ResidualNoise noise;

  private SubmodelSpec(
      String name,
      Family family,
      Link link,
      List<Feature> features,
      double[] coefficients,
      double[] intercepts,
      double scale,
      ResidualNoise noise) {
    this.name = name;
    this.family = family;
    this.link = link;
    this.features = List.copyOf(features);
    this.coefficients = coefficients.clone();
    this.intercepts = intercepts.clone();
    this.scale = scale;
    this.noise = noise;
  }

  /**
   * Builds a submodel, checking that it is consistent.
   *
   * @param intercepts one intercept, or two ordered thresholds for {@link Family#ORDINAL3}
   * @param scale the logistic scale of a Tobit submodel (NaN for other families)
   * @throws IllegalArgumentException saying what is inconsistent
   */
  public static SubmodelSpec of(
      String name,
      Family family,
      Link link,
      List<Feature> features,
      double[] coefficients,
      double[] intercepts,
      double scale) {
    return of(name, family, link, features, coefficients, intercepts, scale, null);
  }

  /**
   * As {@link #of(String, Family, Link, List, double[], double[], double)}, with the residual
   * distribution of a fitted level (Huber submodels only; null for none).
   */
  public static SubmodelSpec of(
      String name,
      Family family,
      Link link,
      List<Feature> features,
      double[] coefficients,
      double[] intercepts,
      double scale,
      ResidualNoise noise) {
    Objects.requireNonNull(name, "name");
    if (noise != null && family != Family.HUBER) {
      throw new IllegalArgumentException("only Huber levels carry a residual distribution");
    }
    Objects.requireNonNull(family, "family");
    if (features.size() != coefficients.length) {
      throw new IllegalArgumentException(
          features.size() + " features but " + coefficients.length + " coefficients");
    }
    if (features.stream().distinct().count() != features.size()) {
      throw new IllegalArgumentException("a feature is listed twice");
    }
    for (int j = 0; j < coefficients.length; j++) {
      if (!Double.isFinite(coefficients[j])) {
        throw new IllegalArgumentException(
            "coefficient of " + features.get(j) + " is not finite: " + coefficients[j]);
      }
    }
    int wantIntercepts = family == Family.ORDINAL3 ? 2 : 1;
    if (intercepts.length != wantIntercepts) {
      throw new IllegalArgumentException(
          "family "
              + family.jsonName()
              + " needs "
              + wantIntercepts
              + " intercept(s), found "
              + intercepts.length);
    }
    for (double v : intercepts) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("intercept is not finite: " + v);
      }
    }
    if (family == Family.ORDINAL3 && intercepts[0] > intercepts[1]) {
      throw new IllegalArgumentException(
          "ordinal thresholds must be ordered, found " + intercepts[0] + " > " + intercepts[1]);
    }
    boolean needsLink = family == Family.BINARY || family == Family.ORDINAL3;
    if (needsLink && link == null) {
      throw new IllegalArgumentException("family " + family.jsonName() + " needs a link");
    }
    if (!needsLink && link != null) {
      throw new IllegalArgumentException("family " + family.jsonName() + " takes no link");
    }
    if (family == Family.TOBIT) {
      if (!(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException(
            "Tobit scale must be positive and finite, found " + scale);
      }
    } else if (!Double.isNaN(scale)) {
      throw new IllegalArgumentException("only Tobit submodels have a scale");
    }
    return new SubmodelSpec(name, family, link, features, coefficients, intercepts, scale, noise);
  }

  /** Name within its equation, e.g. {@code prob} or {@code level_pos}. */
  public String name() {
    return name;
  }

  public Family family() {
    return family;
  }

  /** Link of binary and ordinal submodels, {@code null} for levels and Tobit. */
  public Link link() {
    return link;
  }

  /** Features in coefficient order. */
  public List<Feature> features() {
    return features;
  }

  /** Coefficients aligned with {@link #features()} (a copy). */
  public double[] coefficients() {
    return coefficients.clone();
  }

  /** The intercept; for ordinal models the first threshold. */
  public double intercept() {
    return intercepts[0];
  }

  /** All intercepts: one, or two ordered thresholds for ordinal models (a copy). */
  public double[] intercepts() {
    return intercepts.clone();
  }

  /** The residual distribution added to a fitted level in sample mode, or null (paper model). */
  public ResidualNoise noise() {
    return noise;
  }

  /** Logistic scale of a Tobit submodel; NaN otherwise. */
  public double scale() {
    return scale;
  }
}
