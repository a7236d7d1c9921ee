package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** Layout changes between feature-major [features, tokens] and token-major [tokens, features]. */
final class Layouts {
  private Layouts() {}

  /**
   * A contiguous token-major copy of a feature-major array [features, tokens] (the input a
   * following projection needs).
   */
  static NDArray tokenMajor(NDArray featureMajor) {
    long features = featureMajor.getShape().get(0);
    long tokens = featureMajor.getShape().get(1);
    if (tokens == 1) {
      return featureMajor.reshape(1, features); // already in token order
    }
    // reshaping the transposed view to 1-D forces the copy in token order
    return featureMajor.transpose().reshape(features * tokens).reshape(tokens, features);
  }
}
