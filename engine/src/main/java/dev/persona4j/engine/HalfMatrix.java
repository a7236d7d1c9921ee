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
 * <p>Stored in panels of {@code P} rows (P = the vector length) like {@link F32Matrix}, two columns
 * to an int: within a panel, int {@code k·P + i} holds row i's weight at column 2k in its low 16
 * bits and at column 2k + 1 in its high 16 bits (0 past the last column). One int vector load
 * decodes into the P weights of two consecutive columns, each multiplied by the batch rows' input
 * value at that column (broadcast). BF16 decodes by a shift (low) and a mask (high); F16 by moving
 * the exponent and mantissa into float32 position and multiplying by 2¹¹², exact for normal and
 * subnormal halves alike (infinities and NaNs are rejected at construction).
 */
final class HalfMatrix extends PanelMatrix {
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
  /** Column pairs per row. */
  private final int pairs;
  /** The panels, from {@link #origin}; maybe shared with other matrices. */
  private final int[] data;
  private final int origin;

  private HalfMatrix(Format format, int rows, int cols, int[] data, int origin) {
    super(rows, cols, (long) rows * cols);
    this.format = format;
    this.pairs = (cols + 1) / 2;
    this.data = data;
    this.origin = origin;
  }

  static HalfMatrix of(Format format, int rows, int cols, short[] bits) {
    Objects.requireNonNull(bits, "bits");
    HalfMatrix m = new HalfMatrix(format, rows, cols, new int[Math.toIntExact(storedInts(rows, cols, bits.length))], 0);
    for (int p = 0; p < panels(rows); p++) {
      m.fillPanel(p, bits, p * P * cols);
    }
    return m;
  }

