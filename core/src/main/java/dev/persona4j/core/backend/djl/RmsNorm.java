package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/**
 * RMSNorm over the hidden axis of x [hidden, tokens]. For inference its weight can be folded into
 * the projections that read its output ({@link Linear#foldInputScale}), leaving only the
 * normalisation here.
 */
final class RmsNorm {
  private final NDArray weight;
  private final NDArray eps;
  private final NDArray minusHalf;
  private NDArray column;
  private boolean folded;

  RmsNorm(Weights w, String name, long size, double eps) {
    this.weight = w.vector(name, size, 1f);
    this.column = w.frozen() ? weight.reshape(size, 1) : null;
    this.eps = w.scalar((float) eps);
    this.minusHalf = w.scalar(-0.5f);
  }

  /** The weight as [hidden, 1]. */
  NDArray weight() {
    return column != null ? column : weight.reshape(weight.getShape().get(0), 1);
  }

  /** Inference only: the weight now lives in the next projection; normalise without it. */
  void foldedIntoNext() {
    folded = true;
  }

  NDArray forward(NDArray x) {
    return Norms.rms(x, folded ? null : weight(), 0, eps, minusHalf);
  }
}
