package io.firmsim.serving.batching;

import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Row-wise merging and splitting of host tensors along their first dimension: how a {@link
 * DynamicBatcher} turns the requests of a batch into one model input and the model's output back
 * into one answer per request. Rows are contiguous in a row-major array, so both are plain array
 * copies, bit for bit, for every {@link DataType}.
 *
 * <p>Stateless; thread-safe. The results never share arrays with the arguments, except that {@link
 * #concat} of a single part returns that part (renamed), since host tensors are not written after
 * construction.
 */
public final class Rows {
  private Rows() {}

  /**
   * The parts stacked along dimension 0: shape {@code [sum of rows, trailing dims...]}.
   *
   * @param name the merged tensor's name
   * @param parts at least one tensor; all of the same datatype, of rank at least 1 and with equal
   *     dimensions after the first
   * @throws IllegalArgumentException when the parts do not fit together, or the merged tensor would
   *     hold more than {@link Integer#MAX_VALUE} values
   */
  public static HostTensor concat(String name, List<HostTensor> parts) {
    Objects.requireNonNull(name, "name");
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(name + ": nothing to concatenate");
    }
    HostTensor first = parts.get(0);
    long[] trailing = trailing(first);
    long rows = 0;
    long size = 0;
    for (HostTensor p : parts) {
      if (p.datatype() != first.datatype()) {
        throw new IllegalArgumentException(
            name + ": cannot concatenate " + p.datatype() + " with " + first.datatype());
      }
      if (!Arrays.equals(trailing(p), trailing)) {
        throw new IllegalArgumentException(
            name
                + ": cannot concatenate shapes "
                + Arrays.toString(p.shape())
                + " and "
                + Arrays.toString(first.shape())
                + " along dimension 0");
      }
      rows += p.rows();
      size += p.size();
    }
    if (parts.size() == 1) {
      return first.renamed(name);
    }
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          name + ": " + size + " values do not fit in one Java array");
    }
    Object data =
        java.lang.reflect.Array.newInstance(
            first.datatype().arrayType().componentType(), (int) size);
    int at = 0;
    for (HostTensor p : parts) {
      System.arraycopy(p.data(), 0, data, at, p.size());
      at += p.size();
    }
    return new HostTensor(name, first.datatype(), withRows(trailing, rows), data);
  }

  /**
   * The tensor cut along dimension 0 into consecutive parts of the given row counts, each under the
   * merged tensor's name: the inverse of {@link #concat}.
   *
   * @param merged a tensor of rank at least 1
   * @param rowCounts the parts' rows, non-negative, summing to the merged tensor's rows
   * @throws IllegalArgumentException when the counts do not add up to the rows
   */
  public static List<HostTensor> split(HostTensor merged, long[] rowCounts) {
    long[] trailing = trailing(merged);
    long total = 0;
    for (long r : rowCounts) {
      if (r < 0) {
        throw new IllegalArgumentException(
            merged.name() + ": negative row count in " + Arrays.toString(rowCounts));
      }
      total += r;
    }
    if (total != merged.rows()) {
      throw new IllegalArgumentException(
          merged.name()
              + ": row counts "
              + Arrays.toString(rowCounts)
              + " sum to "
              + total
              + ", not to the "
              + merged.rows()
              + " rows of "
              + merged);
    }
    long rowSize = HostTensor.elementCount(trailing);
    Class<?> component = merged.datatype().arrayType().componentType();
    List<HostTensor> parts = new ArrayList<>(rowCounts.length);
    int at = 0;
    for (long r : rowCounts) {
      int n = Math.toIntExact(r * rowSize);
      Object data = java.lang.reflect.Array.newInstance(component, n);
      System.arraycopy(merged.data(), at, data, 0, n);
      at += n;
      parts.add(new HostTensor(merged.name(), merged.datatype(), withRows(trailing, r), data));
    }
    return parts;
  }

  private static long[] trailing(HostTensor t) {
    long[] shape = t.shape();
    if (shape.length == 0) {
      throw new IllegalArgumentException(t.name() + ": a scalar has no rows");
    }
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  private static long[] withRows(long[] trailing, long rows) {
    long[] shape = new long[trailing.length + 1];
    shape[0] = rows;
    System.arraycopy(trailing, 0, shape, 1, trailing.length);
    return shape;
  }
}
