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
  /** Panels of P rows, the last padded with zero rows. */
  private final float[] w;

  F32Matrix(int rows, int cols, float[] values) {
    super(rows, cols, Objects.requireNonNull(values, "values").length);
    this.w = new float[Math.multiplyExact(panels(rows) * P, cols)];
    // panel by panel, writing in order (reading P rows side by side): a load-time cost of one pass
    for (int r0 = 0, at = 0; r0 < rows; r0 += P) {
      int height = Math.min(P, rows - r0);
      for (int c = 0; c < cols; c++, at += P) {
        for (int i = 0; i < height; i++) {
          w[at + i] = values[(r0 + i) * cols + c];
        }
      }
    }
  }

  @Override
  public long bytes() {
    return 4L * w.length;
  }

  /**
   * One panel times {@code n} (8, 4 or 1) batch rows from {@code b}: out[ob + i][column .. column + P).
   */
  @Override
  void panel(int p, float[][] x, int b, int n, float[][] out, int ob, int column) {
    // one method per block size: C2 compiles each small loop well, one method holding all three less so
    if (n == 8) {
      panel8(p, x, b, out, ob, column);
    } else if (n == 4) {
      panel4(p, x, b, out, ob, column);
    } else {
      panel1(p, x, b, out, ob, column);
    }
  }

  private void panel8(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int base = p * P * cols;
    int end = base + cols * P;
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3], x4 = x[b + 4], x5 = x[b + 5], x6 = x[b + 6], x7 = x[b + 7];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int i = base, c = 0; i < end; i += P, c++) {
      FloatVector v = FloatVector.fromArray(F, w, i);
      a0 = v.fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = v.fma(FloatVector.broadcast(F, x1[c]), a1);
      a2 = v.fma(FloatVector.broadcast(F, x2[c]), a2);
      a3 = v.fma(FloatVector.broadcast(F, x3[c]), a3);
      a4 = v.fma(FloatVector.broadcast(F, x4[c]), a4);
      a5 = v.fma(FloatVector.broadcast(F, x5[c]), a5);
      a6 = v.fma(FloatVector.broadcast(F, x6[c]), a6);
      a7 = v.fma(FloatVector.broadcast(F, x7[c]), a7);
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

  private void panel4(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int base = p * P * cols;
    int end = base + cols * P;
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
    for (int i = base, c = 0; i < end; i += P, c++) {
      FloatVector v = FloatVector.fromArray(F, w, i);
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

  private void panel1(int p, float[][] x, int b, float[][] out, int ob, int column) {
    int base = p * P * cols;
    int end = base + cols * P;
    float[] x0 = x[b];
    // two accumulators: a single chain would wait on the FMA latency every column
    FloatVector a0 = FloatVector.zero(F), a1 = a0;
    int i = base;
    int c = 0;
    for (; i + P < end; i += 2 * P, c += 2) {
      a0 = FloatVector.fromArray(F, w, i).fma(FloatVector.broadcast(F, x0[c]), a0);
      a1 = FloatVector.fromArray(F, w, i + P).fma(FloatVector.broadcast(F, x0[c + 1]), a1);
    }
    if (i < end) {
      a0 = FloatVector.fromArray(F, w, i).fma(FloatVector.broadcast(F, x0[c]), a0);
    }
    a0.add(a1).intoArray(out[ob], column);
  }

  /** With 32 vector registers (AVX-512): 16 accumulators, two weight vectors and a broadcast fit. */
  private static final boolean PAIRS = F.vectorBitSize() >= 512;

  @Override
  boolean panelPair(int p, float[][] x, int b, float[][] out, int column) {
    if (!PAIRS) {
      return false;
    }
    int base = p * P * cols;
    int second = base + P * cols;
    float[] x0 = x[b], x1 = x[b + 1], x2 = x[b + 2], x3 = x[b + 3], x4 = x[b + 4], x5 = x[b + 5], x6 = x[b + 6], x7 = x[b + 7];
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0, c6 = a0, c7 = a0;
    for (int c = 0, i = base, j = second; c < cols; c++, i += P, j += P) {
      FloatVector v = FloatVector.fromArray(F, w, i);
      FloatVector u = FloatVector.fromArray(F, w, j);
      FloatVector s = FloatVector.broadcast(F, x0[c]);
      a0 = v.fma(s, a0);
      c0 = u.fma(s, c0);
      s = FloatVector.broadcast(F, x1[c]);
      a1 = v.fma(s, a1);
      c1 = u.fma(s, c1);
      s = FloatVector.broadcast(F, x2[c]);
      a2 = v.fma(s, a2);
      c2 = u.fma(s, c2);
      s = FloatVector.broadcast(F, x3[c]);
      a3 = v.fma(s, a3);
      c3 = u.fma(s, c3);
      s = FloatVector.broadcast(F, x4[c]);
      a4 = v.fma(s, a4);
      c4 = u.fma(s, c4);
      s = FloatVector.broadcast(F, x5[c]);
      a5 = v.fma(s, a5);
      c5 = u.fma(s, c5);
      s = FloatVector.broadcast(F, x6[c]);
      a6 = v.fma(s, a6);
      c6 = u.fma(s, c6);
      s = FloatVector.broadcast(F, x7[c]);
      a7 = v.fma(s, a7);
      c7 = u.fma(s, c7);
    }
    a0.intoArray(out[b], column);
    a1.intoArray(out[b + 1], column);
    a2.intoArray(out[b + 2], column);
    a3.intoArray(out[b + 3], column);
    a4.intoArray(out[b + 4], column);
    a5.intoArray(out[b + 5], column);
    a6.intoArray(out[b + 6], column);
    a7.intoArray(out[b + 7], column);
    c0.intoArray(out[b], column + P);
    c1.intoArray(out[b + 1], column + P);
    c2.intoArray(out[b + 2], column + P);
    c3.intoArray(out[b + 3], column + P);
    c4.intoArray(out[b + 4], column + P);
    c5.intoArray(out[b + 5], column + P);
    c6.intoArray(out[b + 6], column + P);
    c7.intoArray(out[b + 7], column + P);
    return true;
  }

  @Override
  public void row(int row, float[] dst, int offset) {
    int base = row / P * P * cols + row % P;
    for (int c = 0; c < cols; c++) {
      dst[offset + c] = w[base + c * P];
    }
  }

  @Override
  public String toString() {
    return "F32[" + rows + ", " + cols + "]";
  }
}
