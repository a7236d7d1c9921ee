package dev.persona4j.core.architecture;

import java.util.List;
import java.util.Optional;

/**
 * GPT-2 (transformers' modeling_gpt2): learned position embeddings, LayerNorm, Conv1D projections
 * stored [in, out] with biases everywhere, q/k/v fused as c_attn, an ungated MLP (c_fc, gelu_new,
 * c_proj), embeddings tied by default; config.json uses its own names (n_embd, n_layer, n_head,
 * n_positions, n_inner, activation_function, layer_norm_epsilon).
 */
final class Gpt2 {
  static final Architecture ARCHITECTURE = Llama.ARCHITECTURE.variant("gpt2", p -> {
    p.embedTokens = "transformer.wte.weight";
    p.positionEmbeddings = Optional.of("transformer.wpe.weight");
    p.layerPrefix = "transformer.h.";
    p.attentionNorm = "ln_1";
    p.qkv = List.of("attn.c_attn");
    p.attentionOut = "attn.c_proj";
    p.mlpNorm = "ln_2";
    p.gateUp = List.of("mlp.c_fc");
    p.gated = false;
    p.down = "mlp.c_proj";
    p.finalNorm = "transformer.ln_f";
    p.layout = Architecture.Layout.IN_OUT;
    p.norm = Architecture.Norm.LAYER_NORM;
    p.qkvBias = Architecture.Bias.ALWAYS;
    p.outBias = Architecture.Bias.ALWAYS;
    p.mlpBias = Architecture.Bias.ALWAYS;
    p.defaults = new Architecture.ConfigDefaults(10_000.0, 1e-5, "gelu_new", true, true, false);
  });

  private Gpt2() {}
}