  /**
   * A zero matrix whose panels are {@code slab[origin .. origin + storedInts(rows, cols))}, which
   * {@link #fillPanel} then writes; the rest of the slab belongs to others.
   */
  static HalfMatrix in(Format format, int[] slab, int origin, int rows, int cols) {
    if (origin < 0 || origin + storedInts(rows, cols, (long) rows * cols) > slab.length) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix at " + origin + " does not fit a slab of " + slab.length + " ints");
    }
    return new HalfMatrix(format, rows, cols, slab, origin);
  }

  /** Ints a [rows, cols] matrix holds: whole panels of column pairs, the last panel padded. */
  static long storedInts(int rows, int cols) {
    return (long) panels(rows) * P * ((cols + 1) / 2);
  }

  private static long storedInts(int rows, int cols, long values) {
    if (rows <= 0 || cols <= 0 || (long) rows * cols != values) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix needs " + (long) rows * cols + " values, got " + values);
    }
    return storedInts(rows, cols);
  }

  /**
   * Writes panel {@code p} from its rows' bit patterns, row-major in {@code bits} from {@code at}
   * (fewer than P rows for the last panel), column pair after column pair: one sequential pass.
   * Panels are disjoint, so several threads may fill different ones.
   *
   * @throws IllegalArgumentException naming the first F16 infinity or NaN
   */
  void fillPanel(int p, short[] bits, int at) {
    int r0 = p * P;
    int height = Math.min(P, rows - r0);
    for (int c = 0, to = origin + r0 * pairs; c < cols; c += 2, to += P) {
      for (int i = 0; i < height; i++) {
        int lo = checked(format, bits, at + i * cols + c, r0 + i, c, cols);
        int hi = c + 1 < cols ? checked(format, bits, at + i * cols + c + 1, r0 + i, c + 1, cols) : 0;
        data[to + i] = lo | hi << 16;
      }
    }
  }

  /** The bit pattern {@code bits[at]}, the matrix's (r, c): an F16 infinity or NaN refused. */
  private static int checked(Format format, short[] bits, int at, int r, int c, int cols) {
    int v = bits[at] & 0xffff;
    if (format == Format.F16 && (v & 0x7c00) == 0x7c00) {
      throw new IllegalArgumentException("element " + ((long) r * cols + c) + " (row " + r + ", column " + c + ") is "
          + Format.F16.decode(v) + ", not a finite weight");
    }
    return v;
  }

  @Override
  public long bytes() {
    return 4L * storedInts(rows, cols);
  }

  /** The array holding this matrix's panels (and maybe other matrices'), for tests. */
  int[] storage() {
    return data;
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

  // Every kernel takes the full column pairs first; an odd last column uses only the low halves (its
  // x has no partner).

  @Override
  void panel8(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int full = cols / 2;
    int base = origin + p * P * pairs;
    int end = base + full * P;
    boolean odd = cols % 2 == 1;
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3], x4 = x[b + 4], x5 = x[b + 5], x6 = x[b + 6], x7 = x[b + 7];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int k = 0; k < full; k++) {
      // one induction variable (k): with a second one for i, C2 kept a bounds check on every load
      int c = 2 * k;
      IntVector v = IntVector.fromArray(I, data, base + k * P);
      FloatVector lo = low(v);
      FloatVector hi = high(v);
      a0 = hi.fma(FloatVector.broadcast(F, x0[c + 1]), lo.fma(FloatVector.broadcast(F, x0[c]), a0));
      a1 = hi.fma(FloatVector.broadcast(F, x1[c + 1]), lo.fma(FloatVector.broadcast(F, x1[c]), a1));
      a2 = hi.fma(FloatVector.broadcast(F, x2[c + 1]), lo.fma(FloatVector.broadcast(F, x2[c]), a2));
      a3 = hi.fma(FloatVector.broadcast(F, x3[c + 1]), lo.fma(FloatVector.broadcast(F, x3[c]), a3));
      a4 = hi.fma(FloatVector.broadcast(F, x4[c + 1]), lo.fma(FloatVector.broadcast(F, x4[c]), a4));
      a5 = hi.fma(FloatVector.broadcast(F, x5[c + 1]), lo.fma(FloatVector.broadcast(F, x5[c]), a5));
      a6 = hi.fma(FloatVector.broadcast(F, x6[c + 1]), lo.fma(FloatVector.broadcast(F, x6[c]), a6));
      a7 = hi.fma(FloatVector.broadcast(F, x7[c + 1]), lo.fma(FloatVector.broadcast(F, x7[c]), a7));
    }
    int c = 2 * full;
    if (odd) {
      FloatVector lo = low(IntVector.fromArray(I, data, end));
      a0 = lo.fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = lo.fma(FloatVector.broadcast(F, x1[c]), a1);
      a2 = lo.fma(FloatVector.broadcast(F, x2[c]), a2);
      a3 = lo.fma(FloatVector.broadcast(F, x3[c]), a3);
      a4 = lo.fma(FloatVector.broadcast(F, x4[c]), a4);
      a5 = lo.fma(FloatVector.broadcast(F, x5[c]), a5);
      a6 = lo.fma(FloatVector.broadcast(F, x6[c]), a6);
      a7 = lo.fma(FloatVector.broadcast(F, x7[c]), a7);
    }
    a0.intoArray(out[ob], column);
    a1.intoArray(out[ob + 1], column);
    a2.intoArray(out[ob + 2], column);
    a3.intoArray(out[ob + 3], column);
    a4.intoArray(out[ob + 4], column);
    a5.intoArray(out[ob + 5], column);
    a6.intoArray(out[ob + 6], column);
    a7.intoArray(out[ob + 7], column);
  }

  @Override
  void panel4(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int full = cols / 2;
    int base = origin + p * P * pairs;
    int end = base + full * P;
    boolean odd = cols % 2 == 1;
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
    for (int k = 0; k < full; k++) {
      // one induction variable (k): with a second one for i, C2 kept a bounds check on every load
      int c = 2 * k;
      IntVector v = IntVector.fromArray(I, data, base + k * P);
      FloatVector lo = low(v);
      FloatVector hi = high(v);
      a0 = hi.fma(FloatVector.broadcast(F, x0[c + 1]), lo.fma(FloatVector.broadcast(F, x0[c]), a0));
      a1 = hi.fma(FloatVector.broadcast(F, x1[c + 1]), lo.fma(FloatVector.broadcast(F, x1[c]), a1));
      a2 = hi.fma(FloatVector.broadcast(F, x2[c + 1]), lo.fma(FloatVector.broadcast(F, x2[c]), a2));
      a3 = hi.fma(FloatVector.broadcast(F, x3[c + 1]), lo.fma(FloatVector.broadcast(F, x3[c]), a3));
    }
    int c = 2 * full;
    if (odd) {
      FloatVector lo = low(IntVector.fromArray(I, data, end));
      a0 = lo.fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = lo.fma(FloatVector.broadcast(F, x1[c]), a1);
      a2 = lo.fma(FloatVector.broadcast(F, x2[c]), a2);
      a3 = lo.fma(FloatVector.broadcast(F, x3[c]), a3);
    }
    a0.intoArray(out[ob], column);
    a1.intoArray(out[ob + 1], column);
    a2.intoArray(out[ob + 2], column);
    a3.intoArray(out[ob + 3], column);
  }

  @Override
  void panel1(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int full = cols / 2;
    int base = origin + p * P * pairs;
    int end = base + full * P;
    boolean odd = cols % 2 == 1;
    float[] x0 = x[b];
    // low and high halves in separate accumulators: a single chain would wait on the FMA latency
    FloatVector a0 = FloatVector.zero(F), a1 = a0;
    for (int k = 0; k < full; k++) {
      // one induction variable (k): with a second one for i, C2 kept a bounds check on every load
      int c = 2 * k;
      IntVector v = IntVector.fromArray(I, data, base + k * P);
      a0 = low(v).fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = high(v).fma(FloatVector.broadcast(F, x0[c + 1]), a1);
    }
    int c = 2 * full;
    if (odd) {
      a0 = low(IntVector.fromArray(I, data, end)).fma(FloatVector.broadcast(F, x0[c]), a0);
    }
    a0.add(a1).intoArray(out[ob], column);
  }

  @Override
  public void row(int row, float[] dst, int offset) {
    int base = origin + row / P * P * pairs + row % P;
    for (int c = 0; c < cols; c++) {
      int v = data[base + c / 2 * P];
      dst[offset + c] = format.decode(c % 2 == 0 ? v : v >>> 16);
    }
  }

  @Override
  public String toString() {
    return format + "[" + rows + ", " + cols + "]";
  }
}
