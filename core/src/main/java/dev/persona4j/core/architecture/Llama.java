package dev.persona4j.core.architecture;

import dev.persona4j.core.architecture.Architecture.Bias;
import dev.persona4j.core.architecture.Architecture.ConfigDefaults;
import dev.persona4j.core.architecture.Architecture.Layout;
import dev.persona4j.core.architecture.Architecture.Norm;
import java.util.List;
import java.util.Optional;

/**
 * Llama (transformers' modeling_llama), the description the others change: {@code model.layers.N.},
 * q/k/v and gate/up stored separately, biases as config.json's {@code attention_bias} (q, k, v) and
 * {@code mlp_bias} say, RMSNorm, rotary on the whole head (optionally scaled: linear, llama3), SiLU,
 * embeddings untied unless configured.
 */
final class Llama {
  static final Architecture ARCHITECTURE = new Architecture("llama",
      "model.embed_tokens.weight", Optional.empty(), "model.layers.",
      "input_layernorm", List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"), "self_attn.o_proj",
      Optional.empty(), Optional.empty(),
      "post_attention_layernorm", List.of("mlp.gate_proj", "mlp.up_proj"), true, "mlp.down_proj",
      "model.norm", "lm_head.weight",
      Layout.OUT_IN, Norm.RMS_NORM, Bias.FROM_CONFIG, Bias.NONE, Bias.FROM_CONFIG,
      new ConfigDefaults(10_000.0, 1e-6, "silu", false, false, false));

  private Llama() {}
}
