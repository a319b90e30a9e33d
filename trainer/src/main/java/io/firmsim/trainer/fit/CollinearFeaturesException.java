package io.firmsim.trainer.fit;

import java.util.List;

/**
 * Features that are (almost) perfectly collinear in the rows of a fit, so their coefficients are
 * not identified. Carries the features involved, so a caller fitting many submodels can drop one of
 * them and report it instead of failing. Its reason is {@link Reason#COLLINEAR_FEATURES}.
 */
public class CollinearFeaturesException extends NotEstimableException {
  private static final long serialVersionUID = 1L;
  private final List<String> features;

  public CollinearFeaturesException(List<String> features, double eigenvalue) {
    super(
        Reason.COLLINEAR_FEATURES,
        "features "
            + features
            + " are perfectly collinear (smallest eigenvalue of their"
            + " correlation matrix "
            + eigenvalue
            + "): drop one of them");
    this.features = List.copyOf(features);
  }

  /** The features involved, in the fit's feature order. */
  public List<String> features() {
    return features;
  }
}
