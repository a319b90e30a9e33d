package io.firmsim.serving.http;

import io.firmsim.serving.inference.HostTensor;
import java.util.List;

/**
 * Sees the inputs of every infer request after they have been checked and before they run: where
 * drift monitoring samples the served population. Called on the request's thread, so it must be
 * quick (copy or sample, then return) and thread-safe; an exception it throws is logged and does
 * not fail the request. The tensors must not be modified.
 */
@FunctionalInterface
public interface InputObserver {
  /** Sees nothing. */
  InputObserver NONE = (model, version, inputs) -> {};

  /**
   * @param model the served model's name
   * @param version the version that will answer
   * @param inputs the checked inputs, in the request's order
   */
  void observe(String model, String version, List<HostTensor> inputs);
}
