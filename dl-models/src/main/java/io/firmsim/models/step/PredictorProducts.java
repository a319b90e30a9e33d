package io.firmsim.models.step;

import io.firmsim.models.tensor.Tensor;
import java.util.List;

/**
 * The matrix products of a year's linear predictors, supplied by each backend from its own copy of
 * {@link YearProgram}'s weights (DJL parameters, ONNX initializers), so that the products can use
 * what suits the backend (tiled batch products on DJL, one MatMul in ONNX).
 */
public interface PredictorProducts {
  /**
   * {@code laggedWeights x features + macroWeights x macro + bias}: the lagged, macro and constant
   * parts of every predictor row.
   *
   * @param features the {@link YearProgram#laggedFeatures()} values, each {@code [N]}
   * @return {@code [R, N]}
   */
  Tensor lagged(List<Tensor> features);

  /**
   * {@code depthWeights(depth) x features}: the current-year part of the rows of one depth.
   *
   * @param features the {@link YearProgram#currentFeatures(int)} values, each {@code [N]}
   * @return {@code [R_depth, N]}
   */
  Tensor current(int depth, List<Tensor> features);
}
