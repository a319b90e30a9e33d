package io.firmsim.trainer.fit;

import ai.djl.ndarray.NDManager;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.util.List;

/** Dispatches a fit to the estimator of a submodel family. */
public final class SubmodelFitter {
  private SubmodelFitter() {}

  /**
   * @param link the link of binary and ordinal fits (ordinal: cloglog)
   * @param schweppe Huber only: leverage weights {@code sqrt(1 - h_ii)}
   */
  public static FitResult fit(
      NDManager manager,
      Family family,
      Link link,
      List<String> features,
      double[] x,
      double[] y,
      boolean schweppe,
      FitOptions options) {
    switch (family) {
      case BINARY:
        return BinaryEstimator.fit(manager, link, features, x, y, options);
      case ORDINAL3:
        return OrdinalCloglogEstimator.fit(manager, features, x, y, options);
      case TOBIT:
        return TobitLogisticEstimator.fit(manager, features, x, y, options);
      case HUBER:
        return HuberSchweppeEstimator.fit(manager, features, x, y, schweppe, options);
      default:
        throw new IllegalArgumentException("no estimator for " + family);
    }
  }
}
