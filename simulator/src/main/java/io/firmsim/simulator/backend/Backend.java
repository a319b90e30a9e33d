package io.firmsim.simulator.backend;

import java.util.Locale;

/**
 * Which implementation runs the simulation year: DJL's eager PyTorch engine ({@link #DJL}, the
 * default) or ONNX Runtime on the exported year graph ({@link #ONNX}). Both take the same draws,
 * chunks and tiles, and give the same results within the float tolerance (docs/BENCHMARKS.md says
 * which is faster where).
 */
public enum Backend {
  DJL,
  ONNX;

  /** The option's spelling: {@code djl} or {@code onnx}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
