package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/**
 * RMSNorm over the hidden axis of the residual stream x [tokens, hidden]. For inference its weight can be folded into
 * the projections that read its output ({@link Linear#assembled}), leaving only the
 * normalisation here.
 */
final class RmsNorm {
  private final NDArray weight;
  private final NDArray eps;
  private final NDArray minusHalf;
  private boolean folded;

  RmsNorm(Weights w, String name, long size, double eps) {
    this.weight = w.vector(name, size, 1f);
    this.eps = w.scalar((float) eps);
    this.minusHalf = w.scalar(-0.5f);
  }

  /** The weight, [hidden]. */
  NDArray weight() {
    return weight;
  }

  /** Inference only: the weight now lives in the next projection; normalise without it. */
  void foldedIntoNext() {
    folded = true;
  }

  NDArray forward(NDArray x) {
    return Norms.rms(x, folded ? null : weight, 1, eps, minusHalf);
  }
}
