package io.firmsim.serving.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor in host memory: its datatype, its shape and its values flattened in row-major
 * order in the primitive array of the datatype ({@code float[]} for FP32, {@code double[]} for
 * FP64, {@code long[]} for INT64, {@code boolean[]} for BOOL). The unit in which requests, batches
 * and answers move between the protocol layer, the batcher and ONNX Runtime.
 *
 * <p>Immutable by convention: the array is not copied, and no holder writes into it after
 * construction.
 */
public final class HostTensor {
  private final String name;
  private final DataType datatype;
  private final long[] shape;
  private final Object data;

  /**
   * @throws IllegalArgumentException when the array is not the datatype's, a dimension is negative
   *     or the array's length is not the product of the shape
   */
  public HostTensor(String name, DataType datatype, long[] shape, Object data) {
    this.name = Objects.requireNonNull(name, "name");
    this.datatype = Objects.requireNonNull(datatype, "datatype");
    this.shape = shape.clone();
    this.data = Objects.requireNonNull(data, "data");
    if (data.getClass() != datatype.arrayType()) {
      throw new IllegalArgumentException(
          name + ": " + datatype + " needs " + datatype.arrayType().getSimpleName());
    }
    long n = elementCount(this.shape);
    if (n != java.lang.reflect.Array.getLength(data)) {
      throw new IllegalArgumentException(
          name
              + ": shape "
              + Arrays.toString(this.shape)
              + " holds "
              + n
              + " values, not "
              + java.lang.reflect.Array.getLength(data));
    }
  }

  /** The number of elements a shape holds; refuses negative dimensions. */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public String name() {
    return name;
  }

  public DataType datatype() {
    return datatype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** The first dimension (the batch rows); -1 for a scalar. */
  public long rows() {
    return shape.length == 0 ? -1 : shape[0];
  }

  /** The values, row-major, in the datatype's primitive array (not a copy: do not write). */
  public Object data() {
    return data;
  }

  /** The number of elements. */
  public int size() {
    return java.lang.reflect.Array.getLength(data);
  }

  /** This tensor under another name. */
  public HostTensor renamed(String newName) {
    return new HostTensor(newName, datatype, shape, data);
  }

  @Override
  public String toString() {
    return name + ":" + datatype + Arrays.toString(shape);
  }
}
