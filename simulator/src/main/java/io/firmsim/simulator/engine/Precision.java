package io.firmsim.simulator.engine;

import ai.djl.ndarray.types.DataType;

/**
 * Floating-point precision of a simulation, with the tolerance of its balance-identity check
 * (MODEL.md section 1): a gap above {@code tolerance * K} is a violation, with {@code K = max(1,
 * total assets, sum of |liability and equity items|)}: the scale of MODEL.md widened by the
 * absolute equity items, whose rounding errors a firm with almost no assets cannot avoid.
 */
public enum Precision {
  FLOAT32(DataType.FLOAT32, 1e-4, 131_072),
  FLOAT64(DataType.FLOAT64, 1e-9, 65_536);

  private final DataType dataType;
  private final double tolerance;
  private final int defaultChunkSize;

  Precision(DataType dataType, double tolerance, int defaultChunkSize) {
    this.dataType = dataType;
    this.tolerance = tolerance;
    this.defaultChunkSize = defaultChunkSize;
  }

  /**
   * Firms per chunk unless asked otherwise: the same bytes in both precisions, about 1.3 GB peak
   * resident memory for a whole run on CPU (docs/BENCHMARKS.md).
   */
  public int defaultChunkSize() {
    return defaultChunkSize;
  }

  public DataType dataType() {
    return dataType;
  }

  /** Relative tolerance of the balance identity and of non-negative stocks. */
  public double tolerance() {
    return tolerance;
  }
}
