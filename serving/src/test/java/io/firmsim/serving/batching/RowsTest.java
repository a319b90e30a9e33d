package io.firmsim.serving.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.serving.inference.DataType;
import io.firmsim.serving.inference.HostTensor;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Concatenation along the rows and its inverse, for every datatype and for tensors of rank 1 to 3,
 * checked element by element against the row-major index arithmetic.
 */
class RowsTest {
  private static final long[][] TRAILING = {{}, {3}, {2, 4}};
  private static final long[] PART_ROWS = {2, 0, 1, 5, 3};

  /** Random values of the datatype, from a seed; -0.0 and NaN included for the floats. */
  private static Object values(DataType type, int n, SplittableRandom rnd) {
    Object data = Array.newInstance(type.arrayType().componentType(), n);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FP32 -> Array.setFloat(data, i, i == 1 ? Float.NaN : (float) rnd.nextGaussian());
        case FP64 -> Array.setDouble(data, i, i == 2 ? -0.0 : rnd.nextGaussian());
        case INT64 -> Array.setLong(data, i, rnd.nextLong());
        case BOOL -> Array.setBoolean(data, i, rnd.nextBoolean());
      }
    }
    return data;
  }

  private static long[] shape(long rows, long[] trailing) {
    long[] s = new long[trailing.length + 1];
    s[0] = rows;
    System.arraycopy(trailing, 0, s, 1, trailing.length);
    return s;
  }

  /** Bitwise equality of two primitive arrays (NaN equals NaN, -0.0 differs from 0.0). */
  private static void assertSameValues(Object expected, Object actual) {
    assertEquals(expected.getClass(), actual.getClass());
    assertEquals(Array.getLength(expected), Array.getLength(actual));
    for (int i = 0; i < Array.getLength(expected); i++) {
      Object e = Array.get(expected, i);
      Object a = Array.get(actual, i);
      if (e instanceof Float f) {
        assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) a), "at " + i);
      } else if (e instanceof Double d) {
        assertEquals(
            Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) a), "at " + i);
      } else {
        assertEquals(e, a, "at " + i);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void concatStacksRowsInOrderAndSplitGivesThePartsBack(DataType type) {
    for (long[] trailing : TRAILING) {
      SplittableRandom rnd = new SplittableRandom(type.ordinal() * 31L + trailing.length);
      int rowSize = (int) HostTensor.elementCount(trailing);
      List<HostTensor> parts = new ArrayList<>();
      for (long r : PART_ROWS) {
        long[] s = shape(r, trailing);
        parts.add(
            new HostTensor("part", type, s, values(type, (int) HostTensor.elementCount(s), rnd)));
      }
      HostTensor merged = Rows.concat("merged", parts);
      assertEquals("merged", merged.name());
      assertEquals(type, merged.datatype());
      assertArrayEquals(shape(11, trailing), merged.shape());

      // Row k of the merged tensor is row k - (rows before part p) of the part p it falls in.
      int k = 0;
      for (HostTensor p : parts) {
        for (int r = 0; r < p.rows(); r++, k++) {
          for (int c = 0; c < rowSize; c++) {
            assertEquals(
                Array.get(p.data(), r * rowSize + c),
                Array.get(merged.data(), k * rowSize + c),
                type + " row " + k + " column " + c);
          }
        }
      }

      List<HostTensor> back = Rows.split(merged, PART_ROWS);
      assertEquals(parts.size(), back.size());
      for (int i = 0; i < parts.size(); i++) {
        assertEquals("merged", back.get(i).name());
        assertEquals(type, back.get(i).datatype());
        assertArrayEquals(parts.get(i).shape(), back.get(i).shape());
        assertSameValues(parts.get(i).data(), back.get(i).data());
      }
    }
  }

  @Test
  void splitCopiesAndASinglePartIsItself() {
    HostTensor t = new HostTensor("t", DataType.INT64, new long[] {2, 2}, new long[] {1, 2, 3, 4});
    HostTensor one = Rows.concat("u", List.of(t));
    assertEquals("u", one.name());
    assertSame(t.data(), one.data());
    List<HostTensor> halves = Rows.split(t, new long[] {1, 1});
    assertArrayEquals(new long[] {3, 4}, (long[]) halves.get(1).data());
    assertTrue(halves.get(0).data() != t.data());
  }

  @Test
  void misfitsAreRefused() {
    HostTensor a = new HostTensor("a", DataType.FP64, new long[] {1, 2}, new double[2]);
    HostTensor b = new HostTensor("b", DataType.FP64, new long[] {1, 3}, new double[3]);
    HostTensor f = new HostTensor("f", DataType.FP32, new long[] {1, 2}, new float[2]);
    HostTensor scalar = new HostTensor("s", DataType.FP64, new long[0], new double[1]);
    assertThrows(IllegalArgumentException.class, () -> Rows.concat("m", List.of(a, b)));
    assertThrows(IllegalArgumentException.class, () -> Rows.concat("m", List.of(a, f)));
    assertThrows(IllegalArgumentException.class, () -> Rows.concat("m", List.of(scalar, scalar)));
    assertThrows(IllegalArgumentException.class, () -> Rows.concat("m", List.of()));
    HostTensor two = Rows.concat("m", List.of(a, a));
    assertThrows(IllegalArgumentException.class, () -> Rows.split(two, new long[] {1}));
    assertThrows(IllegalArgumentException.class, () -> Rows.split(two, new long[] {3, -1}));
    assertThrows(IllegalArgumentException.class, () -> Rows.split(scalar, new long[] {1}));
  }
}
