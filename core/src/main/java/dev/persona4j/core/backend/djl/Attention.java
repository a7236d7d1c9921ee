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
  private final float scale;

  Attention(int heads, int kvHeads, int headDim) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.groups = heads / kvHeads;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
  }

  /**
   * q [heads·headDim, columns], k and v [kvHeads·headDim, columns] (already rotated) → the
   * attention output [heads·headDim, columns], ready for the output projection.
   */
  NDArray forward(int layer, NDArray q, NDArray k, NDArray v, Pass pass) {
    int b = pass.batch;
    int t = pass.width;
    NDArray[] kv = pass.keyValues.forLayer(layer, k, v, pass);
    // [kv, g, d, b, t] -> [b, kv, g·t, d]
    NDArray query =
        q.mul(scale)
            .reshape(kvHeads, groups, headDim, b, t)
            .transpose(3, 0, 1, 4, 2)
            .reshape(b, kvHeads, (long) groups * t, headDim);
    NDArray scores = query.matMul(kv[0]).add(pass.mask);
    NDArray out = scores.softmax(-1).matMul(kv[1]); // [b, kv, g·t, d]
    return out.reshape(b, kvHeads, groups, t, headDim)
        .transpose(1, 2, 4, 0, 3)
        .reshape((long) heads * headDim, (long) b * t);
  }
}
