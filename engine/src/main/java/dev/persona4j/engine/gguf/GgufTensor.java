package dev.persona4j.engine.gguf;

import java.util.Arrays;

/**
 * One tensor of a GGUF file: its llama.cpp name, type, shape and where its bytes are.
 *
 * @param name llama.cpp's name, e.g. {@code blk.0.attn_q.weight}
 * @param type how the values are stored
 * @param dims the dimensions as GGUF stores them, innermost first: {@code dims[0]} is the row length (a
 *     Hugging Face {@code [out, in]} matrix is {@code [in, out]} here)
 * @param offset the first byte, relative to the start of the data section
 * @param byteLength the number of bytes
 */
public record GgufTensor(String name, GgufType type, long[] dims, long offset, long byteLength) {
  /** Copies {@code dims}. */
  public GgufTensor {
    dims = dims.clone();
  }

  @Override
  public long[] dims() {
    return dims.clone();
  }

  /** The shape in Hugging Face (row-major, outermost first) order: {@code dims} reversed. */
  public long[] shape() {
    long[] shape = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[dims.length - 1 - i];
    }
    return shape;
  }

  /** The number of values. */
  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** The row length ({@code dims[0]}): values per row, a whole number of blocks. */
  public long rowLength() {
    return dims.length == 0 ? 1 : dims[0];
  }

  /** The number of rows (every dimension but the first). */
  public long rows() {
    return elementCount() / Math.max(1, rowLength());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GgufTensor t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
        && offset == t.offset && byteLength == t.byteLength;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return name + "[" + type + " " + Arrays.toString(dims) + " @" + offset + "+" + byteLength + "]";
  }
}
