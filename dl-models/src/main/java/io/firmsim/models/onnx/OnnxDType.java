package io.firmsim.models.onnx;

import ai.onnx.proto.OnnxMl;

/**
 * The floating-point type of an exported graph: every input, output, initializer and intermediate
 * of one graph has this type (the uniforms and the state alike), so a graph has no casts between
 * float types.
 */
public enum OnnxDType {
  FLOAT32(OnnxMl.TensorProto.DataType.FLOAT, "float32"),
  FLOAT64(OnnxMl.TensorProto.DataType.DOUBLE, "float64");

  private final OnnxMl.TensorProto.DataType protoType;
  private final String label;

  OnnxDType(OnnxMl.TensorProto.DataType protoType, String label) {
    this.protoType = protoType;
    this.label = label;
  }

  /** The element type code of {@code onnx.proto}. */
  public int elemType() {
    return protoType.getNumber();
  }

  /** The name used in file names and metadata: {@code float32} or {@code float64}. */
  public String label() {
    return label;
  }

  /** The value as this type stores it: rounded to float for {@link #FLOAT32}. */
  public double round(double v) {
    return this == FLOAT32 ? (double) (float) v : v;
  }
}
