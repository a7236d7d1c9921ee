package dev.persona4j.core.architecture;

/**
 * Qwen2 (transformers' modeling_qwen2): Llama with biases on q, k and v always (none on o_proj and
 * the MLP), rope_theta 10⁶ by default, and sliding_window only with use_sliding_window.
 */
final class Qwen2 {
  static final Architecture ARCHITECTURE = Llama.ARCHITECTURE.variant("qwen2", p -> {
    p.qkvBias = Architecture.Bias.ALWAYS;
    p.mlpBias = Architecture.Bias.NONE;
    p.defaults = new Architecture.ConfigDefaults(1_000_000.0, 1e-6, "silu", false, true, true);
  });

  private Qwen2() {}
}
