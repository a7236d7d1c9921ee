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
    this(rows, cols, Objects.requireNonNull(values, "values").length);
    for (int p = 0; p < panels(rows); p++) {
      fillPanel(p, values, p * P * cols);
    }
  }

  /**
   * A zero matrix whose panels {@link #fillPanel} then writes: a loader reads rows straight into
   * their panels, never holding the whole tensor in its row-major order as well.
   */
  static F32Matrix empty(int rows, int cols) {
    return new F32Matrix(rows, cols, (long) rows * cols);
  }

  private F32Matrix(int rows, int cols, long values) {
    super(rows, cols, values);
    this.w = new float[Math.multiplyExact(panels(rows) * P, cols)];
  }

  /**
   * Writes panel {@code p} from its rows, row-major in {@code src} from {@code at} (fewer than P
   * rows for the last panel). Column after column, writing in order while reading P rows side by
   * side: one sequential pass. Panels are disjoint, so several threads may fill different ones.
   */
  void fillPanel(int p, float[] src, int at) {
    int height = Math.min(P, rows - p * P);
    for (int c = 0, to = p * P * cols; c < cols; c++, to += P) {
      for (int i = 0; i < height; i++) {
        w[to + i] = src[at + i * cols + c];
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

  @Override
  boolean panel8Interleaved(int p, float[] xi, float[][] out, int ob, int column) {
    int base = p * P * cols;
    int end = 8 * cols;
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (int c = 0, i = base; c < end; c += 8, i += P) {
      FloatVector v = FloatVector.fromArray(F, w, i);
      a0 = v.fma(FloatVector.broadcast(F, xi[c]), a0);
      a1 = v.fma(FloatVector.broadcast(F, xi[c + 1]), a1);
      a2 = v.fma(FloatVector.broadcast(F, xi[c + 2]), a2);
      a3 = v.fma(FloatVector.broadcast(F, xi[c + 3]), a3);
      a4 = v.fma(FloatVector.broadcast(F, xi[c + 4]), a4);
      a5 = v.fma(FloatVector.broadcast(F, xi[c + 5]), a5);
      a6 = v.fma(FloatVector.broadcast(F, xi[c + 6]), a6);
      a7 = v.fma(FloatVector.broadcast(F, xi[c + 7]), a7);
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
