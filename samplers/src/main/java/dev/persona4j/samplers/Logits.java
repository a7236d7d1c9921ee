package dev.persona4j.samplers;

import java.util.Arrays;

/** Shared arithmetic of the processors: softmax in double, orderings without boxing. */
final class Logits {
  private Logits() {}

  /** The largest finite-or-infinite score; -inf when every token is removed. */
  static float max(float[] logits) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      if (v > m) {
        m = v;
      }
    }
    return m;
  }

  /** Index of the largest score, the first one on ties (as torch.argmax); -1 if all are -inf. */
  static int argmax(float[] logits) {
    int best = -1;
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] > m) {
        m = logits[i];
        best = i;
      }
    }
    return best;
  }

  /** softmax(logits) computed in double; removed (-inf) tokens get 0. */
  static double[] probabilities(float[] logits) {
    double[] p = new double[logits.length];
    float m = max(logits);
    if (m == Float.NEGATIVE_INFINITY) {
      return p;
    }
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (v != Float.NEGATIVE_INFINITY) {
        double e = Math.exp((double) v - m);
        p[i] = e;
        sum += e;
      }
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Maps a float to an int whose signed order is the float's order (NaN excluded by callers). */
  static int sortableBits(float v) {
    int bits = Float.floatToIntBits(v);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /** Packs (value, index) so that sorting the longs orders by value, then by index, both ascending. */
  static long key(float value, int index) {
    return ((long) sortableBits(value) << 32) | (index & 0xffffffffL);
  }

  static int indexOf(long key) {
    return (int) key;
  }

  /**
   * The indices selected by {@code include}, ordered by ascending {@code value}, ties by ascending
   * index (a stable ascending sort, which is what torch.sort gives on CPU for these sizes).
   */
  static int[] ascendingOrder(float[] value, boolean[] include) {
    int n = 0;
    for (boolean b : include) {
      if (b) {
        n++;
      }
    }
    long[] keys = new long[n];
    int k = 0;
    for (int i = 0; i < value.length; i++) {
      if (include[i]) {
        keys[k++] = key(value[i], i);
      }
    }
    Arrays.sort(keys);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = indexOf(keys[i]);
    }
    return order;
  }

  static void requireNoNaN(float[] logits) {
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        throw new InvalidSettingException("logits[" + i + "]", "NaN", "the model produced a NaN score");
      }
    }
  }
}
