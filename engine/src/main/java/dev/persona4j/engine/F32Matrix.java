package dev.persona4j.engine;

import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A float32 weight matrix in a Java array. The kernel walks the rows once; for each row it takes
 * the batch four vectors at a time (four accumulators in registers), so the row is read from memory
 * once and from L1 for the rest of the batch.
 */
final class F32Matrix implements WeightMatrix {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private final int rows;
  private final int cols;
  private final float[] w;

  F32Matrix(int rows, int cols, float[] values) {
    Objects.requireNonNull(values, "values");
    if (rows <= 0 || cols <= 0 || (long) rows * cols != values.length) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix needs " + (long) rows * cols + " values, got " + values.length);
    }
    this.rows = rows;
    this.cols = cols;
    this.w = values;
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
    return 4L * w.length;
  }

  @Override
  public void multiply(float[][] x, int batch, float[][] out, int outOffset, int rowStart, int rowEnd) {
    for (int r = rowStart; r < rowEnd; r++) {
      int base = r * cols;
      int b = 0;
      for (; b + 4 <= batch; b += 4) {
        dot4(w, base, cols, x[b], x[b + 1], x[b + 2], x[b + 3], out, b, outOffset + r);
      }
      for (; b < batch; b++) {
        out[b][outOffset + r] = dot(w, base, cols, x[b]);
      }
    }
  }

  /** One row times one vector. */
  static float dot(float[] w, int base, int cols, float[] x) {
    FloatVector acc = FloatVector.zero(F);
    int upper = F.loopBound(cols);
    int c = 0;
    for (; c < upper; c += F.length()) {
      acc = FloatVector.fromArray(F, w, base + c).fma(FloatVector.fromArray(F, x, c), acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; c < cols; c++) {
      sum += w[base + c] * x[c];
    }
    return sum;
  }

  /** One row times four vectors, written to out[b..b+3][column]. */
  private static void dot4(float[] w, int base, int cols, float[] x0, float[] x1, float[] x2, float[] x3,
      float[][] out, int b, int column) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int upper = F.loopBound(cols);
    int c = 0;
    for (; c < upper; c += F.length()) {
      FloatVector v = FloatVector.fromArray(F, w, base + c);
      a0 = v.fma(FloatVector.fromArray(F, x0, c), a0);
      a1 = v.fma(FloatVector.fromArray(F, x1, c), a1);
      a2 = v.fma(FloatVector.fromArray(F, x2, c), a2);
      a3 = v.fma(FloatVector.fromArray(F, x3, c), a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD);
    float s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD);
    float s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; c < cols; c++) {
      float v = w[base + c];
      s0 += v * x0[c];
      s1 += v * x1[c];
      s2 += v * x2[c];
      s3 += v * x3[c];
    }
    out[b][column] = s0;
    out[b + 1][column] = s1;
    out[b + 2][column] = s2;
    out[b + 3][column] = s3;
  }

  @Override
  public void row(int row, float[] dst, int offset) {
    System.arraycopy(w, row * cols, dst, offset, cols);
  }

  @Override
  public String toString() {
    return "F32[" + rows + ", " + cols + "]";
  }
}
