package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** LayerNorm with bias over the hidden axis of x [tokens, hidden] (GPT-2's ln_1, ln_2, ln_f). */
final class LayerNorm {
  private final NDArray weight;
  private final NDArray bias;
  private final NDArray eps;
  private final NDArray minusHalf;

  LayerNorm(Weights w, String prefix, long size, double eps) {
    this.weight = w.vector(prefix + ".weight", size, 1f);
    this.bias = w.vector(prefix + ".bias", size, 0f);
    this.eps = w.scalar((float) eps);
    this.minusHalf = w.scalar(-0.5f);
  }

  NDArray forward(NDArray x) {
    return Norms.layer(x, weight, bias, 1, eps, minusHalf);
  }
}
