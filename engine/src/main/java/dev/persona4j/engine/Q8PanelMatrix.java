package dev.persona4j.engine;

import dev.persona4j.engine.gguf.GgufType;
import java.nio.ByteBuffer;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q8_0 matrix (blocks of 32 int8 levels along a row, each block with an fp16 scale d; w = q·d) held
 * in panels of P rows like {@link F32Matrix}: for each column, the P rows' levels side by side (P
 * bytes), and for each block, the P rows' scales side by side. A column decodes to one float vector
 * (P levels widened, times the P scales of its block: ggml's q·d, exactly) that multiplies each batch
 * row's input at that column (broadcast) into P outputs per batch row, with no horizontal sums.
 *
 * <p>Why panels: decoding a row's blocks and taking its dot product with each batch row (the layout
 * the file has) loads every input vector once per row and ends each row in a horizontal sum; at
 * batch 8 that ran a third of the FMA rate (26 ms a step on the 135M model against F32's 22).
 *
 * <p>Each batch row has the same two accumulators per panel (even columns, odd columns) whatever the
 * batch size, so a row gets the very sums it gets alone. Held bytes: the levels (one byte a weight)
 * and the scales as floats (one per 32 weights), the last panel padded with zero rows.
 */
final class Q8PanelMatrix extends PanelMatrix implements RowFilled {
  /** P levels: one byte vector of P lanes, widened to one float vector. */
  private static final VectorSpecies<Byte> LEVELS = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * P));
  private static final int BLOCK = 32;
  private final int blocks;
  /** [panel][column][P rows] levels, from {@link #lo}; maybe shared with other matrices. */
  private final byte[] levels;
  private final int lo;
  /** [panel][block][P rows] scales, from {@link #so}; maybe shared with other matrices. */
  private final float[] scales;
  private final int so;

  /** Whether vectors have a width this layout is written for (8 or 16 floats). */
  static boolean supported() {
    return P == 8 || P == 16;
  }

  /**
   * From GGUF's Q8_0 data: rows in order, each {@code cols / 32} blocks of an fp16 scale and 32 levels.
   *
   * @throws IllegalArgumentException if the data is not rows × cols of Q8_0 or a scale is not finite
   */
  static Q8PanelMatrix of(int rows, int cols, ByteBuffer data) {
    ByteBuffer checked = QuantizedMatrix.checked(GgufType.Q8_0, rows, cols, data);
    Q8PanelMatrix m = empty(rows, cols);
    m.fill(0, checked);
    return m;
  }

  /** A zero matrix with arrays of its own, whose panels {@link #fill} then decodes. */
  static Q8PanelMatrix empty(int rows, int cols) {
    return new Q8PanelMatrix(rows, cols, new byte[Math.toIntExact(storedLevels(rows, cols))], 0,
        new float[Math.toIntExact(storedScales(rows, cols))], 0);
  }

  /**
   * A zero matrix with its levels at {@code levelSlab[levelOrigin .. + storedLevels)} and its scales at
   * {@code scaleSlab[scaleOrigin .. + storedScales)}, whose panels {@link #fill} then decodes: one pair
   * of arrays for a file's Q8_0 matrices, which no young collection then copies.
   */
  static Q8PanelMatrix in(int rows, int cols, byte[] levelSlab, int levelOrigin, float[] scaleSlab, int scaleOrigin) {
    if (levelOrigin < 0 || levelOrigin + storedLevels(rows, cols) > levelSlab.length
        || scaleOrigin < 0 || scaleOrigin + storedScales(rows, cols) > scaleSlab.length) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] Q8_0 matrix at " + levelOrigin + "/" + scaleOrigin
          + " does not fit slabs of " + levelSlab.length + " levels and " + scaleSlab.length + " scales");
    }
    return new Q8PanelMatrix(rows, cols, levelSlab, levelOrigin, scaleSlab, scaleOrigin);
  }

  /** Levels a [rows, cols] matrix holds: whole panels, the last padded. */
  static long storedLevels(int rows, int cols) {
    return (long) panels(rows) * P * cols;
  }

  /** Scales a [rows, cols] matrix holds: one per row and block, whole panels. */
  static long storedScales(int rows, int cols) {
    return (long) panels(rows) * P * (cols / BLOCK);
  }

  private Q8PanelMatrix(int rows, int cols, byte[] levels, int lo, float[] scales, int so) {
    super(rows, cols, (long) rows * cols);
    if (cols % BLOCK != 0) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix is not whole blocks of " + BLOCK);
    }
    if (!supported()) {
      throw new IllegalStateException("Q8_0 panels need vectors of 8 or 16 floats, not " + P);
    }
    this.blocks = cols / BLOCK;
    this.levels = levels;
    this.lo = lo;
    this.scales = scales;
    this.so = so;
  }

  /** Whole panels: {@link #fill} starts at a panel's first row. */
  @Override
  public int rowsPerFill() {
    return P;
  }

  /**
   * Panel by panel, block by block: the P rows' 32 levels read in bulk, written as 32 columns of P
   * bytes (a P-by-32 transpose into consecutive bytes).
   */
  @Override
  public void fill(int firstRow, ByteBuffer data) {
    if (firstRow % P != 0) {
      throw new IllegalArgumentException("Q8_0 panels are filled from a panel's first row, not row " + firstRow);
    }
    int end = Math.min(rows, firstRow + data.limit() / (34 * blocks));
    byte[] block = new byte[BLOCK];
    for (int p = firstRow / P; p * P < end; p++) {
      for (int k = 0; k < blocks; k++) {
        int to = lo + (p * cols + BLOCK * k) * P;
        for (int lane = 0; lane < P && p * P + lane < end; lane++) {
          int row = p * P + lane;
          int at = 34 * ((row - firstRow) * blocks + k);
          scales[so + (p * blocks + k) * P + lane] = QuantizedMatrix.scale(data, at, "the scale of block ", row * blocks + k);
          data.get(at + 2, block, 0, BLOCK);
          for (int j = 0; j < BLOCK; j++) {
            levels[to + j * P + lane] = block[j];
          }
        }
      }
    }
  }

  /** Column c of panel p decoded: P levels times their rows' scales for c's block. */
  private FloatVector column(int p, int c) {
    return decoded(lo + (p * cols + c) * P, FloatVector.fromArray(F, scales, so + (p * blocks + (c >>> 5)) * P));
  }

  /** The P levels from byte {@code at}, widened, times {@code scale} (ggml's q·d). */
  private FloatVector decoded(int at, FloatVector scale) {
    return ((FloatVector) ByteVector.fromArray(LEVELS, levels, at).convertShape(VectorOperators.B2F, F, 0)).mul(scale);
  }

  // Every kernel gives each batch row two accumulators, even columns and odd ones (cols is a multiple
  // of 32), added at the end: the same two in every kernel give a row the sums it gets alone.

  @Override
  void panel8(int p, float[][] x, int b, float[][] out, int ob, int column) {
    // unused by multiply, which gives blocks of eight rows to panel8Interleaved; the same sums
    panel8Interleaved(p, interleave8(x, b, cols), out, ob, column);
  }

  @Override
  void panel4(int p, float[][] x, int b, float[][] out, int ob, int column) {
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    for (int c = 0; c < cols; c += 2) {
      FloatVector w = column(p, c);
      a0 = w.fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = w.fma(FloatVector.broadcast(F, x1[c]), a1);
      a2 = w.fma(FloatVector.broadcast(F, x2[c]), a2);
      a3 = w.fma(FloatVector.broadcast(F, x3[c]), a3);
      w = column(p, c + 1);
      b0 = w.fma(FloatVector.broadcast(F, x0[c + 1]), b0);
      b1 = w.fma(FloatVector.broadcast(F, x1[c + 1]), b1);
      b2 = w.fma(FloatVector.broadcast(F, x2[c + 1]), b2);
      b3 = w.fma(FloatVector.broadcast(F, x3[c + 1]), b3);
    }
    a0.add(b0).intoArray(out[ob], column);
    a1.add(b1).intoArray(out[ob + 1], column);
    a2.add(b2).intoArray(out[ob + 2], column);
    a3.add(b3).intoArray(out[ob + 3], column);
  }

  @Override
  void panel1(int p, float[][] x, int b, float[][] out, int ob, int column) {
    float[] x0 = x[b];
    FloatVector a0 = FloatVector.zero(F), b0 = a0;
    // block by block, the block's scales loaded once for its 32 columns: with a scale load and its
    // index per column, as the batch-8 kernels have (where it measured faster), batch 1 ran 9.5-11.9
    // against 7.7-7.9 ms a step
    for (int k = 0; k < blocks; k++) {
      FloatVector d = FloatVector.fromArray(F, scales, so + (p * blocks + k) * P);
      int at = lo + (p * cols + BLOCK * k) * P;
      int c0 = BLOCK * k;
      for (int j = 0; j < BLOCK; j += 2) {
        a0 = decoded(at + j * P, d).fma(FloatVector.broadcast(F, x0[c0 + j]), a0);
        b0 = decoded(at + (j + 1) * P, d).fma(FloatVector.broadcast(F, x0[c0 + j + 1]), b0);
      }
    }
    a0.add(b0).intoArray(out[ob], column);
  }

  @Override
  boolean panel8Interleaved(int p, float[] xi, float[][] out, int ob, int column) {
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
    for (int c = 0; c < cols; c += 2) {
      FloatVector w = column(p, c);
      int x = 8 * c;
      a0 = w.fma(FloatVector.broadcast(F, xi[x]), a0);
      a1 = w.fma(FloatVector.broadcast(F, xi[x + 1]), a1);
      a2 = w.fma(FloatVector.broadcast(F, xi[x + 2]), a2);
      a3 = w.fma(FloatVector.broadcast(F, xi[x + 3]), a3);
      a4 = w.fma(FloatVector.broadcast(F, xi[x + 4]), a4);
      a5 = w.fma(FloatVector.broadcast(F, xi[x + 5]), a5);
      a6 = w.fma(FloatVector.broadcast(F, xi[x + 6]), a6);
      a7 = w.fma(FloatVector.broadcast(F, xi[x + 7]), a7);
      w = column(p, c + 1);
      b0 = w.fma(FloatVector.broadcast(F, xi[x + 8]), b0);
      b1 = w.fma(FloatVector.broadcast(F, xi[x + 9]), b1);
      b2 = w.fma(FloatVector.broadcast(F, xi[x + 10]), b2);
      b3 = w.fma(FloatVector.broadcast(F, xi[x + 11]), b3);
      b4 = w.fma(FloatVector.broadcast(F, xi[x + 12]), b4);
      b5 = w.fma(FloatVector.broadcast(F, xi[x + 13]), b5);
      b6 = w.fma(FloatVector.broadcast(F, xi[x + 14]), b6);
      b7 = w.fma(FloatVector.broadcast(F, xi[x + 15]), b7);
    }
    a0.add(b0).intoArray(out[ob], column);
    a1.add(b1).intoArray(out[ob + 1], column);
    a2.add(b2).intoArray(out[ob + 2], column);
    a3.add(b3).intoArray(out[ob + 3], column);
    a4.add(b4).intoArray(out[ob + 4], column);
    a5.add(b5).intoArray(out[ob + 5], column);
    a6.add(b6).intoArray(out[ob + 6], column);
    a7.add(b7).intoArray(out[ob + 7], column);
    return true;
  }

  @Override
  public void row(int row, float[] dst, int offset) {
    int p = row / P;
    int lane = row % P;
    for (int c = 0; c < cols; c++) {
      dst[offset + c] = levels[lo + (p * cols + c) * P + lane] * scales[so + (p * blocks + c / BLOCK) * P + lane];
    }
  }

  /** The array holding this matrix's levels (maybe shared with other matrices): for tests. */
  byte[] levelStorage() {
    return levels;
  }

  /** The array holding this matrix's scales (maybe shared with other matrices): for tests. */
  float[] scaleStorage() {
    return scales;
  }

  @Override
  public long bytes() {
    return storedLevels(rows, cols) + 4L * storedScales(rows, cols);
  }

  @Override
  public String toString() {
    return "Q8_0[" + rows + ", " + cols + "]";
  }
}
