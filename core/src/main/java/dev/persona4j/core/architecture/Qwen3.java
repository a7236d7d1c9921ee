package dev.persona4j.core.architecture;

/**
 * Qwen3 (transformers' modeling_qwen3): Llama plus an RMSNorm over each query and key head before
 * the rotary embedding (q_norm, k_norm: one [head_dim] weight each, shared by all heads); head_dim
 * is usually explicit; rope_theta 10⁶ by default; sliding_window only with use_sliding_window.
 */
final class Qwen3 {
  static final Architecture ARCHITECTURE = Llama.ARCHITECTURE.variant("qwen3", p -> {
    p.queryKeyNorms("self_attn.q_norm", "self_attn.k_norm");
    p.defaults = new Architecture.ConfigDefaults(1_000_000.0, 1e-6, "silu", false, false, true);
  });

  private Qwen3() {}
}
