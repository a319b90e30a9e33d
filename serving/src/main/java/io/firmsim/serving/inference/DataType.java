package io.firmsim.serving.inference;

import java.util.Locale;
import java.util.Optional;

/**
 * The tensor datatypes firmsim serves, named as the Open Inference Protocol v2 names them ({@code
 * FP32}, {@code FP64}, {@code INT64}, {@code BOOL}), with the Java array that holds their values on
 * the host.
 */
public enum DataType {
  /** 32-bit IEEE float; held as {@code float[]}. */
  FP32(4, float[].class),
  /** 64-bit IEEE float; held as {@code double[]}. */
  FP64(8, double[].class),
  /** 64-bit signed integer; held as {@code long[]}. */
  INT64(8, long[].class),
  /** Boolean; held as {@code boolean[]}. */
  BOOL(1, boolean[].class);

  private final int bytes;
  private final Class<?> arrayType;

  DataType(int bytes, Class<?> arrayType) {
    this.bytes = bytes;
    this.arrayType = arrayType;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The primitive array type that holds this datatype's values. */
  public Class<?> arrayType() {
    return arrayType;
  }

  /** The protocol's name of this datatype ({@code FP32}, ...). */
  public String protocolName() {
    return name();
  }

  /** The datatype a protocol name names, if firmsim serves it (case-sensitive, as the protocol). */
  public static Optional<DataType> fromProtocolName(String name) {
    for (DataType t : values()) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name().toUpperCase(Locale.ROOT);
  }
}
