package io.firmsim.trainer.forecast.artifact;

import java.util.Locale;

/** The engine a loaded forecaster computes with. */
public enum ForecastBackend {
  /** DJL's PyTorch engine with the members' saved parameters (float32, or converted to float64). */
  DJL,
  /** ONNX Runtime with the members' exported float32 graphs. */
  ONNX;

  /** The name on the command line: {@code djl} or {@code onnx}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
