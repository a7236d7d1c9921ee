package dev.persona4j.engine;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;

/**
 * A float32 weight matrix in a Java array, stored in panels of {@code P} rows (P = the float vector
 * length): panel p holds, column after column, the P weights of its rows in that column. The kernel
 * loads one column of a panel as a vector and multiplies it by each batch row's input value at that
 * column (broadcast), accumulating P outputs per batch row in registers, up to 8 batch rows at once:
 * the weights are read once per 8 batch rows, from L1 after the first, and no horizontal reduction
 * is needed (each accumulator lane is one output row).
 */
final class F32Matrix extends PanelMatrix {
  /** Panels of P rows, the last padded with zero rows, from {@link #origin}; maybe shared with other matrices. */
  private final float[] w;
  private final int origin;

  F32Matrix(int rows, int cols, float[] values) {
    this(rows, cols, new float[Math.toIntExact(storedFloats(rows, cols, Objects.requireNonNull(values, "values").length))], 0);
    for (int p = 0; p < panels(rows); p++) {
      fillPanel(p, values, p * P * cols);
    }
  }

  /**
   * A zero matrix whose panels {@link #fillPanel} then writes: a loader reads rows straight into
   * their panels, never holding the whole tensor in its row-major order as well.
   */
  static F32Matrix empty(int rows, int cols) {
    return new F32Matrix(rows, cols, new float[Math.toIntExact(storedFloats(rows, cols, (long) rows * cols))], 0);
  }

