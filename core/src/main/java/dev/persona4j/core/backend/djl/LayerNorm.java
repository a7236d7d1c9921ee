package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** LayerNorm with bias over the hidden axis of x [hidden, tokens] (GPT-2's ln_1, ln_2, ln_f). */
final class LayerNorm {
  private final NDArray weight;
  private final NDArray bias;
  private final NDArray eps;
  private final NDArray minusHalf;

  LayerNorm(Weights w, String prefix, long size, double eps) {
    NDArray wt = w.vector(prefix + ".weight", size, 1f);
    NDArray b = w.vector(prefix + ".bias", size, 0f);
    this.weight = w.frozen() ? wt.reshape(size, 1) : wt;
    this.bias = w.frozen() ? b.reshape(size, 1) : b;
    this.eps = w.scalar((float) eps);
    this.minusHalf = w.scalar(-0.5f);
  }

  NDArray forward(NDArray x) {
    return Norms.layer(x, column(weight), column(bias), 0, eps, minusHalf);
  }

  private static NDArray column(NDArray v) {
    return v.getShape().dimension() == 2 ? v : v.reshape(v.size(), 1);
  }
}
