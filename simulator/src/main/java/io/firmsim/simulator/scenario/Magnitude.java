package io.firmsim.simulator.scenario;

import java.io.Serializable;
import org.apache.commons.math3.special.Erf;

/**
 * A shock's size per hit firm: one fixed number, or a distribution from which each hit firm draws
 * its own value once (the draw is a pure function of the run's seed, the firm and the shock, see
 * {@link ShockDraws}). Serializable, as the plan that holds it.
 */
public sealed interface Magnitude extends Serializable {

  /** The value for a firm whose draw is {@code u}, a uniform in (0, 1). */
  double value(double u);

  /** The value every hit firm gets. */
  record Fixed(double value) implements Magnitude {
    public Fixed {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("magnitude must be finite, found " + value);
      }
    }

    @Override
    public double value(double u) {
      return value;
    }
  }

  /** Uniform on {@code [low, high]}. */
  record Uniform(double low, double high) implements Magnitude {
    public Uniform {
      if (!Double.isFinite(low) || !Double.isFinite(high) || low > high) {
        throw new IllegalArgumentException(
            "uniform magnitude needs finite low <= high, found " + low + ", " + high);
      }
    }

    @Override
    public double value(double u) {
      return low + (high - low) * u;
    }
  }

  /** Normal with {@code mean} and standard deviation {@code sd}, by inversion of the uniform. */
  record Normal(double mean, double sd) implements Magnitude {
    public Normal {
      if (!Double.isFinite(mean) || !Double.isFinite(sd) || sd < 0) {
        throw new IllegalArgumentException(
            "normal magnitude needs a finite mean and sd >= 0, found " + mean + ", " + sd);
      }
    }

    @Override
    public double value(double u) {
      return mean + sd * Math.sqrt(2) * Erf.erfInv(2 * u - 1);
    }
  }
}
