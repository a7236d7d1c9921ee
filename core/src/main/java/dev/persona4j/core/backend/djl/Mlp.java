package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** Activation functions of the MLPs, on feature-major activations. */
final class Mlp {
  private Mlp() {}

  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

  /** Applies transformers' ACT2FN[name]. */
  static NDArray activate(String name, NDArray x) {
    return switch (name) {
      case "silu", "swish" -> x.mul(x.getNDArrayInternal().sigmoid());
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> geluTanh(x);
      case "gelu" -> x.getNDArrayInternal().gelu();
      case "relu" -> x.maximum(0f);
      default -> throw new IllegalArgumentException("unsupported activation " + name);
    };
  }

  static boolean supports(String name) {
    return switch (name) {
      case "silu", "swish", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu" -> true;
      default -> false;
    };
  }

  /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GPT-2's gelu_new. */
  static NDArray geluTanh(NDArray x) {
    NDArray inner = x.pow(3f).mul(0.044715f).add(x).mul(SQRT_2_OVER_PI);
    return x.mul(0.5f).mul(inner.tanh().add(1f));
  }
}
