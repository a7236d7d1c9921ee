package dev.persona4j.core.heads;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named parameter of a head as plain data: a shape and its float32 values in row-major order. This
 * is what core writes to and reads from disk; equality is by content.
 */
public record Tensor(long[] shape, float[] data) {
  public Tensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new HeadException("tensor shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    if (n != data.length) {
      throw new HeadException("tensor shape " + Arrays.toString(shape) + " needs " + n
          + " values but " + data.length + " were given");
    }
    shape = shape.clone();
    data = data.clone();
  }

  /** A tensor of the given values with shape {@code [values.length]}. */
  public static Tensor vector(float... values) {
    return new Tensor(new long[] {values.length}, values);
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A copy of the values. */
  @Override
  public float[] data() {
    return data.clone();
  }

  /** Number of values. */
  public int size() {
    return data.length;
  }

  float[] dataView() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor && Arrays.equals(shape, ((Tensor) o).shape) && Arrays.equals(data, ((Tensor) o).data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
