package io.firmsim.trainer.fit;

import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.List;

/**
 * The outcome of one submodel fit, on the original feature scale: coefficients aligned with the
 * features, the intercept (two ordered thresholds for ordinal models), the logistic scale of Tobit
 * models, their standard errors in the same shape, the objective, iterations and convergence.
 *
 * <p>Objective: the log-likelihood for binary, ordinal and Tobit fits; for Huber fits the robust
 * objective {@code sum(rho(r_i / (s * w_i)))} at the final scale s and weights w. Standard errors
 * come from the observed information (likelihood models) or the sandwich estimator (Huber).
 *
 * <p>Class is immutable; arrays are copied in and out.
 *
 * @param family the submodel family
 * @param link the link of binary and ordinal fits, null otherwise
 * @param features feature names in coefficient order
 * @param coefficients one per feature
 * @param intercepts one, or two thresholds for ordinal fits
 * @param scale Tobit logistic scale, NaN otherwise
 * @param coefficientErrors standard errors of {@code coefficients}
 * @param interceptErrors standard errors of {@code intercepts}
 * @param scaleError standard error of {@code scale}, NaN when there is no scale
 * @param objective log-likelihood or robust objective
 * @param iterations Newton or IRLS iterations taken
 * @param converged whether both the parameter and the objective changes met their tolerances
 * @param observations rows fitted
 * @param residuals the residual distribution of Huber fits, null otherwise
 */
public record FitResult(
    Family family,
    Link link,
    List<String> features,
    double[] coefficients,
    double[] intercepts,
    double scale,
    double[] coefficientErrors,
    double[] interceptErrors,
    double scaleError,
    double objective,
    int iterations,
    boolean converged,
    long observations,
    ResidualDistribution residuals) {

  public FitResult {
    features = List.copyOf(features);
    coefficients = coefficients.clone();
    intercepts = intercepts.clone();
    coefficientErrors = coefficientErrors.clone();
    interceptErrors = interceptErrors.clone();
    if (coefficients.length != features.size() || coefficientErrors.length != features.size()) {
      throw new IllegalArgumentException("coefficients and errors must align with the features");
    }
  }

  @Override
  public double[] coefficients() {
    return coefficients.clone();
  }

  @Override
  public double[] intercepts() {
    return intercepts.clone();
  }

  @Override
  public double[] coefficientErrors() {
    return coefficientErrors.clone();
  }

  @Override
  public double[] interceptErrors() {
    return interceptErrors.clone();
  }
}
