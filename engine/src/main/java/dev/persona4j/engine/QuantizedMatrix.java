package dev.persona4j.engine;

import dev.persona4j.engine.gguf.GgufType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix in one of GGUF's block-quantized types (Q8_0, Q5_0, Q4_0, Q4_K, Q6_K), held as the file
 * stores it: the quantized levels in a byte array (packed nibbles for the 4-bit types, ggml's
 * low/high bit planes for Q6_K) and each block's scales, decoded from fp16 once, in a float array.
 * Rows are whole blocks, in Hugging Face's row order.
 *
 * <p>A product decodes one row at a time into a row of float32 scratch (byte vectors widened to
 * float vectors, scaled exactly as ggml's dequantization does, with the same roundings) and takes
 * its dot product with every batch row, four at a time (Q5_0 decodes in registers instead): each
 * block is read from memory once per product whatever the batch, and {@link #row} gives the very
 * values the product uses. Q8_0 is laid out in panels instead ({@link Q8PanelMatrix}) where the
 * vectors hold 8 or 16 floats.
 */
abstract class QuantizedMatrix implements RowFilled {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int L = F.length();
  /** Bytes widened per load: L of them, but at least 8 (the narrowest byte vector), widened in parts of L. */
  static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * L)));
  static final int PARTS = B.length() / L;
  /** Exactly L bytes (where L is 8 or 16), widened to one float vector. */
  static final VectorSpecies<Byte> LEVELS = L == 8 || L == 16 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * L)) : B;
  /** L ints: levels widened from {@link #LEVELS} for the bit work (x86 has no byte shifts). */
  static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  final int rows;
  final int cols;
  /** Blocks per row. */
  final int blocks;

  QuantizedMatrix(int rows, int cols, int blockSize) {
    if (rows <= 0 || cols <= 0 || cols % blockSize != 0) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix is not whole blocks of " + blockSize);
    }
    if (B.length() > 16) {
      throw new IllegalStateException("vectors of " + L + " floats are wider than the quantized kernels handle");
    }
    this.rows = rows;
    this.cols = cols;
    this.blocks = cols / blockSize;
  }

  /**
   * The matrix of a GGUF tensor's data (rows in Hugging Face's order, whole blocks per row).
   *
   * @throws IllegalArgumentException if the data does not hold {@code rows × cols} values of the type or
   *     a block's scale is not finite
   */
  static WeightMatrix of(GgufType type, int rows, int cols, ByteBuffer data) {
    ByteBuffer d = checked(type, rows, cols, data);
    RowFilled m = empty(type, rows, cols);
    m.fill(0, d);
    return m;
  }

  /**
   * A zero matrix of the type, whose rows {@link RowFilled#fill} then decodes: a loader reads a large
   * tensor a few rows at a time, never holding all its bytes as well.
   */
  static RowFilled empty(GgufType type, int rows, int cols) {
    return switch (type) {
      case Q8_0 -> Q8PanelMatrix.supported() ? Q8PanelMatrix.empty(rows, cols) : new Q8_0(rows, cols);
      case Q4_0 -> new Q4_0(rows, cols);
      case Q5_0 -> new Q5_0(rows, cols);
      case Q4_K -> new Q4K(rows, cols);
      case Q6_K -> new Q6K(rows, cols);
      default -> throw new IllegalArgumentException(type + " is not a block-quantized type");
    };
  }

  /**
   * {@code data} as a little-endian slice, after checking that it holds rows × cols values of a
   * block-quantized type.
   *
   * @throws IllegalArgumentException if it does not
   */
  static ByteBuffer checked(GgufType type, int rows, int cols, ByteBuffer data) {
    if (!type.quantized()) {
      throw new IllegalArgumentException(type + " is not a block-quantized type");
    }
    long bytes = type.bytes(Math.multiplyExact((long) rows, cols));
    if (data.remaining() != bytes) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] " + type + " matrix needs " + bytes + " bytes, got " + data.remaining());
    }
    return data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public final int rows() {
    return rows;
  }

  @Override
  public final int cols() {
    return cols;
  }

  /** Writes row {@code row}, decoded, into {@code dst[offset .. offset + cols)} (vectorized). */
  abstract void decode(int row, float[] dst, int offset);

  @Override
  public final void row(int row, float[] dst, int offset) {
    decode(row, dst, offset);
  }

  /** Whether this format has {@link #dotRow}. */
  boolean hasDotRow() {
    return false;
  }

  /**
   * {@link #dotRow} for batch rows b .. b + 3 at once, each level chunk decoded once for the four.
   * Each format writes its four sums out itself: a helper taking the eight accumulators was not
   * inlined into the larger kernels and boxed them (Q6_K's batch-8 product 15 → 84 ms, measured).
   */
  void dotRow4(int row, float[][] x, int b, float[][] out, int column) {
    throw new UnsupportedOperationException(toString());
  }

  /**
   * Row {@code row} · x, the row decoded on the fly (no scratch row), with the same products and
   * sums in the same order as {@link #decode} then a dot product.
   */
  float dotRow(int row, float[] x) {
    throw new UnsupportedOperationException(toString());
  }

  @Override
  public final void multiply(float[][] x, int batch, float[][] out, int outOffset, int rowStart, int rowEnd) {
    if (hasDotRow()) {
      // decoded in registers, block by block, four batch rows at a time: no scratch row written and read back
      for (int r = rowStart; r < rowEnd; r++) {
        int b = 0;
        for (; batch - b >= 4; b += 4) {
          dotRow4(r, x, b, out, outOffset + r);
        }
        for (; b < batch; b++) {
          out[b][outOffset + r] = dotRow(r, x[b]);
        }
      }
      return;
    }
    float[] w = new float[cols];
    for (int r = rowStart; r < rowEnd; r++) {
      decode(r, w, 0);
      int b = 0;
      for (; batch - b >= 4; b += 4) {
        dot4(w, x, b, out, outOffset + r);
      }
      for (; b < batch; b++) {
        out[b][outOffset + r] = dot(w, x[b]);
      }
    }
  }

  /**
   * out[b + i][column] = w · x[b + i] for i &lt; 4, each weight vector loaded once for the four; two
   * accumulators per batch row, as {@link #dot} has, so each row gets the sums it gets alone.
   */
  private void dot4(float[] w, float[][] x, int b, float[][] out, int column) {
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
    for (int c = 0; c < cols; c += 2 * L) {
      FloatVector v = FloatVector.fromArray(F, w, c);
      a0 = v.fma(FloatVector.fromArray(F, x0, c), a0);
      b0 = v.fma(FloatVector.fromArray(F, x1, c), b0);
      c0 = v.fma(FloatVector.fromArray(F, x2, c), c0);
      d0 = v.fma(FloatVector.fromArray(F, x3, c), d0);
      v = FloatVector.fromArray(F, w, c + L);
      a1 = v.fma(FloatVector.fromArray(F, x0, c + L), a1);
      b1 = v.fma(FloatVector.fromArray(F, x1, c + L), b1);
      c1 = v.fma(FloatVector.fromArray(F, x2, c + L), c1);
      d1 = v.fma(FloatVector.fromArray(F, x3, c + L), d1);
    }
    out[b][column] = a0.add(a1).reduceLanes(VectorOperators.ADD);
    out[b + 1][column] = b0.add(b1).reduceLanes(VectorOperators.ADD);
    out[b + 2][column] = c0.add(c1).reduceLanes(VectorOperators.ADD);
    out[b + 3][column] = d0.add(d1).reduceLanes(VectorOperators.ADD);
  }

  /**
   * Q5_0: blocks of 32 5-bit levels and an fp16 scale d; w = (q − 16)·d. A level's low 4 bits are a
   * nibble (low nibbles levels 0-15, high nibbles 16-31), its fifth bit is bit j of the block's 32-bit
   * qh. Held as stored: the nibbles, qh as an int, the scale as a float (24 bytes a block, the file's 22).
   */
  static final class Q5_0 extends QuantizedMatrix {
    private final byte[] nibbles;
    private final int[] fifthBits;
    private final float[] scales;
    /** Per chunk of L levels of a half block: the qh bit of each lane, for the low half and the high half. */
    private final IntVector[] lowShifts;
    private final IntVector[] highShifts;

    Q5_0(int rows, int cols) {
      super(rows, cols, 32);
      int n = Math.multiplyExact(rows, blocks);
      nibbles = new byte[Math.multiplyExact(16, n)];
      fifthBits = new int[n];
      scales = new float[n];
      int chunks = L == 8 || L == 16 ? 16 / L : 0;
      lowShifts = new IntVector[chunks];
      highShifts = new IntVector[chunks];
      for (int c = 0; c < chunks; c++) {
        int first = c * L;
        lowShifts[c] = IntVector.zero(I).addIndex(1).add(first);
        highShifts[c] = IntVector.zero(I).addIndex(1).add(first + 16);
      }
    }

    @Override
    public void fill(int firstRow, ByteBuffer data) {
      for (int j = 0, k = firstRow * blocks, n = data.limit() / 22; j < n; j++, k++) {
        scales[k] = scale(data, 22 * j, "the scale of block ", k);
        fifthBits[k] = data.getInt(22 * j + 2);
        data.get(22 * j + 6, nibbles, 16 * k, 16);
      }
    }

    @Override
    void decode(int row, float[] dst, int offset) {
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        int to = offset + 32 * k;
        if (lowShifts.length == 0) {
          decodeScalar(s, scales[s], dst, to);
          continue;
        }
        IntVector qh = IntVector.broadcast(I, fifthBits[s]);
        for (int c = 0; c < lowShifts.length; c++) {
          chunk(s, c, false, qh).intoArray(dst, to + c * L);
          chunk(s, c, true, qh).intoArray(dst, to + 16 + c * L);
        }
      }
    }

    /** With vectors of 8 or 16 floats, the widths {@link #dotRow} is written for. */
    @Override
    boolean hasDotRow() {
      return lowShifts.length > 0;
    }

    /** Chunk c (of L levels) of block s, low half (levels c·L ..) or high half (16 + c·L ..), times the block's scale. */
    private FloatVector chunk(int s, int c, boolean high, IntVector qh) {
      IntVector q = (IntVector) ByteVector.fromArray(LEVELS, nibbles, 16 * s + c * L).convertShape(VectorOperators.B2I, I, 0);
      IntVector nibble = high ? q.lanewise(VectorOperators.LSHR, 4).and(0x0f) : q.and(0x0f);
      IntVector fifth = qh.lanewise(VectorOperators.LSHR, high ? highShifts[c] : lowShifts[c]).and(1).lanewise(VectorOperators.LSHL, 4);
      return ((FloatVector) nibble.or(fifth).sub(16).convert(VectorOperators.I2F, 0)).mul(scales[s]);
    }

    /**
     * Decoded in registers, block by block, into two accumulators that take L columns in turn: the
     * products and sums of {@link #decode} then a dot product, in the same order. Written per width:
     * one loop over a block's chunks boxed the vectors; with 8 floats a vector, the block's two halves
     * are a loop, since written out the method passed C2's inlining node limit and boxed them too
     * (a batch-8 product 4× slower, measured with -XX:MaxVectorSize=32).
     */
    @Override
    float dotRow(int row, float[] x) {
      FloatVector a0 = FloatVector.zero(F), a1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        IntVector qh = IntVector.broadcast(I, fifthBits[s]);
        int c = 32 * k;
        if (L == 16) {
          a0 = chunk(s, 0, false, qh).fma(FloatVector.fromArray(F, x, c), a0);
          a1 = chunk(s, 0, true, qh).fma(FloatVector.fromArray(F, x, c + 16), a1);
        } else {
          for (int half = 0; half < 2; half++) {
            a0 = chunk(s, 0, half == 1, qh).fma(FloatVector.fromArray(F, x, c + 16 * half), a0);
            a1 = chunk(s, 1, half == 1, qh).fma(FloatVector.fromArray(F, x, c + 16 * half + 8), a1);
          }
        }
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dotRow4(int row, float[][] x, int b, float[][] out, int column) {
      float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
      FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        IntVector qh = IntVector.broadcast(I, fifthBits[s]);
        int c = 32 * k;
        if (L == 16) {
          FloatVector w = chunk(s, 0, false, qh);
          a0 = w.fma(FloatVector.fromArray(F, x0, c), a0);
          b0 = w.fma(FloatVector.fromArray(F, x1, c), b0);
          c0 = w.fma(FloatVector.fromArray(F, x2, c), c0);
          d0 = w.fma(FloatVector.fromArray(F, x3, c), d0);
          w = chunk(s, 0, true, qh);
          a1 = w.fma(FloatVector.fromArray(F, x0, c + 16), a1);
          b1 = w.fma(FloatVector.fromArray(F, x1, c + 16), b1);
          c1 = w.fma(FloatVector.fromArray(F, x2, c + 16), c1);
          d1 = w.fma(FloatVector.fromArray(F, x3, c + 16), d1);
        } else {
          for (int half = 0; half < 2; half++) {
            FloatVector w = chunk(s, 0, half == 1, qh);
            int at = c + 16 * half;
            a0 = w.fma(FloatVector.fromArray(F, x0, at), a0);
            b0 = w.fma(FloatVector.fromArray(F, x1, at), b0);
            c0 = w.fma(FloatVector.fromArray(F, x2, at), c0);
            d0 = w.fma(FloatVector.fromArray(F, x3, at), d0);
            w = chunk(s, 1, half == 1, qh);
            at += 8;
            a1 = w.fma(FloatVector.fromArray(F, x0, at), a1);
            b1 = w.fma(FloatVector.fromArray(F, x1, at), b1);
            c1 = w.fma(FloatVector.fromArray(F, x2, at), c1);
            d1 = w.fma(FloatVector.fromArray(F, x3, at), d1);
          }
        }
      }
      out[b][column] = a0.add(a1).reduceLanes(VectorOperators.ADD);
      out[b + 1][column] = b0.add(b1).reduceLanes(VectorOperators.ADD);
      out[b + 2][column] = c0.add(c1).reduceLanes(VectorOperators.ADD);
      out[b + 3][column] = d0.add(d1).reduceLanes(VectorOperators.ADD);
    }

    /** ggml's dequantization, one value at a time (vectors of other than 8 or 16 floats). */
    private void decodeScalar(int s, float d, float[] dst, int to) {
      int qh = fifthBits[s];
      for (int j = 0; j < 16; j++) {
        int q = nibbles[16 * s + j] & 0xff;
        dst[to + j] = (((q & 0x0f) | ((qh >>> j) & 1) << 4) - 16) * d;
        dst[to + 16 + j] = (((q >>> 4) | ((qh >>> (j + 16)) & 1) << 4) - 16) * d;
      }
    }

    @Override
    public long bytes() {
      return nibbles.length + 4L * fifthBits.length + 4L * scales.length;
    }

    @Override
    public String toString() {
      return "Q5_0[" + rows + ", " + cols + "]";
    }
  }

  private float dot(float[] w, float[] x) {
    // two accumulators: a single chain would wait on the FMA latency (cols is a multiple of 32 ≥ 2L)
    FloatVector a0 = FloatVector.zero(F), a1 = a0;
    for (int c = 0; c < cols; c += 2 * L) {
      a0 = FloatVector.fromArray(F, w, c).fma(FloatVector.fromArray(F, x, c), a0);
      a1 = FloatVector.fromArray(F, w, c + L).fma(FloatVector.fromArray(F, x, c + L), a1);
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  /** Levels {@code v} (signed bytes) times {@code scale}, into dst from {@code at}: as ggml, {@code q * d}. */
  static void store(ByteVector v, float scale, float[] dst, int at) {
    for (int part = 0; part < PARTS; part++) {
      ((FloatVector) v.convertShape(VectorOperators.B2F, F, part)).mul(scale).intoArray(dst, at + part * L);
    }
  }

  /** Levels times {@code scale} minus {@code min}, into dst from {@code at}: as ggml, {@code d * q - m} (two roundings). */
  static void store(ByteVector v, float scale, float min, float[] dst, int at) {
    for (int part = 0; part < PARTS; part++) {
      ((FloatVector) v.convertShape(VectorOperators.B2F, F, part)).mul(scale).sub(min).intoArray(dst, at + part * L);
    }
  }

  /**
   * An fp16 scale read from {@code b} at byte {@code at}: {@code what} of block {@code block} (the
   * message is built only for a bad scale: a string per block took a fifth of a Q8_0 file's load).
   *
   * @throws IllegalArgumentException if it is infinite or NaN
   */
  static float scale(ByteBuffer b, int at, String what, int block) {
    int bits = b.getShort(at) & 0xffff;
    if ((bits & 0x7c00) == 0x7c00) {
      throw new IllegalArgumentException(what + block + " is not finite (fp16 0x" + Integer.toHexString(bits) + ")");
    }
    return HalfMatrix.Format.F16.decode(bits);
  }

  /** Bytes held: the levels and the float scales. */
  static long bytes(byte[] levels, float[]... scales) {
    long n = levels.length;
    for (float[] s : scales) {
      n += 4L * s.length;
    }
    return n;
  }

  /**
   * Q8_0: blocks of 32 int8 levels and an fp16 scale d; w = q·d. Rows as the file has them, for vector
   * widths {@link Q8PanelMatrix} is not written for (other than 8 or 16 floats).
   */
  static final class Q8_0 extends QuantizedMatrix {
    private final byte[] levels;
    private final float[] scales;

    Q8_0(int rows, int cols) {
      super(rows, cols, 32);
      int n = Math.multiplyExact(rows, blocks);
      levels = new byte[Math.multiplyExact(32, n)];
      scales = new float[n];
    }

    @Override
    public void fill(int firstRow, ByteBuffer data) {
      for (int j = 0, k = firstRow * blocks, n = data.limit() / 34; j < n; j++, k++) {
        scales[k] = scale(data, 34 * j, "the scale of block ", k);
        data.get(34 * j + 2, levels, 32 * k, 32);
      }
    }

    @Override
    void decode(int row, float[] dst, int offset) {
      int first = row * blocks;
      for (int k = 0; k < blocks; k++) {
        float d = scales[first + k];
        for (int j = 0; j < 32; j += B.length()) {
          store(ByteVector.fromArray(B, levels, 32 * (first + k) + j), d, dst, offset + 32 * k + j);
        }
      }
    }

    @Override
    public long bytes() {
      return bytes(levels, scales);
    }

    @Override
    public String toString() {
      return "Q8_0[" + rows + ", " + cols + "]";
    }
  }

  /** Q4_0: blocks of 32 4-bit levels (low nibbles values 0-15, high nibbles 16-31) and an fp16 scale d; w = (q − 8)·d. */
  static final class Q4_0 extends QuantizedMatrix {
    private final byte[] nibbles;
    private final float[] scales;

    Q4_0(int rows, int cols) {
      super(rows, cols, 32);
      int n = Math.multiplyExact(rows, blocks);
      nibbles = new byte[Math.multiplyExact(16, n)];
      scales = new float[n];
    }

    @Override
    public void fill(int firstRow, ByteBuffer data) {
      for (int j = 0, k = firstRow * blocks, n = data.limit() / 18; j < n; j++, k++) {
        scales[k] = scale(data, 18 * j, "the scale of block ", k);
        data.get(18 * j + 2, nibbles, 16 * k, 16);
      }
    }

    @Override
    void decode(int row, float[] dst, int offset) {
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        float d = scales[s];
        for (int j = 0; j < 16; j += B.length()) {
          ByteVector v = ByteVector.fromArray(B, nibbles, 16 * s + j);
          store(v.and((byte) 0x0f).sub((byte) 8), d, dst, offset + 32 * k + j);
          store(v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0f).sub((byte) 8), d, dst, offset + 32 * k + 16 + j);
        }
      }
    }

    /** With vectors of 8 or 16 floats, the widths {@link #dotRow} is written for. */
    @Override
    boolean hasDotRow() {
      return L == 8 || L == 16;
    }

    /** L values from the nibbles at {@code shift} (0 or 4) of the bytes at {@code at}: decode's (q − 8)·d. */
    private FloatVector levels(int at, int shift, float d) {
      IntVector q = (IntVector) ByteVector.fromArray(LEVELS, nibbles, at).convertShape(VectorOperators.B2I, I, 0);
      return ((FloatVector) q.lanewise(VectorOperators.LSHR, shift).and(0x0f).sub(8).convert(VectorOperators.I2F, 0)).mul(d);
    }

    /**
     * Decoded in registers into two accumulators that take L columns in turn: decode's values, then
     * a dot product's sums in the same order (a block's 16 low-nibble columns, then its 16 high ones).
     * Decoding a row into scratch first ran at half Q5_0's speed per weight, measured.
     */
    @Override
    float dotRow(int row, float[] x) {
      FloatVector a0 = FloatVector.zero(F), a1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        float d = scales[s];
        int q = 16 * s;
        int c = 32 * k;
        if (L == 16) {
          a0 = levels(q, 0, d).fma(FloatVector.fromArray(F, x, c), a0);
          a1 = levels(q, 4, d).fma(FloatVector.fromArray(F, x, c + 16), a1);
        } else {
          for (int shift = 0; shift <= 4; shift += 4) {
            a0 = levels(q, shift, d).fma(FloatVector.fromArray(F, x, c + 4 * shift), a0);
            a1 = levels(q + 8, shift, d).fma(FloatVector.fromArray(F, x, c + 4 * shift + 8), a1);
          }
        }
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dotRow4(int row, float[][] x, int b, float[][] out, int column) {
      float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
      FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        float d = scales[s];
        int q = 16 * s;
        int c = 32 * k;
        FloatVector w;
        if (L == 16) {
          w = levels(q, 0, d);
          a0 = w.fma(FloatVector.fromArray(F, x0, c), a0);
          b0 = w.fma(FloatVector.fromArray(F, x1, c), b0);
          c0 = w.fma(FloatVector.fromArray(F, x2, c), c0);
          d0 = w.fma(FloatVector.fromArray(F, x3, c), d0);
          w = levels(q, 4, d);
          a1 = w.fma(FloatVector.fromArray(F, x0, c + 16), a1);
          b1 = w.fma(FloatVector.fromArray(F, x1, c + 16), b1);
          c1 = w.fma(FloatVector.fromArray(F, x2, c + 16), c1);
          d1 = w.fma(FloatVector.fromArray(F, x3, c + 16), d1);
        } else {
          for (int shift = 0; shift <= 4; shift += 4) {
            int at = c + 4 * shift;
            w = levels(q, shift, d);
            a0 = w.fma(FloatVector.fromArray(F, x0, at), a0);
            b0 = w.fma(FloatVector.fromArray(F, x1, at), b0);
            c0 = w.fma(FloatVector.fromArray(F, x2, at), c0);
            d0 = w.fma(FloatVector.fromArray(F, x3, at), d0);
            w = levels(q + 8, shift, d);
            a1 = w.fma(FloatVector.fromArray(F, x0, at + 8), a1);
            b1 = w.fma(FloatVector.fromArray(F, x1, at + 8), b1);
            c1 = w.fma(FloatVector.fromArray(F, x2, at + 8), c1);
            d1 = w.fma(FloatVector.fromArray(F, x3, at + 8), d1);
          }
        }
      }
      out[b][column] = a0.add(a1).reduceLanes(VectorOperators.ADD);
      out[b + 1][column] = b0.add(b1).reduceLanes(VectorOperators.ADD);
      out[b + 2][column] = c0.add(c1).reduceLanes(VectorOperators.ADD);
      out[b + 3][column] = d0.add(d1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public long bytes() {
      return bytes(nibbles, scales);
    }

    @Override
    public String toString() {
      return "Q4_0[" + rows + ", " + cols + "]";
    }
  }

  /**
   * Q4_K: super-blocks of 256 values in 8 sub-blocks of 32, each with a 6-bit scale and min under the
   * super-block's fp16 d and dmin; w = (d·scale)·q − dmin·min, q 4-bit. The sub-block products d·scale and
   * dmin·min are computed once at load, in float32 as ggml does.
   */
  static final class Q4K extends QuantizedMatrix {
    private final byte[] nibbles;
    private final float[] scales;
    private final float[] mins;

    Q4K(int rows, int cols) {
      super(rows, cols, 256);
      int n = Math.multiplyExact(rows, blocks);
      nibbles = new byte[Math.multiplyExact(128, n)];
      scales = new float[8 * n];
      mins = new float[8 * n];
    }

    @Override
    public void fill(int firstRow, ByteBuffer data) {
      for (int i = 0, k = firstRow * blocks, n = data.limit() / 144; i < n; i++, k++) {
        int at = 144 * i;
        float d = scale(data, at, "the scale d of super-block ", k);
        float dmin = scale(data, at + 2, "the scale dmin of super-block ", k);
        int s = at + 4;
        for (int j = 0; j < 8; j++) {
          int sc = j < 4 ? u8(data, s + j) & 63 : (u8(data, s + j + 4) & 0x0f) | (u8(data, s + j - 4) >>> 6) << 4;
          int m = j < 4 ? u8(data, s + j + 4) & 63 : (u8(data, s + j + 4) >>> 4) | (u8(data, s + j) >>> 6) << 4;
          scales[8 * k + j] = d * sc;
          mins[8 * k + j] = dmin * m;
        }
        data.get(at + 16, nibbles, 128 * k, 128);
      }
    }

    @Override
    void decode(int row, float[] dst, int offset) {
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        for (int chunk = 0; chunk < 4; chunk++) {
          int j = 8 * s + 2 * chunk;
          int y = offset + 256 * k + 64 * chunk;
          for (int l = 0; l < 32; l += B.length()) {
            ByteVector v = ByteVector.fromArray(B, nibbles, 128 * s + 32 * chunk + l);
            store(v.and((byte) 0x0f), scales[j], mins[j], dst, y + l);
            store(v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0f), scales[j + 1], mins[j + 1], dst, y + 32 + l);
          }
        }
      }
    }

    /** With vectors of 8 or 16 floats, the widths {@link #dotRow} is written for. */
    @Override
    boolean hasDotRow() {
      return L == 8 || L == 16;
    }

    /**
     * L levels from the low nibbles (shift 0) or the high nibbles (shift 4) of the bytes at {@code
     * at}, times scale minus min: decode's values, the nibbles widened to ints for the bit work.
     */
    private FloatVector levels(int at, int shift, float scale, float min) {
      IntVector q = (IntVector) ByteVector.fromArray(LEVELS, nibbles, at).convertShape(VectorOperators.B2I, I, 0);
      return ((FloatVector) q.lanewise(VectorOperators.LSHR, shift).and(0x0f).convert(VectorOperators.I2F, 0)).mul(scale).sub(min);
    }

    /**
     * Decoded in registers into two accumulators that take L columns in turn: decode's values, then
     * a dot product's sums in the same order (a chunk's 32 low-nibble columns, then its 32 high-nibble
     * ones). The loop over the two nibbles keeps the method small: written out, C2 stopped inlining
     * at its node limit and boxed the vectors (measured: a batch-8 product 3× slower). Decoding a row
     * into scratch first ran at half this speed.
     */
    @Override
    float dotRow(int row, float[] x) {
      FloatVector a0 = FloatVector.zero(F), a1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        for (int chunk = 0; chunk < 4; chunk++) {
          int q = 128 * s + 32 * chunk;
          for (int nibble = 0; nibble < 2; nibble++) {
            int j = 8 * s + 2 * chunk + nibble;
            int c = 256 * k + 64 * chunk + 32 * nibble;
            float scale = scales[j], min = mins[j];
            if (L == 16) {
              a0 = levels(q, 4 * nibble, scale, min).fma(FloatVector.fromArray(F, x, c), a0);
              a1 = levels(q + 16, 4 * nibble, scale, min).fma(FloatVector.fromArray(F, x, c + 16), a1);
            } else {
              a0 = levels(q, 4 * nibble, scale, min).fma(FloatVector.fromArray(F, x, c), a0);
              a1 = levels(q + 8, 4 * nibble, scale, min).fma(FloatVector.fromArray(F, x, c + 8), a1);
              a0 = levels(q + 16, 4 * nibble, scale, min).fma(FloatVector.fromArray(F, x, c + 16), a0);
              a1 = levels(q + 24, 4 * nibble, scale, min).fma(FloatVector.fromArray(F, x, c + 24), a1);
            }
          }
        }
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dotRow4(int row, float[][] x, int b, float[][] out, int column) {
      float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
      FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        for (int chunk = 0; chunk < 4; chunk++) {
          int q = 128 * s + 32 * chunk;
          for (int nibble = 0; nibble < 2; nibble++) {
            int j = 8 * s + 2 * chunk + nibble;
            int c = 256 * k + 64 * chunk + 32 * nibble;
            float scale = scales[j], min = mins[j];
            // a half chunk's 32 columns: two vectors of 16, or four of 8
            for (int v = 0; v < 32 / L; v += 2) {
              FloatVector w = levels(q + v * L, 4 * nibble, scale, min);
              int at = c + v * L;
              a0 = w.fma(FloatVector.fromArray(F, x0, at), a0);
              b0 = w.fma(FloatVector.fromArray(F, x1, at), b0);
              c0 = w.fma(FloatVector.fromArray(F, x2, at), c0);
              d0 = w.fma(FloatVector.fromArray(F, x3, at), d0);
              w = levels(q + v * L + L, 4 * nibble, scale, min);
              at += L;
              a1 = w.fma(FloatVector.fromArray(F, x0, at), a1);
              b1 = w.fma(FloatVector.fromArray(F, x1, at), b1);
              c1 = w.fma(FloatVector.fromArray(F, x2, at), c1);
              d1 = w.fma(FloatVector.fromArray(F, x3, at), d1);
            }
          }
        }
      }
      out[b][column] = a0.add(a1).reduceLanes(VectorOperators.ADD);
      out[b + 1][column] = b0.add(b1).reduceLanes(VectorOperators.ADD);
      out[b + 2][column] = c0.add(c1).reduceLanes(VectorOperators.ADD);
      out[b + 3][column] = d0.add(d1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public long bytes() {
      return bytes(nibbles, scales, mins);
    }

    @Override
    public String toString() {
      return "Q4_K[" + rows + ", " + cols + "]";
    }
  }

  /**
   * Q6_K: super-blocks of 256 values in 16 sub-blocks of 16 with int8 scales under an fp16 d; w = (d·scale)·(q −
   * 32), q 6-bit, held as ggml stores it: 128 bytes of low 4 bits and 64 of high 2 bits per super-block.
   */
  static final class Q6K extends QuantizedMatrix {
    private final byte[] bits;
    private final float[] scales;

    Q6K(int rows, int cols) {
      super(rows, cols, 256);
      int n = Math.multiplyExact(rows, blocks);
      bits = new byte[Math.multiplyExact(192, n)];
      scales = new float[16 * n];
    }

    @Override
    public void fill(int firstRow, ByteBuffer data) {
      for (int i = 0, k = firstRow * blocks, n = data.limit() / 210; i < n; i++, k++) {
        int at = 210 * i;
        float d = scale(data, at + 208, "the scale d of super-block ", k);
        for (int j = 0; j < 16; j++) {
          scales[16 * k + j] = d * data.get(at + 192 + j);
        }
        data.get(at, bits, 192 * k, 192);
      }
    }

    @Override
    void decode(int row, float[] dst, int offset) {
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        for (int half = 0; half < 2; half++) {
          int ql = 192 * s + 64 * half;
          int qh = 192 * s + 128 + 32 * half;
          int sc = 16 * s + 8 * half;
          int y = offset + 256 * k + 128 * half;
          for (int l = 0; l < 32; l += B.length()) {
            int is = sc + l / 16;
            ByteVector a = ByteVector.fromArray(B, bits, ql + l);
            ByteVector b = ByteVector.fromArray(B, bits, ql + l + 32);
            ByteVector h = ByteVector.fromArray(B, bits, qh + l);
            store(a.and((byte) 0x0f).or(high(h, 0)).sub((byte) 32), scales[is], dst, y + l);
            store(b.and((byte) 0x0f).or(high(h, 2)).sub((byte) 32), scales[is + 2], dst, y + l + 32);
            store(a.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0f).or(high(h, 4)).sub((byte) 32), scales[is + 4], dst, y + l + 64);
            store(b.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0f).or(high(h, 6)).sub((byte) 32), scales[is + 6], dst, y + l + 96);
          }
        }
      }
    }

    /** With vectors of 8 or 16 floats, the widths {@link #dotRow} is written for. */
    @Override
    boolean hasDotRow() {
      return L == 8 || L == 16;
    }

    /**
     * L values of quarter {@code quarter} (0-3) of a half super-block whose low bits start at byte
     * {@code ql} and high bits at {@code qh}, from its lane {@code l}: decode's values, the levels
     * widened to ints for the bit work.
     */
    private FloatVector levels(int ql, int qh, int quarter, int l, float scale) {
      IntVector q = (IntVector) ByteVector.fromArray(LEVELS, bits, ql + 32 * (quarter & 1) + l).convertShape(VectorOperators.B2I, I, 0);
      IntVector h = (IntVector) ByteVector.fromArray(LEVELS, bits, qh + l).convertShape(VectorOperators.B2I, I, 0);
      IntVector low = quarter < 2 ? q.and(0x0f) : q.lanewise(VectorOperators.LSHR, 4).and(0x0f);
      IntVector level = low.or(h.lanewise(VectorOperators.LSHR, 2 * quarter).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
      return ((FloatVector) level.convert(VectorOperators.I2F, 0)).mul(scale);
    }

    /** L bytes from {@code at}, widened to ints. */
    private IntVector widened(int at) {
      return (IntVector) ByteVector.fromArray(LEVELS, bits, at).convertShape(VectorOperators.B2I, I, 0);
    }

    /**
     * Quarter {@code quarter}'s values from widened low-bit bytes q (their low nibbles for quarters
     * 0 and 1, high for 2 and 3) and high-bit bytes h, times scale: {@link #levels} without the loads.
     */
    private static FloatVector quarter(IntVector q, IntVector h, int quarter, float scale) {
      IntVector low = quarter < 2 ? q.and(0x0f) : q.lanewise(VectorOperators.LSHR, 4).and(0x0f);
      IntVector level = low.or(h.lanewise(VectorOperators.LSHR, 2 * quarter).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
      return ((FloatVector) level.convert(VectorOperators.I2F, 0)).mul(scale);
    }

    /**
     * Decoded in registers into two accumulators that take L columns in turn: decode's values, then
     * a dot product's sums in the same order (quarter by quarter, each accumulator's columns
     * ascending). With 16 floats a vector, a half super-block's high bits are widened once for its
     * four quarters. Decoding a row into scratch with byte shifts, which x86 lacks, ran at a seventh
     * of Q5_0's speed per weight, measured; loops keep the method under C2's inlining node limit
     * (written out, it boxed the vectors).
     */
    @Override
    float dotRow(int row, float[] x) {
      FloatVector a0 = FloatVector.zero(F), a1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        for (int half = 0; half < 2; half++) {
          int ql = 192 * s + 64 * half;
          int qh = 192 * s + 128 + 32 * half;
          int sc = 16 * s + 8 * half;
          int y = 256 * k + 128 * half;
          if (L == 16) {
            IntVector h0 = widened(qh), h1 = widened(qh + 16);
            for (int quarter = 0; quarter < 4; quarter++) {
              int q = ql + 32 * (quarter & 1);
              int c = y + 32 * quarter;
              a0 = quarter(widened(q), h0, quarter, scales[sc + 2 * quarter]).fma(FloatVector.fromArray(F, x, c), a0);
              a1 = quarter(widened(q + 16), h1, quarter, scales[sc + 2 * quarter + 1]).fma(FloatVector.fromArray(F, x, c + 16), a1);
            }
          } else {
            for (int quarter = 0; quarter < 4; quarter++) {
              for (int l = 0; l < 32; l += 16) {
                int c = y + 32 * quarter + l;
                float scale = scales[sc + 2 * quarter + l / 16];
                a0 = levels(ql, qh, quarter, l, scale).fma(FloatVector.fromArray(F, x, c), a0);
                a1 = levels(ql, qh, quarter, l + 8, scale).fma(FloatVector.fromArray(F, x, c + 8), a1);
              }
            }
          }
        }
      }
      return a0.add(a1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dotRow4(int row, float[][] x, int b, float[][] out, int column) {
      float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
      FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
      for (int k = 0, s = row * blocks; k < blocks; k++, s++) {
        for (int half = 0; half < 2; half++) {
          int ql = 192 * s + 64 * half;
          int qh = 192 * s + 128 + 32 * half;
          int sc = 16 * s + 8 * half;
          int y = 256 * k + 128 * half;
          FloatVector w;
          if (L == 16) {
            IntVector h0 = widened(qh), h1 = widened(qh + 16);
            for (int quarter = 0; quarter < 4; quarter++) {
              int q = ql + 32 * (quarter & 1);
              int c = y + 32 * quarter;
              w = quarter(widened(q), h0, quarter, scales[sc + 2 * quarter]);
              a0 = w.fma(FloatVector.fromArray(F, x0, c), a0);
              b0 = w.fma(FloatVector.fromArray(F, x1, c), b0);
              c0 = w.fma(FloatVector.fromArray(F, x2, c), c0);
              d0 = w.fma(FloatVector.fromArray(F, x3, c), d0);
              w = quarter(widened(q + 16), h1, quarter, scales[sc + 2 * quarter + 1]);
              a1 = w.fma(FloatVector.fromArray(F, x0, c + 16), a1);
              b1 = w.fma(FloatVector.fromArray(F, x1, c + 16), b1);
              c1 = w.fma(FloatVector.fromArray(F, x2, c + 16), c1);
              d1 = w.fma(FloatVector.fromArray(F, x3, c + 16), d1);
            }
          } else {
            for (int quarter = 0; quarter < 4; quarter++) {
              for (int l = 0; l < 32; l += 16) {
                int c = y + 32 * quarter + l;
                float scale = scales[sc + 2 * quarter + l / 16];
                w = levels(ql, qh, quarter, l, scale);
                a0 = w.fma(FloatVector.fromArray(F, x0, c), a0);
                b0 = w.fma(FloatVector.fromArray(F, x1, c), b0);
                c0 = w.fma(FloatVector.fromArray(F, x2, c), c0);
                d0 = w.fma(FloatVector.fromArray(F, x3, c), d0);
                w = levels(ql, qh, quarter, l + 8, scale);
                a1 = w.fma(FloatVector.fromArray(F, x0, c + 8), a1);
                b1 = w.fma(FloatVector.fromArray(F, x1, c + 8), b1);
                c1 = w.fma(FloatVector.fromArray(F, x2, c + 8), c1);
                d1 = w.fma(FloatVector.fromArray(F, x3, c + 8), d1);
              }
            }
          }
        }
      }
      out[b][column] = a0.add(a1).reduceLanes(VectorOperators.ADD);
      out[b + 1][column] = b0.add(b1).reduceLanes(VectorOperators.ADD);
      out[b + 2][column] = c0.add(c1).reduceLanes(VectorOperators.ADD);
      out[b + 3][column] = d0.add(d1).reduceLanes(VectorOperators.ADD);
    }

    /** The two high bits at {@code shift} of each byte of {@code h}, moved to bits 4 and 5. */
    private static ByteVector high(ByteVector h, int shift) {
      return h.lanewise(VectorOperators.LSHR, shift).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
    }

    @Override
    public long bytes() {
      return bytes(bits, scales);
    }

    @Override
    public String toString() {
      return "Q6_K[" + rows + ", " + cols + "]";
    }
  }

  private static int u8(ByteBuffer b, int i) {
    return b.get(i) & 0xff;
  }
}
