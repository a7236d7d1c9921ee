package dev.persona4j.core.checkpoint;

import java.util.Arrays;

/**
 * Where one tensor lives in a safetensors file: its element type, shape, and byte range relative to
 * the start of the data section.
 */
record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
  TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a scalar). */
  long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Number of bytes the tensor occupies. */
  long byteLength() {
    return end - begin;
  }

  /** Whether the shape equals {@code expected}. */
  boolean hasShape(long... expected) {
    return Arrays.equals(shape, expected);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
