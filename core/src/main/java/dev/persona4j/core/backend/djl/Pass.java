package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The geometry of one forward pass: {@code batch} sequences, each padded to {@code width} new
 * tokens, laid out as {@code batch·width} columns (column {@code b·width + t} is token t of
 * sequence b). Everything a layer needs besides its weights: rotary tables for the columns'
 * positions, the additive attention mask, where keys and values come from, and per-layer steering
 * and capping.
 */
final class Pass {
  final int batch;
  final int width;
  /** Absolute positions of the columns, int64 [columns] (learned position embeddings). */
  final NDArray positions;
  /**
   * Rotary cos/sin [headDim, columns] in the flipped layout ([headDim, 1] when all columns share a
   * position), or null (no rotary embeddings).
   */
  final NDArray cos;
  final NDArray sin;
  /**
   * Additive mask [batch or 1, 1, 1, width, keys] (without the width axis when width is 1): 0 where
   * a query may attend, -inf elsewhere; null when nothing is masked.
   */
  final NDArray mask;
  final KeyValues keyValues;
  /** Per layer, [hidden] to add to the residual entering that layer, or null. */
  final NDArray[] steering;
  /** Per layer, the cap applied to the residual entering that layer (after steering), or null. */
  final Cap[] caps;

  Pass(
      int batch,
      int width,
      NDArray positions,
      NDArray[] rotary,
      NDArray mask,
      KeyValues keyValues,
      NDArray[] steering,
      Cap[] caps) {
    this.batch = batch;
    this.width = width;
    this.positions = positions;
    this.cos = rotary == null ? null : rotary[0];
    this.sin = rotary == null ? null : rotary[1];
    this.mask = mask;
    this.keyValues = keyValues;
    this.steering = steering;
    this.caps = caps;
  }

  int columns() {
    return batch * width;
  }

  /**
   * Clamps each column's projection on the unit {@code direction} [hidden] from below at {@code
   * threshold}: x ← x + max(0, τ − x·d)·d, so columns already at or above τ pass unchanged.
   */
  record Cap(NDArray direction, NDArray column, NDArray threshold, NDArray zero) {
    /**
     * A cap along the unit {@code direction} at {@code threshold}, its operands made once here (not per
     * pass: an op with a Java number operand creates a scalar array every time, see Weights#scalar).
     */
    static Cap of(NDManager manager, float[] direction, float threshold) {
      NDArray d = manager.create(direction, new Shape(direction.length));
      return new Cap(d, d.reshape(direction.length, 1), manager.create(threshold), manager.create(0f));
    }

    /** x [columns, hidden] → the capped stream, in x's manager. */
    NDArray apply(NDArray x) {
      NDArray deficit = x.matMul(column).neg().add(threshold).maximum(zero);
      return x.add(deficit.mul(direction));
    }

    void close() {
      direction.close();
      column.close();
      threshold.close();
      zero.close();
    }
  }

  /**
   * Where attention finds the keys and values of a layer: this pass's own (prefill of new
   * sequences, which also stores them) or a KV cache (decoding steps).
   */
  interface KeyValues {
    /**
     * Stores this pass's k and v [kvHeads·headDim, columns] if caching, and returns the keys
     * [batch, kvHeads, headDim, keys] and values [batch, kvHeads, keys, headDim] to attend over.
     */
    NDArray[] forLayer(int layer, NDArray k, NDArray v, Pass pass);
  }

  /**
   * This pass's own k and v [kvHeads·headDim, columns] as the keys [batch, kvHeads, headDim, width]
   * and values [batch, kvHeads, width, headDim] to attend over.
   */
  static NDArray[] own(NDArray k, NDArray v, Pass pass, int kvHeads, int headDim) {
    NDArray keys = k.reshape(kvHeads, headDim, pass.batch, pass.width).transpose(2, 0, 1, 3);
    NDArray values = v.reshape(kvHeads, headDim, pass.batch, pass.width).transpose(2, 0, 3, 1);
    return new NDArray[] {keys, values};
  }
}