  /**
   * A zero matrix whose panels are {@code slab[origin .. origin + storedFloats(rows, cols))}, which
   * {@link #fillPanel} then writes; the rest of the slab belongs to others.
   */
  static F32Matrix in(float[] slab, int origin, int rows, int cols) {
    if (origin < 0 || origin + storedFloats(rows, cols, (long) rows * cols) > slab.length) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix at " + origin + " does not fit a slab of " + slab.length + " floats");
    }
    return new F32Matrix(rows, cols, slab, origin);
  }

  /** Floats a [rows, cols] matrix holds: whole panels, the last padded. */
  static long storedFloats(int rows, int cols) {
    return (long) panels(rows) * P * cols;
  }

  /** {@link #storedFloats}, after checking that {@code values} is rows × cols. */
  private static long storedFloats(int rows, int cols, long values) {
    if (rows <= 0 || cols <= 0 || (long) rows * cols != values) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix needs " + (long) rows * cols + " values, got " + values);
    }
    return storedFloats(rows, cols);
  }

  private F32Matrix(int rows, int cols, float[] w, int origin) {
    super(rows, cols, (long) rows * cols);
    this.w = w;
    this.origin = origin;
  }

  /**
   * Writes panel {@code p} from its rows, row-major in {@code src} from {@code at} (fewer than P
   * rows for the last panel). Column after column, writing in order while reading P rows side by
   * side: one sequential pass. Panels are disjoint, so several threads may fill different ones.
   */
  void fillPanel(int p, float[] src, int at) {
    int height = Math.min(P, rows - p * P);
    for (int c = 0, to = origin + p * P * cols; c < cols; c++, to += P) {
      for (int i = 0; i < height; i++) {
        w[to + i] = src[at + i * cols + c];
      }
    }
  }

  /** The array holding this matrix's panels (and maybe other matrices'), for tests. */
  float[] storage() {
    return w;
  }

  @Override
  public long bytes() {
    return 4L * storedFloats(rows, cols);
  }

  // Every kernel loops over the column c alone and computes its indices from it: with a second
  // induction variable for the weight index, C2 kept a bounds check on every load, and the batch-8
  // kernel ran at 56 instead of 149 GFLOP/s on one core (measured on an L2-resident panel).

  @Override
  void panel8(int p, float[][] x, int b, float[][] out, int ob, int column) {
    // unused by multiply, which gives blocks of eight rows to panel8Interleaved; the same sums
    panel8Interleaved(p, interleave8(x, b, cols), out, ob, column);
  }

  @Override
  void panel4(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int base = origin + p * P * cols;
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
    for (int c = 0; c < cols; c++) {
      FloatVector v = FloatVector.fromArray(F, w, base + c * P);
      a0 = v.fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = v.fma(FloatVector.broadcast(F, x1[c]), a1);
      a2 = v.fma(FloatVector.broadcast(F, x2[c]), a2);
      a3 = v.fma(FloatVector.broadcast(F, x3[c]), a3);
    }
    a0.intoArray(out[ob], column);
    a1.intoArray(out[ob + 1], column);
    a2.intoArray(out[ob + 2], column);
    a3.intoArray(out[ob + 3], column);
  }

  @Override
  void panel1(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int base = origin + p * P * cols;
    float[] x0 = x[b];
    // four accumulators: a single chain would wait on the FMA latency every column
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
    int c = 0;
    for (; c + 3 < cols; c += 4) {
      int i = base + c * P;
      a0 = FloatVector.fromArray(F, w, i).fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = FloatVector.fromArray(F, w, i + P).fma(FloatVector.broadcast(F, x0[c + 1]), a1);
      a2 = FloatVector.fromArray(F, w, i + 2 * P).fma(FloatVector.broadcast(F, x0[c + 2]), a2);
      a3 = FloatVector.fromArray(F, w, i + 3 * P).fma(FloatVector.broadcast(F, x0[c + 3]), a3);
    }
    for (; c < cols; c++) {
      a0 = FloatVector.fromArray(F, w, base + c * P).fma(FloatVector.broadcast(F, x0[c]), a0);
    }
    a0.add(a1).add(a2.add(a3)).intoArray(out[ob], column);
  }

  @Override
  boolean panel8Interleaved(int p, float[] xi, float[][] out, int ob, int column) {
    int base = origin + p * P * cols;
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int c = 0; c < cols; c++) {
      FloatVector v = FloatVector.fromArray(F, w, base + c * P);
      int x = 8 * c;
      a0 = v.fma(FloatVector.broadcast(F, xi[x]), a0);
      a1 = v.fma(FloatVector.broadcast(F, xi[x + 1]), a1);
      a2 = v.fma(FloatVector.broadcast(F, xi[x + 2]), a2);
      a3 = v.fma(FloatVector.broadcast(F, xi[x + 3]), a3);
      a4 = v.fma(FloatVector.broadcast(F, xi[x + 4]), a4);
      a5 = v.fma(FloatVector.broadcast(F, xi[x + 5]), a5);
      a6 = v.fma(FloatVector.broadcast(F, xi[x + 6]), a6);
      a7 = v.fma(FloatVector.broadcast(F, xi[x + 7]), a7);
    }
    a0.intoArray(out[ob], column);
    a1.intoArray(out[ob + 1], column);
    a2.intoArray(out[ob + 2], column);
    a3.intoArray(out[ob + 3], column);
    a4.intoArray(out[ob + 4], column);
    a5.intoArray(out[ob + 5], column);
    a6.intoArray(out[ob + 6], column);
    a7.intoArray(out[ob + 7], column);
    return true;
  }

  /**
   * Panels p and p + 1 times 8 interleaved batch rows: each broadcast input feeds two FMAs, 16
   * accumulators in all (of the 32 vector registers), about 1.35× the one-panel kernel's rate.
   */
  @Override
  boolean panelPair8Interleaved(int p, float[] xi, float[][] out, int ob, int column) {
    int base = origin + p * P * cols;
    int next = base + P * cols;
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
    for (int c = 0; c < cols; c++) {
      FloatVector v = FloatVector.fromArray(F, w, base + c * P);
      FloatVector u = FloatVector.fromArray(F, w, next + c * P);
      int x = 8 * c;
      FloatVector s = FloatVector.broadcast(F, xi[x]);
      a0 = v.fma(s, a0);
      b0 = u.fma(s, b0);
      s = FloatVector.broadcast(F, xi[x + 1]);
      a1 = v.fma(s, a1);
      b1 = u.fma(s, b1);
      s = FloatVector.broadcast(F, xi[x + 2]);
      a2 = v.fma(s, a2);
      b2 = u.fma(s, b2);
      s = FloatVector.broadcast(F, xi[x + 3]);
      a3 = v.fma(s, a3);
      b3 = u.fma(s, b3);
      s = FloatVector.broadcast(F, xi[x + 4]);
      a4 = v.fma(s, a4);
      b4 = u.fma(s, b4);
      s = FloatVector.broadcast(F, xi[x + 5]);
      a5 = v.fma(s, a5);
      b5 = u.fma(s, b5);
      s = FloatVector.broadcast(F, xi[x + 6]);
      a6 = v.fma(s, a6);
      b6 = u.fma(s, b6);
      s = FloatVector.broadcast(F, xi[x + 7]);
      a7 = v.fma(s, a7);
      b7 = u.fma(s, b7);
    }
    int second = column + P;
    a0.intoArray(out[ob], column);
    a1.intoArray(out[ob + 1], column);
    a2.intoArray(out[ob + 2], column);
    a3.intoArray(out[ob + 3], column);
    a4.intoArray(out[ob + 4], column);
    a5.intoArray(out[ob + 5], column);
    a6.intoArray(out[ob + 6], column);
    a7.intoArray(out[ob + 7], column);
    b0.intoArray(out[ob], second);
    b1.intoArray(out[ob + 1], second);
    b2.intoArray(out[ob + 2], second);
    b3.intoArray(out[ob + 3], second);
    b4.intoArray(out[ob + 4], second);
    b5.intoArray(out[ob + 5], second);
    b6.intoArray(out[ob + 6], second);
    b7.intoArray(out[ob + 7], second);
    return true;
  }

  /**
   * Panels p .. p + 3 times 4 of 8 interleaved batch rows (r = 0 or 4), over columns [c0, c1),
   * continuing the sums already in out where c0 &gt; 0: 16 accumulators, each broadcast input feeding
   * four FMAs. Per weight vector loaded it issues half the instructions of the pair kernel, so more
   * of the weights stream in while the FMAs run (the pair kernel's reads and FMAs hardly overlap:
   * 32 against 45 GB/s on 576-column matrices, two threads, measured).
   */
  @Override
  boolean panelQuad4Interleaved(int p, float[] xi, int r, int c0, int c1, float[][] out, int ob, int column) {
    int base0 = origin + p * P * cols;
    int base1 = base0 + P * cols;
    int base2 = base1 + P * cols;
    int base3 = base2 + P * cols;
    float[] o0 = out[ob], o1 = out[ob + 1], o2 = out[ob + 2], o3 = out[ob + 3];
    int k0 = column, k1 = column + P, k2 = column + 2 * P, k3 = column + 3 * P;
    FloatVector a0, a1, a2, a3, b0, b1, b2, b3, d0, d1, d2, d3, e0, e1, e2, e3;
    if (c0 == 0) {
      a0 = FloatVector.zero(F);
      a1 = a0; a2 = a0; a3 = a0; b0 = a0; b1 = a0; b2 = a0; b3 = a0;
      d0 = a0; d1 = a0; d2 = a0; d3 = a0; e0 = a0; e1 = a0; e2 = a0; e3 = a0;
    } else {
      a0 = FloatVector.fromArray(F, o0, k0); b0 = FloatVector.fromArray(F, o0, k1);
      d0 = FloatVector.fromArray(F, o0, k2); e0 = FloatVector.fromArray(F, o0, k3);
      a1 = FloatVector.fromArray(F, o1, k0); b1 = FloatVector.fromArray(F, o1, k1);
      d1 = FloatVector.fromArray(F, o1, k2); e1 = FloatVector.fromArray(F, o1, k3);
      a2 = FloatVector.fromArray(F, o2, k0); b2 = FloatVector.fromArray(F, o2, k1);
      d2 = FloatVector.fromArray(F, o2, k2); e2 = FloatVector.fromArray(F, o2, k3);
      a3 = FloatVector.fromArray(F, o3, k0); b3 = FloatVector.fromArray(F, o3, k1);
      d3 = FloatVector.fromArray(F, o3, k2); e3 = FloatVector.fromArray(F, o3, k3);
    }
    for (int c = c0; c < c1; c++) {
      FloatVector v0 = FloatVector.fromArray(F, w, base0 + c * P);
      FloatVector v1 = FloatVector.fromArray(F, w, base1 + c * P);
      FloatVector v2 = FloatVector.fromArray(F, w, base2 + c * P);
      FloatVector v3 = FloatVector.fromArray(F, w, base3 + c * P);
      int x = 8 * c + r;
      FloatVector s = FloatVector.broadcast(F, xi[x]);
      a0 = v0.fma(s, a0);
      b0 = v1.fma(s, b0);
      d0 = v2.fma(s, d0);
      e0 = v3.fma(s, e0);
      s = FloatVector.broadcast(F, xi[x + 1]);
      a1 = v0.fma(s, a1);
      b1 = v1.fma(s, b1);
      d1 = v2.fma(s, d1);
      e1 = v3.fma(s, e1);
      s = FloatVector.broadcast(F, xi[x + 2]);
      a2 = v0.fma(s, a2);
      b2 = v1.fma(s, b2);
      d2 = v2.fma(s, d2);
      e2 = v3.fma(s, e2);
      s = FloatVector.broadcast(F, xi[x + 3]);
      a3 = v0.fma(s, a3);
      b3 = v1.fma(s, b3);
      d3 = v2.fma(s, d3);
      e3 = v3.fma(s, e3);
    }
    a0.intoArray(o0, k0); b0.intoArray(o0, k1); d0.intoArray(o0, k2); e0.intoArray(o0, k3);
    a1.intoArray(o1, k0); b1.intoArray(o1, k1); d1.intoArray(o1, k2); e1.intoArray(o1, k3);
    a2.intoArray(o2, k0); b2.intoArray(o2, k1); d2.intoArray(o2, k2); e2.intoArray(o2, k3);
    a3.intoArray(o3, k0); b3.intoArray(o3, k1); d3.intoArray(o3, k2); e3.intoArray(o3, k3);
    return true;
  }

  @Override
  public void row(int row, float[] dst, int offset) {
    int base = origin + row / P * P * cols + row % P;
    for (int c = 0; c < cols; c++) {
      dst[offset + c] = w[base + c * P];
    }
  }

  @Override
  public String toString() {
    return "F32[" + rows + ", " + cols + "]";
  }
}
