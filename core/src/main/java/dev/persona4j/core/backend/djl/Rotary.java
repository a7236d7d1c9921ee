package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.core.checkpoint.RopeScaling;

/**
 * Rotary position embedding. The cos/sin tables are computed once per position (in float32, the
 * way transformers computes them) and kept in Java; a forward pass gathers the rows of its
 * positions into two [headDim, tokens] arrays shared by every layer.
 *
 * <p>Inference (frozen weights) stores each query and key head in the <em>flipped layout</em>: the
 * q/k projection rows are permuted at load so that the rotate-half partners (d, d + rotaryDim/2)
 * sit at mirrored positions (j, headDim-1-j). rotate_half is then a flip of the head axis, and the
 * rotation four cheap element-wise ops, {@code x·cos + flip(x)·sin±} with the sign folded into the
 * sine table (~10 µs per layer, against ~70 µs for the product with a rotation matrix). Attention
 * only ever takes q·k, so a permutation shared by queries and keys changes nothing else.
 *
 * <p>Training keeps the checkpoint's order and computes {@code x·cos + (R·x)·sin}, R the constant
 * rotate-half matrix; one product when all columns share a position.
 *
 * <p>Dimensions past the rotary dimension (Phi-3's partial rotary factor) get cos 1 and sin 0, so
 * they pass through.
 */
final class Rotary {
  private final int headDim;
  private final int rotaryDim;
  private final int contextLength;
  private final float[] invFreq;
  private volatile float[] cosTable = new float[0];
  private volatile float[] sinTable = new float[0];

  Rotary(ModelConfig config) {
    this.headDim = config.headDim();
    this.rotaryDim = config.rotaryDim();
    this.contextLength = config.contextLength();
    this.invFreq = inverseFrequencies(config);
  }

  /** transformers' _compute_default_rope_parameters plus linear / llama3 scaling, in float32. */
  static float[] inverseFrequencies(ModelConfig config) {
    int dim = config.rotaryDim();
    float base = (float) config.ropeTheta();
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / (float) dim;
      inv[i] = 1.0f / (float) Math.pow(base, exponent);
    }
    RopeScaling s = config.ropeScaling().orElse(null);
    if (s == null) {
      return inv;
    }
    float factor = (float) s.factor();
    switch (s.type()) {
      case "linear" -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] = inv[i] / factor;
        }
      }
      case "llama3" -> {
        float low = (float) s.lowFreqFactor();
        float high = (float) s.highFreqFactor();
        float old = s.originalMaxPositionEmbeddings();
        float lowWavelen = old / low;
        float highWavelen = old / high;
        for (int i = 0; i < inv.length; i++) {
          float wavelen = (float) (2 * Math.PI) / inv[i];
          float scaled = wavelen > lowWavelen ? inv[i] / factor : inv[i];
          boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
          if (medium) {
            float smooth = (old / wavelen - low) / (high - low);
            scaled = (1 - smooth) * scaled / factor + smooth * scaled;
          }
          inv[i] = scaled;
        }
      }
      default -> throw new IllegalArgumentException("unsupported rope type " + s.type());
    }
    return inv;
  }

  /** Rope types this class computes. */
  static boolean supports(String ropeType) {
    return ropeType.equals("default") || ropeType.equals("linear") || ropeType.equals("llama3");
  }

  /** The constant [headDim, headDim] matrix R with R·x = rotate_half(x) on the rotary dims. */
  NDArray rotateHalf(NDManager manager) {
    float[] r = new float[headDim * headDim];
    int half = rotaryDim / 2;
    for (int i = 0; i < half; i++) {
      r[i * headDim + i + half] = -1f;
      r[(i + half) * headDim + i] = 1f;
    }
    return manager.create(r, new Shape(headDim, headDim));
  }

  /**
   * The flipped layout: position j of a head holds the checkpoint's dimension {@code order[j]}.
   * Rotate-half partners d and d + half sit at j = d and headDim-1-d; non-rotary dimensions fill
   * the middle in their order.
   */
  int[] flippedOrder() {
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
    int[] order = flippedOrder();
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

  /**
   * The rotation for the given positions in the checkpoint's layout: cos and sin feature-major [headDim, positions.length]
   * (entry (d, c) belongs to dimension d of column c), or, when every column has the same position
   * (a decoding step of equally long sequences), the single [headDim, headDim] matrix {@code
   * diag(cos) + diag(sin)·R} that rotates them all in one product.
   */
  NDArray[] tables(NDManager manager, int[] positions) {
    int max = 0;
    boolean same = true;
    for (int p : positions) {
      max = Math.max(max, p);
      same &= p == positions[0];
    }
    ensure(max + 1);
    float[] cosT = cosTable;
    float[] sinT = sinTable;
    if (same) {
      int row = positions[0] * headDim;
      int half = rotaryDim / 2;
      float[] m = new float[headDim * headDim];
      for (int i = 0; i < headDim; i++) {
        m[i * headDim + i] = cosT[row + i];
        if (i < half) {
          m[i * headDim + i + half] = -sinT[row + i];
        } else if (i < rotaryDim) {
          m[i * headDim + i - half] = sinT[row + i];
        }
      }
      return new NDArray[] {manager.create(m, new Shape(headDim, headDim))};
    }
    int n = positions.length;
    float[] cos = new float[headDim * n];
    float[] sin = new float[headDim * n];
    for (int c = 0; c < n; c++) {
      int row = positions[c] * headDim;
      for (int d = 0; d < headDim; d++) {
        cos[d * n + c] = cosT[row + d];
        sin[d * n + c] = sinT[row + d];
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

  /**
   * Rotates x [heads, headDim, columns] by the pass's tables: in the flipped layout when {@code
   * rotateHalf} is null, else in the checkpoint's layout with R = {@code rotateHalf}.
   */
  static NDArray apply(NDArray x, Pass pass, NDArray rotateHalf) {
    if (pass.rotation != null) {
      return pass.rotation.matMul(x);
    }
    if (rotateHalf == null) {
      return x.mul(pass.cos).add(x.flip(1).mul(pass.sin));
    }
    return x.mul(pass.cos).add(rotateHalf.matMul(x).mul(pass.sin));
  }
}
