package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/**
 * The geometry of one forward pass: {@code batch} sequences, each padded to {@code width} new
 * tokens, laid out as {@code batch·width} columns (column {@code b·width + t} is token t of
 * sequence b). Everything a layer needs besides its weights: rotary tables for the columns'
 * positions, the additive attention mask, where keys and values come from, and per-layer steering.
 */
final class Pass {
  final int batch;
  final int width;
  /** Absolute positions of the columns, int64 [columns] (learned position embeddings). */
  final NDArray positions;
  /**
   * Rotary cos/sin [headDim, columns] ([headDim, 1] in the flipped layout when all columns share a
   * position), or null (no rotary embeddings, or {@link #rotation}).
   */
  final NDArray cos;
  final NDArray sin;
  /** The single rotary matrix [headDim, headDim] when all columns share a position, else null. */
  final NDArray rotation;
  /**
   * Additive mask [batch or 1, 1, 1, width, keys] (without the width axis when width is 1): 0 where
   * a query may attend, -inf elsewhere; null when nothing is masked.
   */
  final NDArray mask;
  final KeyValues keyValues;
  /** Per layer, [hidden] to add to the residual entering that layer, or null. */
  final NDArray[] steering;

  Pass(
      int batch,
      int width,
      NDArray positions,
      NDArray[] rotary,
      NDArray mask,
      KeyValues keyValues,
      NDArray[] steering) {
    this.batch = batch;
    this.width = width;
    this.positions = positions;
    boolean single = rotary != null && rotary.length == 1;
    this.rotation = single ? rotary[0] : null;
    this.cos = rotary == null || single ? null : rotary[0];
    this.sin = rotary == null || single ? null : rotary[1];
    this.mask = mask;
    this.keyValues = keyValues;
    this.steering = steering;
  }

  int columns() {
    return batch * width;
  }

  /**
   * Where attention finds the keys and values of a layer: this pass's own (training, and prefill
   * of new sequences, which also stores them) or a KV cache (decoding steps).
   */
  interface KeyValues {
    /**
     * Stores this pass's k and v [kvHeads·headDim, columns] if caching, and returns the keys
     * [batch, kvHeads, headDim, keys] and values [batch, kvHeads, keys, headDim] to attend over.
     */
    NDArray[] forLayer(int layer, NDArray k, NDArray v, Pass pass);
  }

  /** Attend over the pass's own keys and values only. */
  static final class Own implements KeyValues {
    private final int kvHeads;
    private final int headDim;

    Own(int kvHeads, int headDim) {
      this.kvHeads = kvHeads;
      this.headDim = headDim;
    }

    @Override
    public NDArray[] forLayer(int layer, NDArray k, NDArray v, Pass pass) {
      return own(k, v, pass, kvHeads, headDim);
    }

    static NDArray[] own(NDArray k, NDArray v, Pass pass, int kvHeads, int headDim) {
      NDArray keys = k.reshape(kvHeads, headDim, pass.batch, pass.width).transpose(2, 0, 1, 3);
      NDArray values = v.reshape(kvHeads, headDim, pass.batch, pass.width).transpose(2, 0, 3, 1);
      return new NDArray[] {keys, values};
    }
  }
}
