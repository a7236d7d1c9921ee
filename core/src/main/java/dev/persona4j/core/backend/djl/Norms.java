package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** RMSNorm and LayerNorm over one axis of feature-major activations. */
final class Norms {
  private Norms() {}

  /**
   * {@code weight · x / sqrt(mean(x²) + eps)} over {@code axis}, as transformers' LlamaRMSNorm.
   * {@code weight} must broadcast against x (e.g. [hidden, 1] for x [hidden, tokens]).
   */
  static NDArray rms(NDArray x, NDArray weight, int axis, float eps) {
    NDArray inv = x.square().mean(new int[] {axis}, true).add(eps).pow(-0.5f);
    return x.mul(inv).mul(weight);
  }

  /** {@code (x - mean) / sqrt(var + eps) · weight + bias} over {@code axis} (biased variance). */
  static NDArray layer(NDArray x, NDArray weight, NDArray bias, int axis, float eps) {
    NDArray centered = x.sub(x.mean(new int[] {axis}, true));
    NDArray inv = centered.square().mean(new int[] {axis}, true).add(eps).pow(-0.5f);
    return centered.mul(inv).mul(weight).add(bias);
  }
}
