package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** LayerNorm with bias over the hidden axis of x [tokens, hidden] (GPT-2's ln_1, ln_2, ln_f). */
final class LayerNorm {
  private final NDArray weight;
  private final NDArray bias;
  private final NDArray eps;
  private final NDArray minusHalf;

  LayerNorm(WeightPreparation prep, String module, double eps) {
    this.weight = prep.normWeight(module);
    this.bias = prep.normBias(module);
    this.eps = prep.weights().scalar((float) eps);
    this.minusHalf = prep.weights().scalar(-0.5f);
  }

  NDArray forward(NDArray x) {
    return Norms.layer(x, weight, bias, 1, eps, minusHalf);
  }
}
