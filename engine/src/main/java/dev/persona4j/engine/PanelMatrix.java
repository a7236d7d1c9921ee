package dev.persona4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix stored in panels of {@link #P} rows (P = the float vector length), whose kernel
 * computes a whole panel, P output rows, for up to 8 batch rows at a time; this class cuts a row
 * range into panels and batch rows into blocks of 8, 4 and 1.
 */
abstract class PanelMatrix implements WeightMatrix {
  static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  static final int P = F.length();
  final int rows;
  final int cols;

  PanelMatrix(int rows, int cols, long values) {
    if (rows <= 0 || cols <= 0 || (long) rows * cols != values) {
      throw new IllegalArgumentException("a [" + rows + ", " + cols + "] matrix needs " + (long) rows * cols + " values, got " + values);
    }
    this.rows = rows;
    this.cols = cols;
  }

  /** Panels needed for {@code rows} rows, the last padded with zero rows. */
  static int panels(int rows) {
    return (rows + P - 1) / P;
  }

  @Override
  public final int rows() {
    return rows;
  }

  @Override
  public final int cols() {
    return cols;
  }

  /**
   * Panel {@code p} times {@code n} (8, 4 or 1) batch rows from {@code b}: out[ob + i][column ..
   * column + P).
   */
  abstract void panel(int p, float[][] x, int b, int n, float[][] out, int ob, int column);

  /**
   * Panels {@code p} and {@code p + 1} times 8 batch rows from {@code b}, out[b + i][column ..
   * column + 2P): twice the outputs per input value loaded. Returns false where a format has no
   * such kernel (or the registers would not hold it), and the caller goes panel by panel.
   */
  boolean panelPair(int p, float[][] x, int b, float[][] out, int column) {
    return false;
  }

  @Override
  public final void multiply(float[][] x, int batch, float[][] out, int outOffset, int rowStart, int rowEnd) {
    float[][] partial = null;
    for (int p = rowStart / P, last = (rowEnd - 1) / P; p <= last; p++) {
      int r0 = p * P;
      boolean whole = r0 >= rowStart && r0 + P <= rowEnd;
      if (whole && batch >= 8 && r0 + 2 * P <= rowEnd) {
        int b = 0;
        for (; batch - b >= 8 && panelPair(p, x, b, out, outOffset + r0); b += 8) {
          // two panels per weight pass
        }
        if (b > 0) {
          for (; b < batch; b++) {
            panel(p, x, b, 1, out, b, outOffset + r0);
            panel(p + 1, x, b, 1, out, b, outOffset + r0 + P);
          }
          p++;
          continue;
        }
      }
      for (int b = 0; b < batch; ) {
        int n = batch - b >= 8 ? 8 : batch - b >= 4 ? 4 : 1;
        if (whole) {
          panel(p, x, b, n, out, b, outOffset + r0);
        } else {
          // a panel cut by the range (or padded past the last row): compute it whole, keep the rows asked
          if (partial == null) {
            partial = new float[1][P];
          }
          for (int i = 0; i < n; i++) {
            panel(p, x, b + i, 1, partial, 0, 0);
            for (int r = Math.max(r0, rowStart); r < Math.min(r0 + P, rowEnd); r++) {
              out[b + i][outOffset + r] = partial[0][r - r0];
            }
          }
        }
        b += n;
      }
    }
  }
}
