package dev.persona4j.core.architecture;

/**
 * GPT-2 (transformers' modeling_gpt2): learned position embeddings, LayerNorm, Conv1D projections
 * stored [in, out] with biases everywhere, q/k/v fused as c_attn, an ungated MLP (c_fc, gelu_new,
 * c_proj), embeddings tied by default; config.json uses its own names (n_embd, n_layer, n_head,
 * n_positions, n_inner, activation_function, layer_norm_epsilon).
 */
final class Gpt2 {
  static final Architecture ARCHITECTURE = Architecture.builder("gpt2")
      .embedTokens("transformer.wte.weight")
      .learnedPositions("transformer.wpe.weight")
      .layerPrefix("transformer.h.")
      .attentionNorm("ln_1")
      .qkv("attn.c_attn")
      .attentionOut("attn.c_proj")
      .mlpNorm("ln_2")
      .ungatedUp("mlp.c_fc")
      .down("mlp.c_proj")
      .finalNorm("transformer.ln_f")
      .layout(Architecture.Layout.IN_OUT)
      .norm(Architecture.Norm.LAYER_NORM)
      .qkvBias(Architecture.Bias.ALWAYS)
      .outBias(Architecture.Bias.ALWAYS)
      .mlpBias(Architecture.Bias.ALWAYS)
      .defaults(new Architecture.ConfigDefaults(10_000.0, 1e-5, "gelu_new", true, true, false))
      .build();

  private Gpt2() {}
}
