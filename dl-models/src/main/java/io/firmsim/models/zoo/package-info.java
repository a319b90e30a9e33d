/**
 * firmsim model artifacts through DJL's model zoo: a {@code ZooProvider} for the group id {@code
 * io.firmsim}, a {@code BlockFactory} for {@code Criteria.optModelPath}, and translators between a
 * population batch and next year's state, flows and balance gaps, on the PyTorch engine (DJL
 * parameters) and the OnnxRuntime engine (the exported year graph). See docs/MODEL_ZOO.md.
 */
package io.firmsim.models.zoo;
