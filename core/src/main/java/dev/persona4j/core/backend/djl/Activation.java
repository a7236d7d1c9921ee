package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;

/** An MLP activation function, transformers' {@code ACT2FN[name]}, on feature-major activations. */
final class Activation {
  private final String name;
  private final NDArray half;
  private final NDArray one;
  private final NDArray three;
  private final NDArray cubic;
  private final NDArray sqrt2OverPi;
  private final NDArray zero;

  Activation(String name, Weights w) {
    if (!supports(name)) {
      throw new IllegalArgumentException("unsupported activation " + name);
    }
    this.name = name;
    this.half = w.scalar(0.5f);
    this.one = w.scalar(1f);
    this.three = w.scalar(3f);
    this.cubic = w.scalar(0.044715f);
    this.sqrt2OverPi = w.scalar((float) Math.sqrt(2.0 / Math.PI));
    this.zero = w.scalar(0f);
  }

  static boolean supports(String name) {
    return switch (name) {
      case "silu", "swish", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "relu" -> true;
      default -> false;
    };
  }

  NDArray apply(NDArray x) {
    return switch (name) {
      case "silu", "swish" -> x.mul(x.getNDArrayInternal().sigmoid());
      case "gelu" -> x.getNDArrayInternal().gelu();
      case "relu" -> x.maximum(zero);
      default -> geluTanh(x);
    };
  }

  /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), GPT-2's gelu_new. */
  private NDArray geluTanh(NDArray x) {
    NDArray inner = x.pow(three).mul(cubic).add(x).mul(sqrt2OverPi);
    return x.mul(half).mul(inner.tanh().add(one));
  }
}
