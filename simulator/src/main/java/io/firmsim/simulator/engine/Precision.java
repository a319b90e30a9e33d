package io.firmsim.simulator.engine;

import ai.djl.ndarray.types.DataType;

/**
 * Floating-point precision of a simulation, with the tolerance of its balance-identity check
 * (MODEL.md section 1): a gap above {@code tolerance * max(1, total assets)} is a violation.
 */
public enum Precision {
  FLOAT32(DataType.FLOAT32, 1e-4),
  FLOAT64(DataType.FLOAT64, 1e-9);

  private final DataType dataType;
  private final double tolerance;

  Precision(DataType dataType, double tolerance) {
    this.dataType = dataType;
    this.tolerance = tolerance;
  }

  public DataType dataType() {
    return dataType;
  }

  /** Relative tolerance of the balance identity and of non-negative stocks. */
  public double tolerance() {
    return tolerance;
  }
}
