package dev.persona4j.engine;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16-bit float weight matrix (F16 or BF16), two bytes per weight, decoded to float32 inside the
 * kernel with integer lane operations only.
 *
 * <p>Each row is stored as {@code half = ⌈cols/2⌉} ints: int j holds element j in its low 16 bits
 * and element {@code half + j} in its high 16 bits (0 past the row's end). One int vector load then
 * decodes into two float vectors that pair with two contiguous slices of the input, {@code x[j..]}
 * and {@code x[half + j..]}: no widening conversion, no shuffle, and the input needs no
 * rearranging. BF16 decodes by a shift (low) and a mask (high); F16 by moving the exponent and
 * mantissa into float32 position and multiplying by 2¹¹², which is exact for normal and subnormal
 * halves alike (infinities and NaNs are rejected at construction).
 */
final class HalfMatrix implements WeightMatrix {
  private static final VectorSpecies<Float> F = F32Matrix.F;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final float F16_SCALE = 0x1p112f;

  /** The two 16-bit float formats. */
  enum Format {
    F16,
    BF16;

    float decode(int bits) {
      bits &= 0xffff;
      if (this == BF16) {
        return Float.intBitsToFloat(bits << 16);
      }
      float magnitude = Float.intBitsToFloat((bits & 0x7fff) << 13) * F16_SCALE;
      return Float.intBitsToFloat(Float.floatToRawIntBits(magnitude) | (bits & 0x8000) << 16);
    }
  }

  private final Format format;
  private final int rows;
  private final int cols;
  private final int half;
  private final int[] data;

  private HalfMatrix(Format format, int rows, int cols, int[] data) {
    this.format = format;
    this.rows = rows;
    this.cols = cols;
    this.half = (cols + 1) / 2;
    this.data = data;
  }

  static HalfMatrix of(Format format, int rows, int cols, short[] bits) {
    Objects.requireNonNull(bits, "bits");
    if (rows <= 0 || cols <= 0 || (long) rows * cols != bits.length) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix needs " + (long) rows * cols + " values, got " + bits.length);
    }
    int half = (cols + 1) / 2;
    int[] data = new int[Math.multiplyExact(rows, half)];
    for (int r = 0; r < rows; r++) {
      int src = r * cols;
      int dst = r * half;
      for (int j = 0; j < half; j++) {
        int lo = bits[src + j] & 0xffff;
        int hi = half + j < cols ? bits[src + half + j] & 0xffff : 0;
        if (format == Format.F16 && ((lo & 0x7c00) == 0x7c00 || (hi & 0x7c00) == 0x7c00)) {
          int at = (lo & 0x7c00) == 0x7c00 ? src + j : src + half + j;
          throw new IllegalArgumentException("element " + at + " (row " + r + ") is " + Format.F16.decode(bits[at]) + ", not a finite weight");
        }
        data[dst + j] = lo | hi << 16;
      }
    }
    return new HalfMatrix(format, rows, cols, data);
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public long bytes() {
    return 4L * data.length;
  }

  @Override
  public void multiply(float[][] x, int batch, float[][] out, int outOffset, int rowStart, int rowEnd) {
    for (int r = rowStart; r < rowEnd; r++) {
      int b = 0;
      for (; b + 4 <= batch; b += 4) {
        dot4(r, x[b], x[b + 1], x[b + 2], x[b + 3], out, b, outOffset + r);
      }
      for (; b < batch; b++) {
        out[b][outOffset + r] = dot(r, x[b]);
      }
    }
  }

  private FloatVector low(IntVector w) {
    if (format == Format.BF16) {
      return w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
    return f16(w.and(0xffff));
  }

  private FloatVector high(IntVector w) {
    if (format == Format.BF16) {
      return w.and(0xffff0000).reinterpretAsFloats();
    }
    return f16(w.lanewise(VectorOperators.LSHR, 16));
  }

  /** Half bit patterns in the low 16 bits of each lane to float32. */
  private static FloatVector f16(IntVector h) {
    FloatVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(F16_SCALE);
    return magnitude.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
  }

  private float dot(int r, float[] x) {
    int base = r * half;
    int upper = I.loopBound(cols / 2);
    FloatVector acc = FloatVector.zero(F);
    int j = 0;
    for (; j < upper; j += I.length()) {
      IntVector w = IntVector.fromArray(I, data, base + j);
      acc = low(w).fma(FloatVector.fromArray(F, x, j), acc);
      acc = high(w).fma(FloatVector.fromArray(F, x, half + j), acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    return sum + tail(base, j, x);
  }

  /** The scalar rest of a row from pair j on. */
  private float tail(int base, int j, float[] x) {
    float sum = 0;
    for (; j < half; j++) {
      int v = data[base + j];
      sum += format.decode(v) * x[j];
      if (half + j < cols) {
        sum += format.decode(v >>> 16) * x[half + j];
      }
    }
    return sum;
  }

  private void dot4(int r, float[] x0, float[] x1, float[] x2, float[] x3, float[][] out, int b, int column) {
    int base = r * half;
    int upper = I.loopBound(cols / 2);
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int j = 0;
    for (; j < upper; j += I.length()) {
      IntVector w = IntVector.fromArray(I, data, base + j);
      FloatVector lo = low(w);
      FloatVector hi = high(w);
      int k = half + j;
      a0 = hi.fma(FloatVector.fromArray(F, x0, k), lo.fma(FloatVector.fromArray(F, x0, j), a0));
      a1 = hi.fma(FloatVector.fromArray(F, x1, k), lo.fma(FloatVector.fromArray(F, x1, j), a1));
      a2 = hi.fma(FloatVector.fromArray(F, x2, k), lo.fma(FloatVector.fromArray(F, x2, j), a2));
      a3 = hi.fma(FloatVector.fromArray(F, x3, k), lo.fma(FloatVector.fromArray(F, x3, j), a3));
    }
    out[b][column] = a0.reduceLanes(VectorOperators.ADD) + tail(base, j, x0);
    out[b + 1][column] = a1.reduceLanes(VectorOperators.ADD) + tail(base, j, x1);
    out[b + 2][column] = a2.reduceLanes(VectorOperators.ADD) + tail(base, j, x2);
    out[b + 3][column] = a3.reduceLanes(VectorOperators.ADD) + tail(base, j, x3);
  }

  @Override
  public void row(int row, float[] dst, int offset) {
    int base = row * half;
    for (int j = 0; j < half; j++) {
      int v = data[base + j];
      dst[offset + j] = format.decode(v);
      if (half + j < cols) {
        dst[offset + half + j] = format.decode(v >>> 16);
      }
    }
  }

  @Override
  public String toString() {
    return format + "[" + rows + ", " + cols + "]";
  }
}
