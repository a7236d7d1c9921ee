package dev.persona4j.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code y = W·x + b} for a batch of vectors, where W is one or more weight matrices stacked by rows
 * (q, k and v; gate and up) so one call runs them all: their rows are cut into chunks that the
 * model's threads take in turn, every chunk reading its rows once for the whole batch.
 */
final class Projection {
  /**
   * Rows per chunk at least, and the multiple chunks are cut at: four panels of the panel formats (a
   * chunk cutting a panel would compute it whole once per batch row, and batch-8 kernels take
   * panels in fours or pairs).
   */
  private static final int CHUNK_ROWS = 4 * PanelMatrix.P;
  private final WeightMatrix[] parts;
  private final int in;
  private final int out;
  /** Per chunk: part index, first row, end row, output offset. */
  private final int[][] chunks;
  private final float[] bias;

  /**
   * @param parts matrices with the same number of columns, stacked in this order
   * @param bias [sum of rows], or null
   */
  Projection(List<WeightMatrix> parts, float[] bias, int threads) {
    this.parts = parts.toArray(new WeightMatrix[0]);
    this.in = this.parts[0].cols();
    int total = 0;
    for (WeightMatrix m : this.parts) {
      if (m.cols() != in) {
        throw new IllegalArgumentException("stacked matrices differ in columns: " + parts);
      }
      total += m.rows();
    }
    this.out = total;
    if (bias != null && bias.length != total) {
      throw new IllegalArgumentException("bias has " + bias.length + " values for " + total + " rows");
    }
    this.bias = bias;
    // about 8 chunks per thread, so a thread slowed by another process does not hold the rest up
    int size = Math.max(CHUNK_ROWS, total / (8 * threads) / CHUNK_ROWS * CHUNK_ROWS);
    List<int[]> list = new ArrayList<>();
    int offset = 0;
    for (int p = 0; p < this.parts.length; p++) {
      int rows = this.parts[p].rows();
      for (int r = 0; r < rows; r += size) {
        list.add(new int[] {p, r, Math.min(rows, r + size), offset});
      }
      offset += rows;
    }
    this.chunks = list.toArray(new int[0][]);
  }

  int in() {
    return in;
  }

  int out() {
    return out;
  }

  /** Bytes of the weights (shared matrices counted by each projection using them). */
  long bytes() {
    long b = 0;
    for (WeightMatrix m : parts) {
      b += m.bytes();
    }
    return b;
  }

  /** out[i][0..out) = W·x[i] + b for i &lt; n. */
  void apply(Workers workers, float[][] x, int n, float[][] y) {
    apply(workers, x, n, y, null);
  }

  /**
   * {@link #apply(Workers, float[][], int, float[][])} interleaving x's blocks of 8 rows into {@code
   * interleaveBuffers} ({@link PanelMatrix#interleaveBuffers}) where they are large enough.
   */
  void apply(Workers workers, float[][] x, int n, float[][] y, float[][] interleaveBuffers) {
    float[][] interleaved = PanelMatrix.interleaved(x, n, in, interleaveBuffers); // once for every chunk
    workers.forEach(chunks.length, c -> {
      int[] chunk = chunks[c];
      WeightMatrix m = parts[chunk[0]];
      if (m instanceof PanelMatrix panels) {
        panels.multiply(x, interleaved, n, y, chunk[3], chunk[1], chunk[2]);
      } else {
        m.multiply(x, n, y, chunk[3], chunk[1], chunk[2]);
      }
    });
    if (bias != null) {
      for (int i = 0; i < n; i++) {
        float[] row = y[i];
        for (int r = 0; r < out; r++) {
          row[r] += bias[r];
        }
      }
    }
  }
}
