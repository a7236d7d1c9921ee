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
  private final NDArray scale;

  /**
   * @param scale the scalar 1/√headDim to multiply queries by, or null when the caller has folded
   *     it into the query projection already
   */
  Attention(int heads, int kvHeads, int headDim, NDArray scale) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.groups = heads / kvHeads;
    this.scale = scale;
  }

  /** 1/√headDim, the softmax temperature of scaled dot-product attention. */
  static float scaleOf(int headDim) {
    return (float) (1.0 / Math.sqrt(headDim));
  }

  /**
   * q [heads·headDim, columns], k and v [kvHeads·headDim, columns] (already rotated) → the
   * attention output [heads·headDim, columns], ready for the output projection.
   */
  NDArray forward(int layer, NDArray q, NDArray k, NDArray v, Pass pass) {
    int b = pass.batch;
    int t = pass.width;
    NDArray[] kv = pass.keyValues.forLayer(layer, k, v, pass);
    NDArray scaled = scale == null ? q : q.mul(scale);
    NDArray query =
        t == 1 // a decoding step: [kv, g, d, b] viewed as [b, kv, g, d], no copy
            ? scaled.reshape(kvHeads, groups, headDim, b).transpose(3, 0, 1, 2)
            : scaled.reshape(kvHeads, groups, headDim, b, t) // [kv, g, d, b, t] -> [b, kv, g·t, d]
                .transpose(3, 0, 1, 4, 2)
                .reshape(b, kvHeads, (long) groups * t, headDim);
    NDArray scores = query.matMul(kv[0]);
    if (pass.mask != null) {
      scores = scores.add(pass.mask);
    }
    NDArray out = scores.softmax(-1).matMul(kv[1]); // [b, kv, g·t, d]
    if (t == 1) {
      return out.transpose(1, 2, 3, 0).reshape((long) heads * headDim, b);
    }
    return out.reshape(b, kvHeads, groups, t, headDim)
        .transpose(1, 2, 4, 0, 3)
        .reshape((long) heads * headDim, (long) b * t);
  }
}
