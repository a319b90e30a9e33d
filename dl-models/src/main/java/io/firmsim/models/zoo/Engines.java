package io.firmsim.models.zoo;

/** The DJL engines a firmsim year model loads on, by their DJL names. */
final class Engines {
  static final String PYTORCH = "PyTorch";
  static final String ONNX_RUNTIME = "OnnxRuntime";

  private Engines() {}
}
