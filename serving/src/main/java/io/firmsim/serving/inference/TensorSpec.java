package io.firmsim.serving.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a model takes or gives under one name: datatype and shape, {@code -1} for a dynamic
 * dimension (the batch dimension {@code N} of firmsim's graphs is the first and dynamic).
 */
public record TensorSpec(String name, DataType datatype, long[] shape) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    shape = shape.clone();
  }

  /** Whether the first dimension is dynamic, so that requests can be merged along it. */
  public boolean batched() {
    return shape.length > 0 && shape[0] == -1;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t
        && name.equals(t.name)
        && datatype == t.datatype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, datatype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ":" + datatype + Arrays.toString(shape);
  }
}
