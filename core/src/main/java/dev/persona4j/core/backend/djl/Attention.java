package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/**
 * Scaled dot-product attention with grouped key/value heads: query head h reads key/value head
 * {@code h / groups} (transformers' repeat_kv), done without copying keys by folding the groups
 * into the query rows.
 */
final class Attention {
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final int groups;

  /** The queries come scaled by 1/√headDim (folded into the weights at load). */
  Attention(int heads, int kvHeads, int headDim) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.groups = heads / kvHeads;
  }

  /**
   * q [heads·headDim, columns] (scaled), k and v [kvHeads·headDim, columns] (already rotated) → the
   * attention output token-major [columns, heads·headDim], ready for the output projection.
   */
  NDArray forward(int layer, NDArray q, NDArray k, NDArray v, Pass pass) {
    int b = pass.batch;
    int t = pass.width;
    NDArray[] kv = pass.keyValues.forLayer(layer, k, v, pass);
    NDArray query =
        t == 1 // a decoding step: [kv, g, d, b] viewed as [b, kv, g, d], no copy
            ? q.reshape(kvHeads, groups, headDim, b).transpose(3, 0, 1, 2)
            : q.reshape(kvHeads, groups, headDim, b, t) // [kv, g, d, b, t] -> [b, kv, g·t, d]
                .transpose(3, 0, 1, 4, 2)
                .reshape(b, kvHeads, (long) groups * t, headDim);
    NDArray scores = query.matMul(kv[0]); // [b, kv, g·t, keys]
    if (pass.mask != null) {
      // the mask is shared by the g query heads of a key/value head
      scores = t == 1
          ? scores.add(pass.mask)
          : scores.reshape(b, kvHeads, groups, t, -1).add(pass.mask).reshape(b, kvHeads, (long) groups * t, -1);
    }
    NDArray out = scores.softmax(-1).matMul(kv[1]); // [b, kv, g·t, d]
    if (t == 1) {
      return out.reshape(b, (long) heads * headDim); // [b, kv, g, d] is token-major already
    }
    return out.reshape(b, kvHeads, groups, t, headDim)
        .transpose(0, 3, 1, 2, 4)
        .reshape((long) b * t, (long) heads * headDim);
  }
}
