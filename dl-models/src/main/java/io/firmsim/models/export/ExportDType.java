package io.firmsim.models.export;

/** The floating-point type of exported ONNX graphs. */
public enum ExportDType {
  FLOAT32("float32"),
  FLOAT64("float64");

  private final String label;

  ExportDType(String label) {
    this.label = label;
  }

  /** The name in file names and metadata: {@code float32} or {@code float64}. */
  public String label() {
    return label;
  }
}
