package io.firmsim.zoo.modelspec;

/**
 * The Johnson SU distribution of a fitted level's residuals (MODEL.md section 3, level noise):
 * {@code X = xi + lambda * sinh((Z - gamma) / delta)}, Z standard normal. In sample mode the
 * simulator adds a draw of X to the level; in mean mode its expectation {@link #mean()}.
 *
 * @param xi location
 * @param lambda scale, positive
 * @param gamma shape (skewness)
 * @param delta shape (tail weight), positive
 */
public record ResidualNoise(double xi, double lambda, double gamma, double delta) {
  public ResidualNoise {
    if (!Double.isFinite(xi) || !Double.isFinite(gamma)) {
      throw new IllegalArgumentException("Johnson SU xi and gamma must be finite");
    }
    if (!(lambda > 0) || !Double.isFinite(lambda) || !(delta > 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException(
          "Johnson SU lambda and delta must be positive and finite, found lambda "
              + lambda
              + ", delta "
              + delta);
    }
  }

  /** {@code E[X] = xi - lambda * exp(1 / (2 delta^2)) * sinh(gamma / delta)}. */
  public double mean() {
    return xi - lambda * Math.exp(1 / (2 * delta * delta)) * Math.sinh(gamma / delta);
  }
}
