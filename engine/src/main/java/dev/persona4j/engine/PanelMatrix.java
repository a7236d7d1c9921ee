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
  final void panel(int p, float[][] x, int b, int n, float[][] out, int ob, int column) {
    // one method per block size: C2 compiles each small loop well, one method holding all three less so
    if (n == 8) {
      panel8(p, x, b, out, ob, column);
    } else if (n == 4) {
      panel4(p, x, b, out, ob, column);
    } else {
      panel1(p, x, b, out, ob, column);
    }
  }

  /** Panel {@code p} times batch rows b .. b + 7. */
  abstract void panel8(int p, float[][] x, int b, float[][] out, int ob, int column);

  /** Panel {@code p} times batch rows b .. b + 3. */
  abstract void panel4(int p, float[][] x, int b, float[][] out, int ob, int column);

  /** Panel {@code p} times batch row b. */
  abstract void panel1(int p, float[][] x, int b, float[][] out, int ob, int column);

  /**
   * Panel {@code p} times 8 batch rows given interleaved, {@code xi[8c + i] = x[b + i][c]}, into
   * out[ob + i][column .. column + P). Returns false where a format has no such kernel, and the
   * caller uses {@link #panel}.
   */
  boolean panel8Interleaved(int p, float[] xi, float[][] out, int ob, int column) {
    return false;
  }

  /**
   * {@link #panel8Interleaved} for panels p and p + 1 at once (out columns {@code column .. column +
   * 2P)). Returns false where a format has no such kernel.
   */
  boolean panelPair8Interleaved(int p, float[] xi, float[][] out, int ob, int column) {
    return false;
  }

  /**
   * Panels p .. p + 3 times batch rows r .. r + 3 (r = 0 or 4) of 8 given interleaved, over columns
   * [c0, c1): out[ob + i][column .. column + 4P) are set for c0 = 0, and continued (the sums so far
   * read back) otherwise. Returns false where a format has no such kernel.
   */
  boolean panelQuad4Interleaved(int p, float[] xi, int r, int c0, int c1, float[][] out, int ob, int column) {
    return false;
  }

  /**
   * Columns per pass of {@link #panelQuad4Interleaved}: four panels of this many columns (128 KiB
   * of float32) stay in a core's L2 cache between the pass over batch rows 0-3, which reads them
   * from memory, and the pass over rows 4-7.
   */
  static final int QUAD_COLUMNS = 512;

  /**
   * Panels p .. p + 3 for every block of 8 batch rows with {@link #panelQuad4Interleaved}, each
   * stretch of columns for rows 0-3 and then, from the cache, rows 4-7; false (nothing written)
   * where the format has no such kernel.
   */
  private boolean quads(int p, float[][] interleaved, int batch, float[][] out, int column) {
    for (int b = 0; b < batch; b += 8) {
      float[] xi = interleaved[b / 8];
      for (int c0 = 0; c0 < cols; c0 += QUAD_COLUMNS) {
        int c1 = Math.min(cols, c0 + QUAD_COLUMNS);
        if (!panelQuad4Interleaved(p, xi, 0, c0, c1, out, b, column)) {
          return false;
        }
        panelQuad4Interleaved(p, xi, 4, c0, c1, out, b + 4, column);
      }
    }
    return true;
  }

  /**
   * Rows [b, b + 8) of x interleaved column by column: {@code xi[8c + i] = x[b + i][c]}. A kernel
   * reading its eight inputs from one array at one running index compiles to tighter code than one
   * reading eight arrays (about 1.5× the FMA rate at batch 8, measured).
   */
  static float[] interleave8(float[][] x, int b, int cols) {
    return interleave8(x, b, cols, new float[8 * cols]);
  }

  /** {@link #interleave8(float[][], int, int)} into xi (at least 8 · cols long); returns xi. */
  static float[] interleave8(float[][] x, int b, int cols, float[] xi) {
    for (int i = 0; i < 8; i++) {
      float[] row = x[b + i];
      for (int c = 0, at = i; c < cols; c++, at += 8) {
        xi[at] = row[c];
      }
    }
    return xi;
  }

  /** Every whole block of 8 rows of x interleaved ({@link #interleave8}), or null below 8 rows. */
  static float[][] interleaved(float[][] x, int batch, int cols) {
    return interleaved(x, batch, cols, null);
  }

  /**
   * {@link #interleaved(float[][], int, int)} into {@code reuse} where it has the blocks and room
   * for them (from {@link #interleaveBuffers}); otherwise into new arrays.
   */
  static float[][] interleaved(float[][] x, int batch, int cols, float[][] reuse) {
    if (batch < 8) {
      return null;
    }
    if (reuse == null || reuse.length < batch / 8 || reuse[0].length < 8 * cols) {
      reuse = interleaveBuffers(batch, cols);
    }
    for (int k = 0; k < batch / 8; k++) {
      interleave8(x, 8 * k, cols, reuse[k]);
    }
    return reuse;
  }

  /**
   * Buffers for interleaving a batch's blocks of 8 rows of up to {@code cols} columns, to be reused
   * by every product of a pass (null below 8 rows): one per product was a batch-8 step's largest
   * garbage after attention's scores.
   */
  static float[][] interleaveBuffers(int batch, int cols) {
    return batch < 8 ? null : new float[batch / 8][8 * cols];
  }

  @Override
  public final void multiply(float[][] x, int batch, float[][] out, int outOffset, int rowStart, int rowEnd) {
    multiply(x, interleaved(x, batch, cols), batch, out, outOffset, rowStart, rowEnd);
  }

  /**
   * {@link #multiply(float[][], int, float[][], int, int, int)} with x's blocks of 8 rows also
   * given interleaved (null: none), prepared once for every row range of a product.
   */
  final void multiply(float[][] x, float[][] interleaved, int batch, float[][] out, int outOffset, int rowStart, int rowEnd) {
    float[][] partial = null;
    for (int p = rowStart / P, last = (rowEnd - 1) / P; p <= last; p++) {
      int r0 = p * P;
      boolean whole = r0 >= rowStart && r0 + P <= rowEnd;
      if (interleaved != null && batch % 8 == 0 && whole && p + 3 <= last && r0 + 4 * P <= rowEnd
          && quads(p, interleaved, batch, out, outOffset + r0)) {
        p += 3; // four panels done
        continue;
      }
      if (interleaved != null && batch % 8 == 0 && whole && p < last && r0 + 2 * P <= rowEnd) {
        boolean pairs = true;
        for (int b = 0; b < batch && pairs; b += 8) {
          pairs = panelPair8Interleaved(p, interleaved[b / 8], out, b, outOffset + r0);
        }
        if (pairs) {
          p++; // both panels done
          continue;
        }
      }
      int b = 0;
      if (whole && interleaved != null) {
        for (; batch - b >= 8 && panel8Interleaved(p, interleaved[b / 8], out, b, outOffset + r0); b += 8) {
          // eight batch rows per weight pass, from one array
        }
      }
      while (b < batch) {
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
