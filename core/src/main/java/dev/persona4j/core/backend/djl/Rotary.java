package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.checkpoint.ModelConfig;

/**
 * Rotary position embedding for inference. The cos/sin tables are computed once per position (in float32, the
 * way transformers computes them) and kept in Java; a forward pass gathers the rows of its
 * positions into two [headDim, tokens] arrays shared by every layer.
 *
 * <p>The engine stores each query and key head in the <em>flipped layout</em>: the
 * q/k projection rows are permuted at load so that the rotate-half partners (d, d + rotaryDim/2)
 * sit at mirrored positions (j, headDim-1-j). rotate_half is then a flip of the head axis, and the
 * rotation four cheap element-wise ops, {@code x·cos + flip(x)·sin±} with the sign folded into the
 * sine table (~10 µs per layer, against ~70 µs for the product with a rotation matrix). Attention
 * only ever takes q·k, so a permutation shared by queries and keys changes nothing else.
 *
 * <p>Dimensions past the rotary dimension (Phi-3's partial rotary factor) get cos 1 and sin 0, so
 * they pass through.
 */
final class Rotary {
  private final int headDim;
  private final int rotaryDim;
  private final int contextLength;
  private final float[] invFreq;
  private final int[] order;
  private volatile float[] cosTable = new float[0];
  private volatile float[] sinTable = new float[0];

  Rotary(ModelConfig config) {
    this.headDim = config.headDim();
    this.rotaryDim = config.rotaryDim();
    this.contextLength = config.contextLength();
    this.invFreq = config.rotaryInverseFrequencies();
    this.order = flippedOrder(config);
  }

  /**
   * The flipped layout: position j of a head holds the checkpoint's dimension {@code order[j]}.
   * Rotate-half partners d and d + half sit at j = d and headDim-1-d; non-rotary dimensions fill
   * the middle in their order.
   */
  static int[] flippedOrder(ModelConfig config) {
    int headDim = config.headDim();
    int rotaryDim = config.rotaryDim();
    int half = rotaryDim / 2;
    int[] order = new int[headDim];
    for (int i = 0; i < half; i++) {
      order[i] = i;
      order[headDim - 1 - i] = i + half;
    }
    for (int j = half; j < headDim - half; j++) {
      order[j] = rotaryDim + (j - half);
    }
    return order;
  }

  /**
   * Flipped-layout tables for the given positions: cos and the signed sine feature-major [headDim,
   * n], n = 1 when every column has the same position (it broadcasts), else one column per position.
   */
  NDArray[] flippedTables(NDManager manager, int[] positions) {
    int max = 0;
    boolean same = true;
    for (int p : positions) {
      max = Math.max(max, p);
      same &= p == positions[0];
    }
    ensure(max + 1);
    float[] cosT = cosTable;
    float[] sinT = sinTable;
    int[] order = this.order;
    int half = rotaryDim / 2;
    int n = same ? 1 : positions.length;
    float[] cos = new float[headDim * n];
    float[] sin = new float[headDim * n];
    for (int c = 0; c < n; c++) {
      int row = positions[c] * headDim;
      for (int j = 0; j < headDim; j++) {
        cos[j * n + c] = cosT[row + order[j]];
        float s = sinT[row + order[j]];
        sin[j * n + c] = j < half ? -s : s;
      }
    }
    Shape shape = new Shape(headDim, n);
    return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
  }

  /** Grows the tables to cover {@code positions} rows (doubling, up to the context length). */
  private synchronized void ensure(int positions) {
    int have = cosTable.length / headDim;
    if (have >= positions) {
      return;
    }
    int rows = Math.max(positions, Math.min(Math.max(2 * have, 256), Math.max(contextLength, positions)));
    float[] cos = new float[rows * headDim];
    float[] sin = new float[rows * headDim];
    int half = rotaryDim / 2;
    for (int p = 0; p < rows; p++) {
      for (int d = 0; d < headDim; d++) {
        float c = 1f;
        float s = 0f;
        if (d < rotaryDim) {
          float angle = invFreq[d % half] * (float) p;
          c = (float) Math.cos(angle);
          s = (float) Math.sin(angle);
        }
        cos[p * headDim + d] = c;
        sin[p * headDim + d] = s;
      }
    }
    sinTable = sin;
    cosTable = cos;
  }

  /** Rotates x [heads, headDim, columns] (flipped layout) by the pass's tables. */
  static NDArray apply(NDArray x, Pass pass) {
    return x.mul(pass.cos).add(x.flip(1).mul(pass.sin));
  }
}
