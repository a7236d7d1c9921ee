package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/**
 * RMSNorm and LayerNorm over one axis of feature-major activations. Constants are scalar arrays
 * (see {@link Weights#scalar}).
 */
final class Norms {
  private Norms() {}

  /**
   * {@code x / sqrt(mean(x²) + eps)} over {@code axis}, times {@code weight} when not null, as
   * transformers' LlamaRMSNorm. {@code weight} must broadcast against x (e.g. [hidden, 1] for x
   * [hidden, tokens]).
   */
  static NDArray rms(NDArray x, NDArray weight, int axis, NDArray eps, NDArray minusHalf) {
    NDArray inv = x.square().mean(new int[] {axis}, true).add(eps).pow(minusHalf);
    NDArray y = x.mul(inv);
    return weight == null ? y : y.mul(weight);
  }

  /** {@code (x - mean) / sqrt(var + eps) · weight + bias} over {@code axis} (biased variance). */
  static NDArray layer(NDArray x, NDArray weight, NDArray bias, int axis, NDArray eps, NDArray minusHalf) {
    NDArray centered = x.sub(x.mean(new int[] {axis}, true));
    NDArray inv = centered.square().mean(new int[] {axis}, true).add(eps).pow(minusHalf);
    return centered.mul(inv).mul(weight).add(bias);
  }
}
