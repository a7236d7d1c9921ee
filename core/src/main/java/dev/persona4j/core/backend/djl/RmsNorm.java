package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** RMSNorm over the hidden axis of x [hidden, tokens]. */
final class RmsNorm {
  private final NDArray weight;
  private final NDArray column;
  private final float eps;

  RmsNorm(Weights w, String name, long size, double eps) {
    this.weight = w.vector(name, size, 1f);
    this.column = w.frozen() ? weight.reshape(size, 1) : null;
    this.eps = (float) eps;
  }

  NDArray forward(NDArray x) {
    NDArray c = column != null ? column : weight.reshape(weight.getShape().get(0), 1);
    return Norms.rms(x, c, 0, eps);
  }
}
