package io.firmsim.trainer.orchestrator.train;

import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.zoo.vocabulary.Feature;
import java.util.List;

/**
 * How one submodel is trained: its feature list (the spec's or a configuration's override), the fit
 * options, and whether a fit that does not converge is accepted.
 */
record SubmodelSettings(
    List<Feature> features, FitOptions options, boolean allowNonConverged, boolean schweppe) {
  SubmodelSettings {
    features = List.copyOf(features);
  }

  /** A canonical description for the task's fingerprint. */
  String describe() {
    return "features="
        + features
        + ";maxIterations="
        + options.maxIterations()
        + ";parameterTolerance="
        + options.parameterTolerance()
        + ";objectiveTolerance="
        + options.objectiveTolerance()
        + ";allowNonConverged="
        + allowNonConverged
        + ";schweppe="
        + schweppe;
  }
}
